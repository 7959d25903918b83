"""Greedy by score, the rule most cities use ("standard voting method").

Projects are taken in order of score, highest first; each is funded if it still fits in what is left
of the budget, otherwise skipped, and the walk goes on to cheaper projects further down.

Ties in score are broken by lower cost first, then by project id in natural order ("2" < "10"):
a cheaper project leaves more money for the rest, and the id makes the order total and
independent of the order of ballots or of projects in the file.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from budgeting.tally.instance import Instance, natural_key


@dataclass(frozen=True)
class GreedyResult:
    funded: tuple[str, ...]  # in the order they were funded
    total_cost: int
    skipped: tuple[str, ...]  # reached while they no longer fitted
    below_threshold: tuple[str, ...] = ()  # dropped before counting by greedy_threshold


def greedy_order(instance: Instance, projects: Iterable[int] | None = None) -> list[int]:
    """Project indices by score descending, then cost ascending, then natural id."""
    candidates = instance.projects if projects is None else projects
    return sorted(
        candidates,
        key=lambda project: (
            -instance.scores[project],
            instance.costs[project],
            natural_key(instance.project_ids[project]),
        ),
    )


def fill_greedily(
    instance: Instance, order: Iterable[int], funded: list[int], limit: int
) -> tuple[list[int], list[int]]:
    """Append to `funded` each project of `order` not yet in it that still fits under `limit`."""
    spent = instance.cost_of(funded)
    already = set(funded)
    added, skipped = [], []
    for project in order:
        if project in already:
            continue
        if spent + instance.costs[project] <= limit:
            funded.append(project)
            added.append(project)
            spent += instance.costs[project]
        else:
            skipped.append(project)
    return added, skipped


def greedy_indices(instance: Instance, projects: Iterable[int] | None = None) -> tuple[list[int], list[int]]:
    funded: list[int] = []
    _, skipped = fill_greedily(instance, greedy_order(instance, projects), funded, instance.budget)
    return funded, skipped


def greedy(instance: Instance) -> GreedyResult:
    funded, skipped = greedy_indices(instance)
    return GreedyResult(instance.ids(funded), instance.cost_of(funded), instance.ids(skipped))


def greedy_threshold(instance: Instance, threshold: int | None = None) -> GreedyResult:
    """Greedy over the projects whose score reaches `threshold` (default: META min_project_score_threshold)."""
    if threshold is None:
        threshold = instance.min_project_score
    if threshold is None:
        raise ValueError("no score threshold given and the election declares none")
    eligible = [project for project in instance.projects if instance.scores[project] >= threshold]
    below = [project for project in instance.projects if instance.scores[project] < threshold]
    funded, skipped = greedy_indices(instance, eligible)
    return GreedyResult(instance.ids(funded), instance.cost_of(funded), instance.ids(skipped), instance.ids(below))
