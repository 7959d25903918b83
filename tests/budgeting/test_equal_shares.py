"""The Method of Equal Shares on small instances worked out by hand."""

from fractions import Fraction

import pytest

from budgeting.tally import Instance, equal_shares


def make(costs, budget, ballots):
    return Instance.from_ballots(costs, budget, ballots)


def test_supporters_split_the_cost_and_unaffordable_projects_drop_out():
    # 4 voters with 30 each. A (60) by all four: 15 each. Then B (50) by voters 0-2, who have 15
    # left each: 45 < 50, unaffordable. C (15) by voter 3 alone, who has 15 left: funded.
    instance = make({"A": 60, "B": 50, "C": 15}, 120, [["A", "B"], ["A", "B"], ["A", "B"], ["A", "C"]])
    result = equal_shares(instance, completion="none")
    assert result.funded == ("A", "C")
    assert result.budget_per_voter == 30
    first, second = result.shares
    assert (first.max_payment, first.effective_vote_count, first.paying_in_full) == (15, 4, 4)
    assert (second.max_payment, second.effective_vote_count) == (15, 1)


def test_a_voter_short_of_the_equal_split_pays_everything_left():
    # 4 voters with 10 each. X (24) by voters 0-2: 8 each, leaving them 2. Y (6) by voters 2 and 3:
    # an equal split is 3, more than voter 2 has, so voter 2 pays 2 and voter 3 pays 4.
    instance = make({"X": 24, "Y": 6}, 40, [["X"], ["X"], ["X", "Y"], ["Y"]])
    result = equal_shares(instance, completion="none")
    assert result.funded == ("X", "Y")
    share_y = result.shares[1]
    assert (share_y.max_payment, share_y.paying_in_full, share_y.paying_all_they_had) == (4, 1, 1)
    assert share_y.effective_vote_count == Fraction(3, 2)


def test_exact_arithmetic_funds_what_floats_would_not():
    # Six shares of 1/6 add up to 0.9999999999999999 in floating point, short of the cost 1.
    instance = make({"P": 1}, 1, [["P"]] * 6)
    result = equal_shares(instance, completion="none")
    assert result.funded == ("P",)
    assert result.shares[0].max_payment == Fraction(1, 6)


def test_add1_raises_the_share_while_the_outcome_fits():
    # 2 voters, budget 10, so 5 each to start. A (10, both) is funded at 5 each. B (8) needs
    # voter 1 to keep 8 after paying 5 for A: at a share of 13 it would be funded too, 18 > 10.
    instance = make({"A": 10, "B": 8}, 10, [["A"], ["A", "B"]])
    result = equal_shares(instance, completion="add1")
    assert result.funded == ("A",)
    assert result.budget_per_voter == 12


def test_add1_stops_at_the_last_share_that_fits_and_add1u_fills_greedily():
    # Shares of 5 and 6 fund C only; at 7 A and B both become affordable and would cost 14 > 10.
    instance = make({"A": 4, "B": 7, "C": 3}, 10, [["A", "C"], ["B"]])
    plain = equal_shares(instance, completion="add1")
    assert (plain.funded, plain.budget_per_voter) == (("C",), 6)
    filled = equal_shares(instance, completion="add1u")
    assert (filled.funded, filled.added_by_completion, filled.total_cost) == (("C", "A"), ("A",), 7)


def test_ties_go_to_the_lower_cost_first():
    # 2 voters with 15 each: big costs 10 each, small 5 each; both have effective vote count 2.
    instance = make({"big": 20, "small": 10}, 30, [["big", "small"]] * 2)
    assert equal_shares(instance, completion="none").funded == ("small", "big")


def test_ties_in_cost_go_to_more_votes():
    # 5 voters with 2 each; p1 (6) takes all the money of voters 0-2. Then p2 and p4 (2 each) can
    # only be paid by voter 3: effective vote count 1 for both, but p4 has two votes to p2's one.
    ballots = [["p1", "p3"], ["p1", "p4"], ["p1"], ["p2", "p4"], ["p3"]]
    instance = make({"p1": 6, "p2": 2, "p3": 4, "p4": 2}, 10, ballots)
    assert equal_shares(instance, completion="none").funded == ("p1", "p4")


def test_full_ties_go_to_the_natural_order_of_ids():
    instance = make({"p10": 10, "p2": 10}, 10, [["p10", "p2"]] * 2)
    assert equal_shares(instance, completion="none").funded == ("p2",)


def test_free_projects_with_support_are_funded_up_front():
    instance = make({"free": 0, "paid": 4, "unloved": 0}, 4, [["paid", "free"], ["paid"]])
    result = equal_shares(instance)
    assert result.funded == ("free", "paid")


def test_the_comparison_step_can_prefer_greedy():
    # MES funds nothing (B needs both voters' money, and then overspends); greedy funds A.
    instance = make({"A": 2, "B": 3}, 2, [["A", "B"], ["B"]])
    assert equal_shares(instance).funded == ()
    result = equal_shares(instance, comparison=True)
    assert result.funded == ("A",)
    assert not result.kept_equal_shares
    assert (result.comparison.prefers_first, result.comparison.prefers_second) == (0, 1)


def test_the_eligibility_step_drops_projects_with_too_few_votes_for_their_cost():
    # 1 of 4 voters is 25 % of the electorate; D costs 90 % of the budget: 25 % < 90 % / 3.
    instance = make({"D": 90, "E": 10}, 100, [["D"], ["E"], ["E"], ["E"]])
    result = equal_shares(instance, min_vote_to_cost_share=Fraction(1, 3))
    assert result.ineligible == ("D",)
    assert "D" not in result.funded


def test_no_voters_fund_nothing():
    assert equal_shares(make({"A": 1}, 10, [])).funded == ()


def test_points_ballots_are_refused():
    with pytest.raises(ValueError, match="approval ballots only"):
        equal_shares(make({"A": 1}, 10, [{"A": 3}]))


def test_unknown_completion_is_refused():
    with pytest.raises(ValueError, match="completion must be one of"):
        equal_shares(make({"A": 1}, 10, [["A"]]), completion="add2")
