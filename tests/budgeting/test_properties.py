"""Properties of the tallies on random small instances (hypothesis)."""

import random
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from budgeting.tally import Instance, equal_shares, greedy, greedy_threshold
from budgeting.tally.equal_shares import EqualSharesResult
from budgeting.tally.fixed_share import FixedShareEngine
from tests.budgeting.reference_mes import reference_add1, reference_run
from tests.budgeting.strategies import PROPERTY_SETTINGS, approval_instances, points_instances

COMPLETIONS = ("none", "add1", "add1u")


def all_outcomes(instance):
    yield "greedy", greedy(instance)
    yield "greedy_threshold", greedy_threshold(instance, threshold=2)
    if instance.points is None:
        for completion in COMPLETIONS:
            yield completion, equal_shares(instance, completion=completion)
        yield "add1+comparison", equal_shares(instance, comparison=True)
        yield "add1+eligibility", equal_shares(instance, min_vote_to_cost_share=Fraction(1, 3))


@PROPERTY_SETTINGS
@given(st.one_of(approval_instances(), points_instances()))
def test_no_outcome_overspends(instance):
    for rule, result in all_outcomes(instance):
        assert result.total_cost == instance.cost_of(instance.index[p] for p in result.funded), rule
        assert result.total_cost <= instance.budget, rule
        assert len(set(result.funded)) == len(result.funded), rule


@PROPERTY_SETTINGS
@given(st.one_of(approval_instances(), points_instances()))
def test_greedy_never_passes_over_a_better_project_that_fits(instance):
    """Given skipping, what holds is: an unfunded project is either too expensive for what was left
    when greedy reached it, or comes later in the order. So no funded project has a lower score than
    an unfunded one costing no more, and every unfunded project exceeds the money left at the end."""
    result = greedy(instance)
    funded = {instance.index[p] for p in result.funded}
    left = instance.budget - result.total_cost
    for unfunded in set(instance.projects) - funded:
        assert instance.costs[unfunded] > left
        for chosen in funded:
            if instance.costs[unfunded] <= instance.costs[chosen]:
                assert instance.scores[unfunded] <= instance.scores[chosen]


@PROPERTY_SETTINGS
@given(approval_instances(), st.integers(0, 4))
def test_greedy_threshold_is_greedy_over_the_projects_reaching_the_threshold(instance, threshold):
    result = greedy_threshold(instance, threshold)
    assert set(result.below_threshold) == {
        instance.project_ids[p] for p in instance.projects if instance.scores[p] < threshold
    }
    assert not set(result.funded) & set(result.below_threshold)
    kept = [p for p in instance.projects if instance.scores[p] >= threshold]
    reduced = Instance.from_ballots(
        {instance.project_ids[p]: instance.costs[p] for p in kept},
        instance.budget,
        [
            [instance.project_ids[p] for p in kept if voter in instance.supporters[p]]
            for voter in range(instance.voter_count)
        ],
    )
    assert result.funded == greedy(reduced).funded


def replay_payments(instance: Instance, result: EqualSharesResult) -> list[Fraction]:
    """Charge each MES winner again from the reported max payments; return what voters have left."""
    left = [result.budget_per_voter] * instance.voter_count
    for share in result.shares:
        paid = Fraction(0)
        full = 0
        for voter in instance.supporters[instance.index[share.project_id]]:
            payment = min(left[voter], share.max_payment)
            assert payment <= left[voter]
            full += payment == share.max_payment and payment > 0
            left[voter] -= payment
            paid += payment
        assert paid == share.cost, share
        assert full == share.paying_in_full, share
    return left


@PROPERTY_SETTINGS
@given(approval_instances(), st.sampled_from(COMPLETIONS))
def test_equal_shares_never_charges_a_voter_more_than_their_share(instance, completion):
    result = equal_shares(instance, completion=completion)
    left = replay_payments(instance, result)
    assert all(amount >= 0 for amount in left)
    assert sum(share.cost for share in result.shares) <= result.budget_per_voter * instance.voter_count


@PROPERTY_SETTINGS
@given(approval_instances(), st.booleans())
def test_equal_shares_matches_a_plain_reference_implementation(instance, stop_when_exhaustive):
    single_run = equal_shares(instance, completion="none")
    endowment = Fraction(instance.budget, instance.voter_count)
    assert single_run.funded == instance.ids(reference_run(instance, endowment))
    completed = equal_shares(instance, completion="add1", stop_when_exhaustive=stop_when_exhaustive)
    winners, endowment = reference_add1(instance, stop_when_exhaustive)
    assert completed.funded == instance.ids(winners)
    assert completed.budget_per_voter == endowment


@PROPERTY_SETTINGS
@given(st.one_of(approval_instances(), points_instances()), st.randoms(use_true_random=False))
def test_results_do_not_depend_on_the_order_of_ballots_or_projects(instance, rng: random.Random):
    project_order = list(instance.projects)
    rng.shuffle(project_order)
    ballots = []
    for voter in range(instance.voter_count):
        if instance.points is None:
            ballots.append([instance.project_ids[p] for p in project_order if voter in instance.supporters[p]])
        else:
            ballots.append(
                {
                    instance.project_ids[p]: instance.points[p][list(instance.supporters[p]).index(voter)]
                    for p in project_order
                    if voter in instance.supporters[p]
                }
            )
    rng.shuffle(ballots)
    shuffled = Instance.from_ballots(
        {instance.project_ids[p]: instance.costs[p] for p in project_order}, instance.budget, ballots
    )
    for (rule, original), (_, reordered) in zip(all_outcomes(instance), all_outcomes(shuffled), strict=True):
        assert original.funded == reordered.funded, rule
        assert original.total_cost == reordered.total_cost, rule


@PROPERTY_SETTINGS
@given(approval_instances(), st.integers(0, 24), st.integers(1, 24), st.sampled_from([1, 2, 3]))
def test_lower_bounds_from_a_larger_share_change_nothing(instance, share, extra, denominator):
    engine = FixedShareEngine(instance, list(instance.projects))
    smaller = Fraction(share, denominator)
    larger = engine.run(smaller + extra)
    hinted = engine.run(smaller, lower_bounds_from=larger)
    plain = engine.run(smaller)
    assert (hinted.winners, hinted.payments) == (plain.winners, plain.payments)
