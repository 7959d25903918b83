"""Greedy by score, with and without a score threshold."""

import pytest

from budgeting.tally import Instance, greedy, greedy_threshold


def test_funds_by_score_and_skips_what_no_longer_fits():
    instance = Instance.from_ballots(
        {"A": 60, "B": 50, "C": 30, "D": 10},
        100,
        [["A", "B"], ["A", "B"], ["A", "C"], ["B", "C", "D"]],
    )
    result = greedy(instance)
    # A and B have 3 votes each: the cheaper B goes first, then A (60) no longer fits in 50.
    assert result.funded == ("B", "C", "D")
    assert result.skipped == ("A",)
    assert result.total_cost == 90


def test_ties_in_score_go_to_the_cheaper_then_the_natural_id():
    instance = Instance.from_ballots({"p10": 5, "p2": 5, "p3": 4}, 9, [["p10", "p2", "p3"]])
    assert greedy(instance).funded == ("p3", "p2")


def test_points_ballots_count_points():
    instance = Instance.from_ballots({"A": 10, "B": 10}, 10, [{"A": 1, "B": 4}, {"A": 2}])
    assert instance.scores == (3, 4)
    assert greedy(instance).funded == ("B",)


def test_threshold_drops_projects_before_counting():
    instance = Instance.from_ballots({"A": 10, "B": 5}, 10, [["A"], ["A"], ["B"]], min_project_score=2)
    result = greedy_threshold(instance)
    assert result.below_threshold == ("B",)
    assert result.funded == ("A",)
    assert greedy_threshold(instance, threshold=1).funded == ("A",)


def test_threshold_must_be_known():
    instance = Instance.from_ballots({"A": 10}, 10, [["A"]])
    with pytest.raises(ValueError, match="no score threshold"):
        greedy_threshold(instance)
