"""The back office: officials see the projects of their cycles and departments, and move them with
the buttons that call the services (feasibility, department, committee, scores, milestones), the
general assembly's page and the council's; a department official of another unit can do nothing."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from budgeting.models import Cycle, Milestone, Project, ProjectResult
from governance.models import AgendaItem

from ..conftest import shift_to_phase
from .conftest import publish_results

pytestmark = pytest.mark.django_db
Status = Project.Status


def change_url(project):
    return reverse("admin:budgeting_project_change", args=[project.pk])


def move_url(project, move):
    return reverse(f"admin:budgeting_project_{move.replace('-', '_')}", args=[project.pk])


FEASIBLE_FORM = {"feasible": "yes", "legal_review": "문제 없음", "technical_review": "설치 가능", "adjusted_cost": "",
                 "cost_reason": "", "infeasible_reason": ""}


def test_an_official_records_feasibility_with_the_form(make_cycle, states, official, admin_client, proposer):
    cycle = make_cycle("feasibility")
    project = states.submitted(cycle)
    client = admin_client(official)
    page = client.get(change_url(project))
    assert page.status_code == 200 and move_url(project, "feasibility") in page.content.decode()
    assert client.get(move_url(project, "feasibility")).status_code == 200
    refused = client.post(move_url(project, "feasibility"), {**FEASIBLE_FORM, "feasible": "no"})
    assert refused.status_code == 200 and "infeasible_reason" in refused.context["form"].errors
    assert Project.objects.get(pk=project.pk).status == Status.SUBMITTED
    over_cap = client.post(move_url(project, "feasibility"), {**FEASIBLE_FORM, "adjusted_cost": "400,000,000",
                                                               "cost_reason": "증액"})
    assert "adjusted_cost" in over_cap.context["form"].errors
    done = client.post(move_url(project, "feasibility"), {**FEASIBLE_FORM, "adjusted_cost": "80,000,000",
                                                           "cost_reason": "자재비"})
    assert done.status_code == 302
    project.refresh_from_db()
    assert project.status == Status.FEASIBLE and project.adjusted_cost == 80_000_000


def test_the_department_sees_its_projects_once_assigned(make_cycle, states, official, department, department_official,
                                                        admin_client):
    cycle = make_cycle("feasibility")
    project = states.submitted(cycle)
    departmental = admin_client(department_official)
    assert departmental.get(move_url(project, "feasibility")).status_code == 404
    changelist = departmental.get(reverse("admin:budgeting_project_changelist"))
    assert changelist.status_code == 200 and project.title not in changelist.content.decode()

    assign = admin_client(official).post(move_url(project, "department"), {"department": department.pk})
    assert assign.status_code == 302 and Project.objects.get(pk=project.pk).department == department

    departmental = admin_client(department_official)
    assert project.title in departmental.get(reverse("admin:budgeting_project_changelist")).content.decode()
    assert departmental.get(move_url(project, "department")).status_code == 403  # the cycle's officials assign
    done = departmental.post(move_url(project, "feasibility"), FEASIBLE_FORM)
    assert done.status_code == 302 and Project.objects.get(pk=project.pk).status == Status.FEASIBLE


def test_a_department_official_of_another_unit_can_do_nothing(make_cycle, states, other_official, admin_client):
    cycle = make_cycle("feasibility")
    project = states.submitted(cycle)
    client = admin_client(other_official)
    assert project.title not in client.get(reverse("admin:budgeting_project_changelist")).content.decode()
    assert client.get(change_url(project)).status_code in (302, 404)
    assert client.get(move_url(project, "feasibility")).status_code == 404
    assert client.post(move_url(project, "feasibility"), FEASIBLE_FORM).status_code == 404
    assert Project.objects.get(pk=project.pk).status == Status.SUBMITTED


def test_sending_to_committee_and_recording_scores(make_cycle, states, official, admin_client):
    cycle = make_cycle("deliberation")
    project = states.feasible(cycle)
    client = admin_client(official)
    assert client.post(move_url(project, "committee"), {"review_deadline": ""}).status_code == 302
    project.refresh_from_db()
    assert AgendaItem.objects.get(pk=project.agenda_item_id).subject_id == str(project.pk)
    assert client.get(move_url(project, "committee")).status_code == 302  # not offered twice
    bad = client.post(move_url(project, "scores"), {"school_score": "150", "proposers_score": ""})
    assert "school_score" in bad.context["form"].errors
    assert client.post(move_url(project, "scores"), {"school_score": "70", "proposers_score": "65.5"}).status_code == 302
    project.refresh_from_db()
    assert (str(project.school_score), str(project.proposers_score)) == ("70.00", "65.50")


@pytest.fixture
def after_vote(make_cycle, states):
    cycle = make_cycle("assembly")
    kept, dropped = states.feasible(cycle, title="그늘막"), states.feasible(cycle, title="벤치")
    cycle = publish_results(cycle, funded=[kept, dropped])
    results = {result.project_id: result for result in ProjectResult.objects.filter(pot_result__cycle=cycle)}
    return cycle, kept, dropped, results


def test_the_general_assembly_page(after_vote, official, admin_client, other_official):
    cycle, kept, dropped, results = after_vote
    url = reverse("admin:budgeting_cycle_assembly", args=[cycle.pk])
    assert admin_client(other_official).get(url).status_code == 404
    client = admin_client(official)
    page = client.get(url)
    assert page.status_code == 200 and "그늘막" in page.content.decode()
    kept_result, dropped_result = results[kept.pk], results[dropped.pk]
    data = {
        f"decision_{kept_result.pk}": "adjust", f"cost_{kept_result.pk}": "40,000,000",
        f"reason_{kept_result.pk}": "단가 조정",
        f"decision_{dropped_result.pk}": "drop", f"cost_{dropped_result.pk}": "", f"reason_{dropped_result.pk}": "",
        "note": "",
    }
    refused = client.post(url, data)
    assert refused.status_code == 400 and f"reason_{dropped_result.pk}" in refused.context["form"].errors
    assert Cycle.objects.get(pk=cycle.pk).assembly_confirmed_at is None
    done = client.post(url, {**data, f"reason_{dropped_result.pk}": "중복 사업", "note": "총회"})
    assert done.status_code == 302
    kept_result.refresh_from_db(), dropped_result.refresh_from_db()
    assert (kept_result.confirmed, kept_result.confirmed_cost) == (True, 40_000_000)
    assert (dropped_result.confirmed, dropped_result.adjustment_reason) == (False, "중복 사업")


def test_the_council_page_and_the_milestones(after_vote, official, admin_client):
    from budgeting.services.implementation import assembly_confirm

    cycle, kept, _dropped, _results = after_vote
    assembly_confirm(actor=official, cycle=cycle)
    shift_to_phase(cycle, "council")
    client = admin_client(official)
    url = reverse("admin:budgeting_cycle_council", args=[cycle.pk])
    refused = client.post(url, {"decision": "rejected", "note": ""})
    assert refused.status_code == 400 and "note" in refused.context["form"].errors
    assert client.post(url, {"decision": "approved", "note": ""}).status_code == 302
    assert Cycle.objects.get(pk=cycle.pk).council_decision == "approved"

    shift_to_phase(cycle, "implementation")
    due = (date.today() + timedelta(days=60)).isoformat()
    added = client.post(move_url(kept, "add-milestone"), {"title_ko": "설계", "title_en": "Design", "due_on": due})
    assert added.status_code == 302
    milestone = Milestone.objects.get()
    progress_url = reverse("admin:budgeting_milestone_progress", args=[milestone.pk])
    assert client.get(reverse("admin:budgeting_milestone_change", args=[milestone.pk])).status_code == 200
    bad = client.post(progress_url, {"progress": "150", "completed_on": "", "note_ko": "", "note_en": ""})
    assert "progress" in bad.context["form"].errors
    assert client.post(progress_url, {"progress": "100", "completed_on": "", "note_ko": "완료",
                                      "note_en": ""}).status_code == 302
    milestone.refresh_from_db()
    assert milestone.progress == 100 and milestone.completed_on is not None
