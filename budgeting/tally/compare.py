"""equalshares.net's comparison step: does a majority of the voters who care prefer greedy?

Each voter compares the two outcomes by how many of their approved projects each funds
("satisfaction"), or by whether each funds at least one of them ("exclusion"). Voters who see no
difference do not count. The first outcome (MES) is kept unless strictly more voters prefer the
second (greedy).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from budgeting.tally.instance import Instance

CRITERIA = ("satisfaction", "exclusion")


@dataclass(frozen=True)
class ComparisonStep:
    criterion: str
    prefers_first: int
    prefers_second: int

    @property
    def keeps_first(self) -> bool:
        return self.prefers_second <= self.prefers_first


def approved_funded_counts(instance: Instance, funded: Iterable[int]) -> list[int]:
    """For each voter, how many funded projects they approved (points ballots: gave points to)."""
    counts = [0] * instance.voter_count
    for project in set(funded):
        for voter in instance.supporters[project]:
            counts[voter] += 1
    return counts


def comparison_step(instance: Instance, first: Iterable[int], second: Iterable[int], criterion: str) -> ComparisonStep:
    if criterion not in CRITERIA:
        raise ValueError(f"comparison criterion must be one of {', '.join(CRITERIA)}")
    first_counts = approved_funded_counts(instance, first)
    second_counts = approved_funded_counts(instance, second)
    if criterion == "exclusion":
        first_counts = [min(count, 1) for count in first_counts]
        second_counts = [min(count, 1) for count in second_counts]
    prefers_first = sum(a > b for a, b in zip(first_counts, second_counts, strict=True))
    prefers_second = sum(b > a for a, b in zip(first_counts, second_counts, strict=True))
    return ComparisonStep(criterion, prefers_first, prefers_second)
