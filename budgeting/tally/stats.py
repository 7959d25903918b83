"""Figures for a results page: how well an outcome serves the voters, and how two outcomes differ."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

from budgeting.tally.compare import approved_funded_counts
from budgeting.tally.instance import Instance


@dataclass(frozen=True)
class OutcomeStats:
    funded_count: int
    total_cost: int
    share_without_funded_approval: Fraction  # voters none of whose approved projects is funded
    average_funded_approvals: Fraction  # funded projects a voter approved, on average


@dataclass(frozen=True)
class OutcomeDifference:
    only_first: tuple[str, ...]
    only_first_votes: int
    only_second: tuple[str, ...]
    only_second_votes: int


def outcome_stats(instance: Instance, funded_ids: Iterable[str]) -> OutcomeStats:
    funded = [instance.index[project_id] for project_id in funded_ids]
    counts = approved_funded_counts(instance, funded)
    voters = max(instance.voter_count, 1)
    return OutcomeStats(
        funded_count=len(funded),
        total_cost=instance.cost_of(funded),
        share_without_funded_approval=Fraction(counts.count(0), voters),
        average_funded_approvals=Fraction(sum(counts), voters),
    )


def outcome_difference(instance: Instance, first_ids: Iterable[str], second_ids: Iterable[str]) -> OutcomeDifference:
    """The projects only one of the two outcomes funds, with the votes they received."""
    first, second = set(first_ids), set(second_ids)
    only_first = tuple(project_id for project_id in instance.project_ids if project_id in first - second)
    only_second = tuple(project_id for project_id in instance.project_ids if project_id in second - first)
    return OutcomeDifference(
        only_first=only_first,
        only_first_votes=sum(instance.votes[instance.index[project_id]] for project_id in only_first),
        only_second=only_second,
        only_second_votes=sum(instance.votes[instance.index[project_id]] for project_id in only_second),
    )
