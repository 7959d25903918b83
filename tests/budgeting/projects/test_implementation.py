"""After the vote: the proposers told the result, the general assembly's confirmation, the council's
decision and the milestones — each refusal with nothing written."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from budgeting.errors import BudgetingError
from budgeting.models import Cycle, Milestone, ProjectResult
from budgeting.notifications import notify_results
from budgeting.services.implementation import assembly_confirm, council_decide, milestone_add, milestone_update
from notifications.models import Notification

from ..conftest import shift_to_phase
from .conftest import publish_results

pytestmark = pytest.mark.django_db


@pytest.fixture
def counted(make_cycle, states, participant):
    """A cycle in its general assembly with two funded city-wide projects and one unfunded."""
    cycle = make_cycle("assembly")
    funded = [states.feasible(cycle, title="그늘막"), states.feasible(cycle, title="벤치", estimated_cost=30_000_000)]
    other = states.feasible(cycle, title="분수", proposer=participant())
    cycle = publish_results(cycle, funded=funded, unfunded=[other])
    return cycle, funded, other


def results_of(cycle):
    return {result.project.title: result for result in
            ProjectResult.objects.filter(pot_result__cycle=cycle).select_related("project")}


def test_every_proposer_on_the_ballot_is_told_the_result_once(counted, proposer):
    from citizens.models import Citizen

    cycle, funded, other = counted
    Citizen.objects.filter(pk__in=[proposer.pk, other.proposer_id]).update(language="en")  # read in English
    written = notify_results(cycle)
    assert written == 3  # one SMS each (the fixtures' citizens take SMS)
    assert notify_results(cycle) == 0
    bodies = [n.body for n in Notification.objects.filter(kind="budget_project_result", citizen=proposer)]
    assert len(bodies) == 2 and all("selected" in body for body in bodies)
    assert "not selected" in Notification.objects.get(kind="budget_project_result", citizen=other.proposer).body


def test_notifying_before_publication_is_refused(make_cycle):
    with pytest.raises(BudgetingError):
        notify_results(make_cycle("assembly"))


def test_the_assembly_confirms_adjusts_and_drops_with_reasons(counted, official):
    cycle, funded, _other = counted
    results = results_of(cycle)
    assembly_confirm(actor=official, cycle=cycle, note="총회 의결", adjustments={
        results["벤치"].pk: (True, 25_000_000, "단가 조정"),
    })
    results = results_of(cycle)
    assert results["그늘막"].confirmed is True and results["그늘막"].confirmed_cost is None
    assert (results["벤치"].confirmed, results["벤치"].confirmed_cost, results["벤치"].adjustment_reason) == (
        True, 25_000_000, "단가 조정")
    assert results["분수"].confirmed is None  # not funded: not the assembly's
    cycle = Cycle.objects.get(pk=cycle.pk)
    assert cycle.assembly_confirmed_at is not None and cycle.assembly_note == "총회 의결"
    with pytest.raises(BudgetingError, match="already recorded"):
        assembly_confirm(actor=official, cycle=cycle)


@pytest.mark.parametrize("adjustment", [(False, None, ""), (True, 25_000_000, "  ")])
def test_a_drop_or_an_adjustment_needs_a_reason(counted, official, adjustment):
    cycle, _funded, _other = counted
    result = results_of(cycle)["벤치"]
    events = AuditEvent.objects.count()
    with pytest.raises(BudgetingError, match="give the reason"):
        assembly_confirm(actor=official, cycle=cycle, adjustments={result.pk: adjustment})
    assert Cycle.objects.get(pk=cycle.pk).assembly_confirmed_at is None
    assert not ProjectResult.objects.filter(confirmed__isnull=False).exists() and AuditEvent.objects.count() == events


def test_the_assembly_refuses_others_projects_an_overspent_pot_and_the_wrong_phase(counted, official, proposer):
    cycle, _funded, _other = counted
    results = results_of(cycle)
    with pytest.raises(BudgetingError, match="Only the funded projects"):
        assembly_confirm(actor=official, cycle=cycle, adjustments={results["분수"].pk: (True, None, "")})
    with pytest.raises(BudgetingError, match="add up to"):
        assembly_confirm(actor=official, cycle=cycle, adjustments={results["벤치"].pk: (True, 990_000_000, "증액")})
    with pytest.raises(BudgetingError, match="cycle's officials"):
        assembly_confirm(actor=proposer, cycle=cycle)
    shift_to_phase(cycle, "council")
    with pytest.raises(BudgetingError, match="general assembly phase"):
        assembly_confirm(actor=official, cycle=cycle)
    assert Cycle.objects.get(pk=cycle.pk).assembly_confirmed_at is None


def test_the_council_decides_after_the_assembly(counted, official):
    cycle, _funded, _other = counted
    with pytest.raises(BudgetingError, match="has not confirmed"):
        council_decide(actor=official, cycle=cycle, decision="approved")
    assembly_confirm(actor=official, cycle=cycle)
    with pytest.raises(BudgetingError, match="council phase"):
        council_decide(actor=official, cycle=cycle, decision="approved")
    cycle = shift_to_phase(cycle, "council")
    with pytest.raises(BudgetingError, match="Say what the council changed"):
        council_decide(actor=official, cycle=cycle, decision="amended")
    with pytest.raises(BudgetingError, match="Choose the council's decision"):
        council_decide(actor=official, cycle=cycle, decision="maybe")
    council_decide(actor=official, cycle=cycle, decision="amended", note="일부 감액")
    cycle = Cycle.objects.get(pk=cycle.pk)
    assert cycle.council_decision == "amended" and cycle.council_decided_at and cycle.council_note == "일부 감액"
    with pytest.raises(BudgetingError, match="already recorded"):
        council_decide(actor=official, cycle=cycle, decision="approved")


@pytest.fixture
def implementing(counted, official):
    cycle, funded, other = counted
    assembly_confirm(actor=official, cycle=cycle, adjustments={results_of(cycle)["벤치"].pk: (False, None, "중복")})
    shift_to_phase(cycle, "council")
    council_decide(actor=official, cycle=cycle, decision="approved")
    return shift_to_phase(cycle, "implementation"), funded, other


def test_milestones_of_a_confirmed_project_and_the_proposer_told(implementing, official, proposer):
    _cycle, funded, _other = implementing
    milestone = milestone_add(actor=official, project=funded[0], title_ko="설계", title_en="Design",
                              due_on=date.today() + timedelta(days=30))
    milestone = milestone_update(actor=official, milestone=milestone, progress=40, note_ko="설계 진행 중")
    assert milestone.progress == 40 and milestone.completed_on is None
    milestone = milestone_update(actor=official, milestone=milestone, progress=100)
    assert milestone.completed_on == timezone.localdate()
    notices = Notification.objects.filter(citizen=proposer, kind="budget_project_milestone", channel="sms")
    assert notices.count() == 3 and "40%" in notices.order_by("pk")[1].body


def test_milestones_are_refused_for_dropped_unfunded_or_by_others(implementing, official, proposer, department_official):
    _cycle, funded, other = implementing
    due = date.today() + timedelta(days=30)
    for project in (funded[1], other):  # dropped by the assembly; not funded
        with pytest.raises(BudgetingError, match="general assembly confirmed"):
            milestone_add(actor=official, project=project, title_ko="설계", due_on=due)
    with pytest.raises(BudgetingError, match="project's department"):
        milestone_add(actor=department_official, project=funded[0], title_ko="설계", due_on=due)
    with pytest.raises(BudgetingError, match="Korean"):
        milestone_add(actor=official, project=funded[0], title_ko=" ", due_on=due)
    assert not Milestone.objects.exists()


@pytest.mark.parametrize(("progress", "completed_on", "message"), [
    (101, None, "from 0 to 100"), (-1, None, "from 0 to 100"), ("x", None, "whole number"),
    (50, date(2024, 1, 1), "completed at 100"),
])
def test_bad_progress_is_refused(implementing, official, progress, completed_on, message):
    _cycle, funded, _other = implementing
    milestone = milestone_add(actor=official, project=funded[0], title_ko="설계", due_on=date.today())
    with pytest.raises(BudgetingError, match=message):
        milestone_update(actor=official, milestone=milestone, progress=progress, completed_on=completed_on)
    assert Milestone.objects.get(pk=milestone.pk).progress == 0


def test_milestones_wait_for_the_implementation_phase(counted, official):
    cycle, funded, _other = counted
    assembly_confirm(actor=official, cycle=cycle)
    with pytest.raises(BudgetingError, match="implementation phase"):
        milestone_add(actor=official, project=funded[0], title_ko="설계", due_on=date.today())
