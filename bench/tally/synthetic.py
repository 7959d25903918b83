"""A synthetic approval election, the same for the same seed: 100 projects × 50,000 voters by default.

Shaped on the city-wide Polish elections in tests/budgeting/pabulib/: costs spread log-normally
(median about 300,000, from 20,000 to 5,000,000, in hundreds), popularity skewed log-normally (a
few projects draw many voters, most draw few), each voter approving 1 to 10 projects (about 4.3
on average, more short ballots than long ones), and a budget of a quarter of the total cost, so
that greedy and MES both have to choose.

Only `random.Random(seed)` draws numbers (its `random()`-based methods give the same sequence on
every platform and Python version), and the file is written by the portal's own `write_pabulib`.
"""

from __future__ import annotations

import math
import random
from fractions import Fraction
from itertools import accumulate
from pathlib import Path

from budgeting.pabulib import Ballot, Election, Project, write_pabulib

PROJECTS = 100
VOTERS = 50_000
SEED = 2026
BUDGET_SHARE = Fraction(1, 4)  # of the total cost of all projects
MIN_COST, MEDIAN_COST, MAX_COST = 20_000, 300_000, 5_000_000
# How many projects a ballot approves: 1 to 10, the shorter ballots more common.
BALLOT_LENGTH_WEIGHTS = (14, 15, 15, 14, 12, 10, 8, 6, 3, 3)


def synthetic_election(
    projects: int = PROJECTS, voters: int = VOTERS, seed: int = SEED, budget_share: Fraction = BUDGET_SHARE
) -> Election:
    if projects < 1 or voters < 0:
        raise ValueError("a synthetic election needs at least one project and no negative voter count")
    rng = random.Random(seed)
    ids = [str(number) for number in range(1, projects + 1)]
    costs = [
        min(MAX_COST, max(MIN_COST, 100 * round(rng.lognormvariate(math.log(MEDIAN_COST), 0.9) / 100))) for _ in ids
    ]
    popularity = [rng.lognormvariate(0.0, 1.1) for _ in ids]
    cumulative_popularity = list(accumulate(popularity))
    lengths = range(1, len(BALLOT_LENGTH_WEIGHTS) + 1)
    cumulative_lengths = list(accumulate(BALLOT_LENGTH_WEIGHTS))

    ballots = []
    votes = [0] * projects
    for voter in range(1, voters + 1):
        length = min(rng.choices(lengths, cum_weights=cumulative_lengths)[0], projects)
        chosen: list[int] = []
        seen: set[int] = set()
        while len(chosen) < length:
            # Draw by popularity, keeping the first `length` distinct projects.
            for project in rng.choices(range(projects), cum_weights=cumulative_popularity, k=length):
                if project not in seen:
                    seen.add(project)
                    chosen.append(project)
                    if len(chosen) == length:
                        break
        for project in chosen:
            votes[project] += 1
        ballots.append(Ballot(voter_id=str(voter), votes=tuple(ids[project] for project in chosen)))

    budget = int(sum(costs) * budget_share) // 1000 * 1000
    meta = {
        "description": f"Synthetic approval election ({projects} projects, {voters} voters, seed {seed})",
        "country": "Synthetic",
        "unit": "Synthetic",
        "instance": str(seed),
        "num_projects": str(projects),
        "num_votes": str(voters),
        "budget": str(budget),
        "vote_type": "approval",
        "rule": "greedy",
        "max_length": str(len(BALLOT_LENGTH_WEIGHTS)),
        "currency": "KRW",
    }
    project_records = {
        project_id: Project(
            project_id=project_id, cost=cost, name=f"Synthetic project {project_id}", fields={"votes": str(count)}
        )
        for project_id, cost, count in zip(ids, costs, votes, strict=True)
    }
    return Election(
        meta=meta,
        projects=project_records,
        ballots=ballots,
        project_columns=("project_id", "cost", "votes", "name"),
        ballot_columns=("voter_id", "vote"),
    )


def write_synthetic(path: Path, **options) -> Path:
    """Write the synthetic election (options as for `synthetic_election`) to `path` as a .pb file."""
    path = Path(path)
    path.write_text(write_pabulib(synthetic_election(**options)), encoding="utf-8")
    return path
