"""Seoul's weighted final score ("seoul-weighted"), computed exactly.

Each project of a pot gets four components, each on a 0–100 scale:

- citizen votes, normalised within the pot: votes × 100 / the most votes any project of the pot
  received (the most-voted project scores 100; every component is 0 when nobody voted);
- the committee score (the mean of the members' 0–100 scores);
- the budget school's score and the proposers' score (0–100, entered by officials).

A component that was never recorded (None) counts as 0: a project the committee did not score
gets nothing for that part, rather than having the other parts scaled up to make up for it; the
results page says so.

The final score is Σ weight% × component / 100 (Seoul 2019: 50 / 30 / 10 / 10), so it is on the
same 0–100 scale. Projects are then funded in final-score order within the pot's budget; one that
no longer fits in what is left is skipped and the walk goes on to the next.

Ties in final score go to more votes, then to the lower cost (it leaves more money for the rest),
then to the project id in natural order ("2" before "10"), so the order is total and does not
depend on the order of ballots or projects.

Exact arithmetic throughout (Fraction); nothing here knows Django.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from numbers import Rational

from budgeting.tally.instance import natural_key

HUNDRED = Fraction(100)
# Scores come as whole numbers, fractions or the database's decimals; all are converted exactly.
Score = Rational | Decimal


@dataclass(frozen=True)
class Weights:
    """Percentages of the final score; each 0–100, together 100."""

    votes: int = 50
    committee: int = 30
    school: int = 10
    proposers: int = 10

    def __post_init__(self):
        parts = (self.votes, self.committee, self.school, self.proposers)
        if any(not isinstance(part, int) or part < 0 or part > 100 for part in parts):
            raise ValueError("each weight is a whole percentage from 0 to 100")
        if sum(parts) != 100:
            raise ValueError(f"the weights add up to {sum(parts)}, not 100")


@dataclass(frozen=True)
class WeightedProject:
    project_id: str
    cost: int
    votes: int
    # 0–100, or None when never recorded (then it counts as 0).
    committee: Score | None = None
    school: Score | None = None
    proposers: Score | None = None


@dataclass(frozen=True)
class WeightedScore:
    """A project's components (0–100 each, missing ones as 0) and its final score."""

    votes: Fraction
    committee: Fraction
    school: Fraction
    proposers: Fraction
    final: Fraction


@dataclass(frozen=True)
class WeightedResult:
    funded: tuple[str, ...]  # in the order they were funded
    total_cost: int
    skipped: tuple[str, ...]  # reached while they no longer fitted
    order: tuple[str, ...]  # every project, best final score first (ties broken as documented)
    scores: dict[str, WeightedScore]

    def final_score(self, project_id: str) -> Fraction:
        return self.scores[project_id].final


def _component(value: Score | None, name: str, project_id: str) -> Fraction:
    if value is None:
        return Fraction(0)
    component = Fraction(value)
    if not 0 <= component <= HUNDRED:
        raise ValueError(f"the {name} score of project {project_id!r} is {component}, outside 0–100")
    return component


def weighted_scores(projects: Sequence[WeightedProject], weights: Weights) -> dict[str, WeightedScore]:
    """Each project's components and final score (see the module's docstring)."""
    most_votes = max((project.votes for project in projects), default=0)
    scores: dict[str, WeightedScore] = {}
    for project in projects:
        if project.project_id in scores:
            raise ValueError(f"project {project.project_id!r} is listed twice")
        if project.votes < 0 or project.cost < 0:
            raise ValueError(f"project {project.project_id!r} has negative votes or cost")
        votes = Fraction(project.votes * 100, most_votes) if most_votes else Fraction(0)
        committee = _component(project.committee, "committee", project.project_id)
        school = _component(project.school, "budget school", project.project_id)
        proposers = _component(project.proposers, "proposers'", project.project_id)
        final = (
            weights.votes * votes + weights.committee * committee + weights.school * school
            + weights.proposers * proposers
        ) / 100
        scores[project.project_id] = WeightedScore(votes, committee, school, proposers, final)
    return scores


def seoul_weighted(projects: Sequence[WeightedProject], budget: int, weights: Weights | None = None) -> WeightedResult:
    """Fund the projects in final-score order within `budget`, skipping those that no longer fit."""
    if budget < 0:
        raise ValueError("the budget must not be negative")
    weights = weights or Weights()
    scores = weighted_scores(projects, weights)
    ranked = sorted(
        projects,
        key=lambda project: (
            -scores[project.project_id].final,
            -project.votes,
            project.cost,
            natural_key(project.project_id),
        ),
    )
    funded: list[str] = []
    skipped: list[str] = []
    spent = 0
    for project in ranked:
        if spent + project.cost <= budget:
            funded.append(project.project_id)
            spent += project.cost
        else:
            skipped.append(project.project_id)
    return WeightedResult(
        funded=tuple(funded),
        total_cost=spent,
        skipped=tuple(skipped),
        order=tuple(project.project_id for project in ranked),
        scores=scores,
    )
