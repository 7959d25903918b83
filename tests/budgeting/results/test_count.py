"""Counting a cycle (services.tally): what is stored per pot and project, and when counting is refused."""


import pytest
from django.utils import translation

from audit.models import AuditEvent
from budgeting.errors import BudgetingError
from budgeting.models import Cycle, PotResult, Project, ProjectResult
from budgeting.services.tally import (
    completion_step,
    cycle_count,
    cycle_outcome,
    equal_shares_add1,
    results_publish,
)
from budgeting.tally import Instance, equal_shares

MILLION = 1_000_000


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def _stored(cycle, pot):
    result = PotResult.objects.get(cycle=cycle, pot=pot)
    rows = list(ProjectResult.objects.filter(pot_result=result).select_related("project").order_by("rank"))
    return result, rows


def _greedy_city(make_cycle, make_project, make_ballots, city_pot, **fields):
    """City pot (KRW 1 bn): A 300m (5 votes), B 300m (4), C 300m (3), D 250m (2), E 100m (1)."""
    cycle = make_cycle("assembly", **fields)
    pot = city_pot(cycle)
    a, b, c, d, e = (make_project(cycle, pot, cost=cost * MILLION, title=title)
                     for title, cost in [("A", 300), ("B", 300), ("C", 300), ("D", 250), ("E", 100)])
    make_ballots(cycle, [[a, b, c, d, e], [a, b, c, d], [a, b, c], [a, b], [a]])
    return cycle, pot, (a, b, c, d, e)


def test_greedy_count_is_stored_with_ranks_and_the_cut_off(make_cycle, make_project, make_ballots, city_pot,
                                                           official):
    cycle, pot, (a, b, c, d, e) = _greedy_city(make_cycle, make_project, make_ballots, city_pot,
                                               selection_rule=Cycle.Rule.GREEDY)
    cycle_count(actor=official, cycle=cycle)
    result, rows = _stored(cycle, pot)
    assert (result.rule, result.voters, result.total_cost, result.budget_per_voter) == ("greedy", 5, 1000 * MILLION, "")
    # A, B, C (900m), D (250m) no longer fits, E (100m) does: funded first, then the cut-off, then D.
    assert [(row.project, row.rank, row.funded) for row in rows] == [
        (a, 1, True), (b, 2, True), (c, 3, True), (e, 4, True), (d, 5, False)
    ]
    assert [row.votes for row in rows] == [5, 4, 3, 1, 2]
    assert rows[0].final_score == 5 and rows[0].cost == 300 * MILLION
    # The other pots were counted too, empty.
    assert PotResult.objects.filter(cycle=cycle).count() == 3
    event = AuditEvent.objects.get(action="budgeting.cycle.count")
    assert event.actor_id == official.pk and event.summary["rule"] == "greedy"


def test_the_comparison_holds_greedy_and_mes_with_exact_figures(make_cycle, make_project, make_ballots, city_pot):
    cycle, pot, (a, b, c, d, e) = _greedy_city(make_cycle, make_project, make_ballots, city_pot,
                                               selection_rule=Cycle.Rule.GREEDY)
    cycle_count(actor=None, cycle=cycle)
    comparison = PotResult.objects.get(pot=pot).comparison
    assert set(comparison) == {"greedy", "mes"}
    greedy = comparison["greedy"]
    assert greedy["funded"] == [a.pk, b.pk, c.pk, e.pk]
    # Every voter approved A, funded: nobody is left without a funded project.
    assert greedy["share_without_funded"] == "0"
    # Approved funded projects: 4 + 3 + 3 + 2 + 1 = 13 over 5 voters.
    assert greedy["average_funded_approvals"] == "13/5"
    assert greedy["average_funded_approvals_value"] == pytest.approx(2.6)


def test_mes_count_stores_the_share_and_effective_support(make_cycle, make_project, make_ballots, city_pot):
    """Gangnam's pot (KRW 300 m) among four voters: three back X, one backs Y, nobody else votes there."""
    cycle = make_cycle("assembly", selection_rule=Cycle.Rule.MES)
    gangnam = cycle.pots.get(district_id="11680")
    x = make_project(cycle, gangnam, cost=100 * MILLION, title="X")
    y = make_project(cycle, gangnam, cost=100 * MILLION, title="Y")
    z = make_project(cycle, gangnam, cost=290 * MILLION, title="Z")
    elsewhere = make_project(cycle, city_pot(cycle), cost=10 * MILLION)
    make_ballots(cycle, [[x], [x], [x], [y, z], [elsewhere]])
    cycle_count(actor=None, cycle=cycle)
    result, rows = _stored(cycle, gangnam)
    # The ballot with only a city-wide pick is not a voter of Gangnam's pot.
    assert result.voters == 4
    assert [row.project for row in rows if row.funded] == [x, y]
    expected = equal_shares_add1(
        Instance.from_ballots({"x": 100 * MILLION, "y": 100 * MILLION, "z": 290 * MILLION}, 300 * MILLION,
                              [["x"], ["x"], ["x"], ["y", "z"]])
    )
    assert result.budget_per_voter == str(expected.budget_per_voter)
    # X is paid by its three supporters in equal parts: effective support 3; Y by its one.
    assert rows[0].effective_support == "3"
    assert rows[1].effective_support == "1"
    assert rows[2].effective_support == "" and not rows[2].funded
    assert result.total_cost == 200 * MILLION


def test_mes_comparison_records_the_comparison_step(make_cycle, make_project, make_ballots, city_pot):
    cycle = make_cycle("assembly", selection_rule=Cycle.Rule.MES_COMPARISON)
    pot = city_pot(cycle)
    projects = [make_project(cycle, pot, cost=cost * MILLION) for cost in (300, 300, 200, 200)]
    make_ballots(cycle, [projects[:2]] * 6 + [projects[2:]] * 4)
    cycle_count(actor=None, cycle=cycle)
    result = PotResult.objects.get(pot=pot)
    step = result.comparison["mes-comparison"]["comparison_step"]
    assert step["kept"] in ("mes", "greedy")
    assert set(result.comparison) == {"mes-comparison", "greedy", "mes"}
    funded = set(ProjectResult.objects.filter(pot_result=result, funded=True).values_list("project_id", flat=True))
    assert funded == set(result.comparison["mes-comparison"]["funded"])


def test_seoul_weighted_count_stores_the_final_scores(make_cycle, make_project, make_ballots, city_pot):
    cycle = make_cycle("assembly", selection_rule=Cycle.Rule.SEOUL_WEIGHTED)
    pot = city_pot(cycle)
    popular = make_project(cycle, pot, cost=600 * MILLION, title="popular", committee_score=0)
    endorsed = make_project(cycle, pot, cost=500 * MILLION, title="endorsed", committee_score=100,
                            school_score=100, proposers_score=100)
    small = make_project(cycle, pot, cost=300 * MILLION, title="small", committee_score=50)
    make_ballots(cycle, [[popular]] * 4 + [[popular, endorsed]] * 2 + [[small]])
    cycle_count(actor=None, cycle=cycle)
    result, rows = _stored(cycle, pot)
    # popular 50 (most votes); endorsed 2/6 → 50 × 100/3 / 100 + 30 + 10 + 10 = 66.6667; small 1/6 → 8.3333 + 15.
    assert [row.project for row in rows] == [endorsed, small, popular]
    assert [str(row.final_score) for row in rows] == ["66.6667", "23.3333", "50.0000"]
    assert [row.funded for row in rows] == [True, True, False]
    assert result.comparison["seoul-weighted"]["scores"][str(endorsed.pk)] == "200/3"


def test_greedy_threshold_uses_the_minimum_votes(make_cycle, make_project, make_ballots, city_pot):
    cycle, pot, (a, b, c, d, e) = _greedy_city(make_cycle, make_project, make_ballots, city_pot,
                                               selection_rule=Cycle.Rule.GREEDY_THRESHOLD, min_project_votes=3)
    cycle_count(actor=None, cycle=cycle)
    result, rows = _stored(cycle, pot)
    assert [row.project for row in rows if row.funded] == [a, b, c]
    assert result.comparison["greedy-threshold"]["below_threshold"] == [d.pk, e.pk]


def test_only_feasible_projects_are_counted(make_cycle, make_project, make_ballots, city_pot):
    cycle = make_cycle("assembly", selection_rule=Cycle.Rule.GREEDY)
    pot = city_pot(cycle)
    feasible = make_project(cycle, pot, cost=MILLION)
    make_project(cycle, pot, cost=MILLION, status=Project.Status.NOT_FEASIBLE, infeasible_reason="x")
    make_ballots(cycle, [[feasible]])
    cycle_count(actor=None, cycle=cycle)
    assert list(ProjectResult.objects.filter(pot_result__pot=pot).values_list("project", flat=True)) == [feasible.pk]


@pytest.mark.parametrize("phase", ["deliberation", "vote"])
def test_refused_before_the_vote_ends(make_cycle, official, phase):
    cycle = make_cycle(phase)
    with pytest.raises(BudgetingError, match="The vote is not over yet") as caught:
        cycle_count(actor=official, cycle=cycle)
    assert caught.value.code == "vote_not_over"
    assert not PotResult.objects.exists()


def test_refused_to_someone_who_does_not_run_the_cycle(make_cycle, citizen, department_official):
    cycle = make_cycle("assembly")
    for actor in (citizen, department_official):
        with pytest.raises(BudgetingError) as caught:
            cycle_count(actor=actor, cycle=cycle)
        assert caught.value.code == "forbidden"
    assert not PotResult.objects.exists()


def test_a_recount_replaces_the_result_until_publication(make_cycle, make_project, make_ballots, city_pot,
                                                          official):
    cycle, pot, projects = _greedy_city(make_cycle, make_project, make_ballots, city_pot,
                                        selection_rule=Cycle.Rule.GREEDY)
    cycle_count(actor=official, cycle=cycle)
    make_ballots(cycle, [[projects[3]]] * 9)
    cycle_count(actor=official, cycle=cycle)
    result, rows = _stored(cycle, pot)
    assert PotResult.objects.filter(pot=pot).count() == 1
    assert result.voters == 14 and rows[0].project == projects[3]

    results_publish(actor=official, cycle=cycle)
    cycle.refresh_from_db()
    assert cycle.results_published_at is not None
    assert AuditEvent.objects.filter(action="budgeting.cycle.publish_results", actor_id=official.pk).exists()
    with pytest.raises(BudgetingError, match="can no longer be recounted") as caught:
        cycle_count(actor=official, cycle=cycle)
    assert caught.value.code == "published"
    assert PotResult.objects.get(pot=pot).pk == result.pk
    with pytest.raises(BudgetingError) as caught:
        results_publish(actor=official, cycle=cycle)
    assert caught.value.code == "published"


def test_publishing_needs_a_count_and_the_right_person(make_cycle, official, citizen):
    cycle = make_cycle("assembly")
    with pytest.raises(BudgetingError) as caught:
        results_publish(actor=official, cycle=cycle)
    assert caught.value.code == "not_counted"
    cycle_count(actor=official, cycle=cycle)
    with pytest.raises(BudgetingError) as caught:
        results_publish(actor=citizen, cycle=cycle)
    assert caught.value.code == "forbidden"
    cycle.refresh_from_db()
    assert cycle.results_published_at is None


def test_a_simulation_is_counted_by_a_command_only(make_cycle, make_project, make_ballots, city_pot, official):
    cycle = make_cycle("proposal")
    Cycle.objects.filter(pk=cycle.pk).update(is_simulation=True, selection_rule=Cycle.Rule.GREEDY)
    cycle.refresh_from_db()
    pot = city_pot(cycle)
    project = make_project(cycle, pot, cost=MILLION)
    make_ballots(cycle, [[project]])
    with pytest.raises(BudgetingError) as caught:
        cycle_count(actor=official, cycle=cycle)
    assert caught.value.code == "forbidden"
    # No vote phase has ended, yet an imported election is counted at once.
    cycle_count(actor=None, cycle=cycle)
    assert ProjectResult.objects.get(pot_result__pot=pot).funded
    with pytest.raises(BudgetingError):
        results_publish(actor=official, cycle=cycle)


def test_cycle_outcome_writes_nothing_and_refuses_unknown_rules(make_cycle, make_project, make_ballots, city_pot):
    cycle, pot, projects = _greedy_city(make_cycle, make_project, make_ballots, city_pot)
    outcome = cycle_outcome(cycle, rule="greedy", pot=pot.pk)
    assert [p.project_id for p in outcome.pots[0].projects if p.funded] == [str(p.pk) for p in projects[:3]] + [
        str(projects[4].pk)
    ]
    assert not PotResult.objects.exists()
    with pytest.raises(BudgetingError) as caught:
        cycle_outcome(cycle, rule="borda")
    assert caught.value.code == "unknown_rule"
    with pytest.raises(BudgetingError) as caught:
        cycle_outcome(cycle, pot=0)
    assert caught.value.code == "unknown_pot"


# --- The add1 completion's step in won -------------------------------------------------------------


def test_completion_step_is_one_unit_for_small_shares_and_a_power_of_ten_for_won():
    assert completion_step(1_000_000, 6_586) == 1  # Wieliczka: 151 zł each
    assert completion_step(1_000 * MILLION, 400) == 10_000  # 2.5 million won each
    assert completion_step(100, 0) == 1


def test_stepped_completion_matches_add1_when_the_step_is_one():
    instance = Instance.from_ballots({"a": 40, "b": 30, "c": 50}, 100, [["a", "b"], ["a"], ["c"], ["b", "c"]])
    assert equal_shares_add1(instance) == equal_shares(instance, completion="add1")


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_stepped_completion_finds_the_share_add1_finds_one_unit_at_a_time(seed):
    import random

    rng = random.Random(seed)
    costs = {str(n): rng.randint(40, 400) * 1_000 for n in range(12)}
    ballots = [sorted(rng.sample(sorted(costs), rng.randint(1, 4))) for _ in range(300)]
    instance = Instance.from_ballots(costs, 1_500_000, ballots)  # 5,000 a voter: strides of 10
    assert completion_step(instance.budget, instance.voter_count) == 10
    stepped = equal_shares_add1(instance, comparison=True)
    exact = equal_shares(instance, completion="add1", comparison=True)
    assert stepped.funded == exact.funded
    assert stepped.budget_per_voter == exact.budget_per_voter
    assert stepped.total_cost <= instance.budget
    assert stepped.runs < exact.runs
    assert all(share.effective_vote_count <= share.votes for share in stepped.shares)


def test_a_knapsack_cycle_counts_its_picks_as_approvals(make_cycle, make_project, make_ballots, city_pot):
    cycle = make_cycle("assembly", selection_rule=Cycle.Rule.MES, ballot_kind=Cycle.BallotKind.KNAPSACK)
    pot = city_pot(cycle)
    big, small = make_project(cycle, pot, cost=900 * MILLION), make_project(cycle, pot, cost=100 * MILLION)
    make_ballots(cycle, [[big, small], [big], [small]])
    outcome = cycle_count(actor=None, cycle=cycle)
    (city,) = [pot_outcome for pot_outcome in outcome.pots if pot_outcome.pot == pot]
    assert city.voters == 3
    # At the first share (333,333,333 won) only the small project is affordable; the completion
    # raises the share in steps of 1,000,000 won until the big one's two supporters can pay 900 m.
    assert city.funded == (str(small.pk), str(big.pk))
    assert city.total_cost == 1000 * MILLION
    assert city.budget_per_voter == 333_333_333 + 142 * MILLION
