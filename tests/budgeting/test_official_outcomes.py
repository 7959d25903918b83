"""Each real election, tallied under its official rule, gives the outcome that was published.

The rules come from pabulib/README.md; the `selected` column of each file is the official outcome.
Gdańsk and Zabrze files carry no `selected` column, so there the expected winners are spelled out
(in both, the most popular project costs the whole budget, so nothing else fits).
"""

from fractions import Fraction
from math import floor

import pytest

from budgeting.tally import Instance, equal_shares, greedy, greedy_threshold, outcome_difference, outcome_stats
from tests.budgeting.elections import (
    ASSEN,
    GDANSK,
    STANFORD,
    SWIECIE,
    WARSZAWA,
    WIELICZKA,
    ZABRZE,
    election,
    instance,
    official_outcome,
)


def test_assen_equal_shares_add1():
    result = equal_shares(instance(ASSEN), completion="add1")
    assert set(result.funded) == official_outcome(ASSEN)
    assert (len(result.funded), result.total_cost) == (9, 76_700)
    # Project 7 (12,000) would still fit: the official count did not fill the rest greedily.
    assert equal_shares(instance(ASSEN), completion="add1u").added_by_completion == ("7",)


def test_swiecie_equal_shares_add1_with_eligibility():
    result = equal_shares(instance(SWIECIE), completion="add1", min_vote_to_cost_share=Fraction(1, 3))
    assert set(result.funded) == official_outcome(SWIECIE)
    assert (len(result.funded), result.total_cost) == (17, 1_040_337)
    # 375 of 2,553 voters (14.7 %) for a project costing 45 % of the budget: below a third of it.
    assert result.ineligible == ("c22",)


def test_wieliczka_equal_shares_add1_then_comparison():
    result = equal_shares(instance(WIELICZKA), completion="add1", comparison=True)
    assert set(result.funded) == official_outcome(WIELICZKA)
    assert (len(result.funded), result.total_cost) == (30, 995_079)
    assert 309 <= result.budget_per_voter <= 315
    assert result.kept_equal_shares
    assert result.comparison.prefers_first > result.comparison.prefers_second


def test_wieliczka_published_comparison_with_greedy():
    mes = equal_shares(instance(WIELICZKA), completion="add1")
    standard = greedy(instance(WIELICZKA))
    mes_stats = outcome_stats(instance(WIELICZKA), mes.funded)
    greedy_stats = outcome_stats(instance(WIELICZKA), standard.funded)
    assert round(100 * mes_stats.share_without_funded_approval) == 18
    assert round(100 * greedy_stats.share_without_funded_approval) == 28
    # Published truncated to two decimals: 10,651 / 6,586 = 1.617... appears as 1.61.
    assert floor(100 * mes_stats.average_funded_approvals) == 161
    assert floor(100 * greedy_stats.average_funded_approvals) == 147
    difference = outcome_difference(instance(WIELICZKA), standard.funded, mes.funded)
    assert (len(difference.only_first), difference.only_first_votes) == (4, 1_453)
    assert (len(difference.only_second), difference.only_second_votes) == (11, 2_414)


def test_wieliczka_stopping_when_exhaustive_would_not_reproduce_the_official_count():
    result = equal_shares(instance(WIELICZKA), completion="add1", stop_when_exhaustive=True)
    assert set(result.funded) != official_outcome(WIELICZKA)


def test_warszawa_greedy_with_threshold():
    result = greedy_threshold(instance(WARSZAWA))
    assert set(result.funded) == official_outcome(WARSZAWA)
    # The threshold matters: plain greedy would fund a different set.
    assert set(greedy(instance(WARSZAWA)).funded) != official_outcome(WARSZAWA)


def test_gdansk_olszynka_greedy_by_points():
    result = greedy(instance(GDANSK))
    assert result.funded == ("1",)
    assert result.total_cost == 211_000
    assert instance(GDANSK).scores[instance(GDANSK).index["1"]] == 1_312


def test_zabrze_greedy_on_choose_one_ballots():
    result = greedy(instance(ZABRZE))
    assert result.funded == ("P0065",)
    assert result.total_cost == 500_000


def test_ordinal_ballots_have_no_tally_rule():
    with pytest.raises(ValueError, match="no tally rule counts 'ordinal' ballots"):
        Instance.from_election(election(STANFORD))
