"""Participatory-budgeting tallies computed exactly (no floats in any decision).

Pure Python, no Django: services and management commands build an `Instance` (usually with
`Instance.from_election(read_pabulib(...))`) and call a rule:

- `greedy` / `greedy_threshold`: by score (votes, or points for cumulative/scoring ballots), ties
  to the cheaper project, then the natural order of ids;
- `equal_shares`: the Method of Equal Shares with add1 completion, optional comparison step and
  eligibility step; ties in effective vote count to the cheaper project, then more votes, then the
  natural order of ids;
- `outcome_stats` / `outcome_difference`: the figures of a results page.
"""

from budgeting.tally.compare import ComparisonStep, comparison_step
from budgeting.tally.equal_shares import EqualSharesResult, FundedShare, equal_shares
from budgeting.tally.greedy import GreedyResult, greedy, greedy_threshold
from budgeting.tally.instance import Instance
from budgeting.tally.stats import OutcomeDifference, OutcomeStats, outcome_difference, outcome_stats

__all__ = [
    "ComparisonStep",
    "EqualSharesResult",
    "FundedShare",
    "GreedyResult",
    "Instance",
    "OutcomeDifference",
    "OutcomeStats",
    "comparison_step",
    "equal_shares",
    "greedy",
    "greedy_threshold",
    "outcome_difference",
    "outcome_stats",
]
