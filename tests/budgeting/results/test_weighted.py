"""Seoul's weighted final score on hand-worked instances (no database, exact fractions)."""

from decimal import Decimal
from fractions import Fraction

import pytest

from budgeting.tally.weighted import WeightedProject, Weights, seoul_weighted, weighted_scores

SEOUL_2019 = Weights(votes=50, committee=30, school=10, proposers=10)


def test_components_are_normalised_and_weighted():
    projects = [
        WeightedProject("1", cost=40, votes=200, committee=Decimal("80.00"), school=60, proposers=100),
        WeightedProject("2", cost=40, votes=50, committee=90, school=90, proposers=90),
    ]
    scores = weighted_scores(projects, SEOUL_2019)
    # Project 1 has the most votes: 100. 50·100 + 30·80 + 10·60 + 10·100 = 9000, / 100 = 90.
    assert scores["1"].votes == 100
    assert scores["1"].final == 90
    # Project 2: 50 × 100 / 200 = 25 → 50·25 + 30·90 + 10·90 + 10·90 = 5750 → 57.5.
    assert scores["2"].votes == 25
    assert scores["2"].final == Fraction(115, 2)


def test_votes_are_normalised_exactly():
    projects = [WeightedProject("a", 1, 3), WeightedProject("b", 1, 1)]
    scores = weighted_scores(projects, Weights(100, 0, 0, 0))
    assert scores["b"].final == Fraction(100, 3)


def test_a_missing_component_counts_as_zero():
    projects = [WeightedProject("1", cost=10, votes=10, committee=None, school=None, proposers=None)]
    score = weighted_scores(projects, SEOUL_2019)["1"]
    assert (score.committee, score.school, score.proposers) == (0, 0, 0)
    assert score.final == 50


def test_no_votes_at_all_gives_a_zero_vote_component():
    projects = [WeightedProject("1", cost=10, votes=0, committee=50), WeightedProject("2", cost=10, votes=0)]
    scores = weighted_scores(projects, SEOUL_2019)
    assert scores["1"].votes == scores["2"].votes == 0
    assert scores["1"].final == 15


def test_funded_in_score_order_skipping_what_no_longer_fits():
    projects = [
        WeightedProject("A", cost=70, votes=100, committee=100, school=100, proposers=100),  # 100
        WeightedProject("B", cost=50, votes=90, committee=90, school=90, proposers=90),  # 90
        WeightedProject("C", cost=30, votes=10, committee=20, school=0, proposers=0),  # 11
    ]
    result = seoul_weighted(projects, 100, SEOUL_2019)
    assert result.order == ("A", "B", "C")
    assert result.funded == ("A", "C")
    assert result.skipped == ("B",)
    assert result.total_cost == 100
    assert result.final_score("C") == Fraction(11)


def test_the_committee_can_outweigh_votes():
    projects = [
        WeightedProject("popular", cost=10, votes=100, committee=0),
        WeightedProject("endorsed", cost=10, votes=60, committee=100, school=100, proposers=100),
    ]
    # popular: 50; endorsed: 30 + 30 + 10 + 10 = 80.
    assert seoul_weighted(projects, 10, SEOUL_2019).funded == ("endorsed",)


def test_ties_go_to_more_votes_then_lower_cost_then_natural_id():
    weights = Weights(votes=0, committee=100, school=0, proposers=0)
    projects = [
        WeightedProject("10", cost=5, votes=3, committee=50),
        WeightedProject("2", cost=5, votes=3, committee=50),
        WeightedProject("3", cost=4, votes=3, committee=50),
        WeightedProject("4", cost=9, votes=4, committee=50),
    ]
    assert seoul_weighted(projects, 100, weights).order == ("4", "3", "2", "10")


def test_the_outcome_does_not_depend_on_the_order_of_projects():
    projects = [WeightedProject(str(n), cost=10 + n, votes=n % 4, committee=n * 7 % 100) for n in range(12)]
    first = seoul_weighted(projects, 60, SEOUL_2019)
    second = seoul_weighted(list(reversed(projects)), 60, SEOUL_2019)
    assert first == second


@pytest.mark.parametrize(
    "weights", [(50, 30, 10, 5), (101, 0, 0, -1), (50.0, 30, 10, 10)], ids=["sum 95", "negative", "float"]
)
def test_weights_must_be_whole_percentages_adding_up_to_100(weights):
    with pytest.raises(ValueError):
        Weights(*weights)


def test_a_component_outside_0_to_100_is_refused():
    with pytest.raises(ValueError, match="outside 0–100"):
        weighted_scores([WeightedProject("1", 1, 1, committee=101)], SEOUL_2019)


def test_an_empty_pot_funds_nothing():
    result = seoul_weighted([], 100)
    assert (result.funded, result.total_cost, result.order) == ((), 0, ())
