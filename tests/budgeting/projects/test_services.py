"""The project's life through the services: each move, and each illegal move refused with its
reason and nothing written (the row, the audit log and the outbox unchanged)."""

from decimal import Decimal

import pytest

from audit.models import AuditEvent
from budgeting.errors import BudgetingError
from budgeting.models import Project
from budgeting.services.projects import (
    project_check_feasibility,
    project_create,
    project_scores_record,
    project_submit,
    project_update,
    project_withdraw,
)
from notifications.models import Notification

from .conftest import png_upload, publish_results

pytestmark = pytest.mark.django_db
Status = Project.Status


def snapshot():
    return (
        sorted(Project.objects.values_list("pk", "status", "estimated_cost", "adjusted_cost", "title")),
        AuditEvent.objects.count(),
        Notification.objects.count(),
    )


def refused(call, message_part, *, field=None, code=None):
    before = snapshot()
    with pytest.raises(BudgetingError) as caught:
        call()
    assert message_part in str(caught.value.message)
    if field is not None:
        assert caught.value.field == field
    if code is not None:
        assert caught.value.code == code
    assert snapshot() == before
    return caught.value


def proposer_notices(proposer, kind):
    return list(Notification.objects.filter(citizen=proposer, kind=kind))


# --- Proposing -------------------------------------------------------------------------------------


def test_a_verified_citizen_writes_a_draft_in_the_proposal_call(make_cycle, proposer, states):
    cycle = make_cycle("proposal")
    project = project_create(actor=proposer, cycle=cycle, **states.fields(cycle))
    assert project.status == Status.DRAFT and project.proposer == proposer and project.district is None
    assert AuditEvent.objects.filter(action="budgeting.project.create", target_id=str(project.pk)).exists()
    assert not Notification.objects.exists()


def test_a_district_pots_project_lies_in_that_district(make_cycle, proposer, states):
    cycle = make_cycle("proposal")
    gangnam = cycle.pots.get(district_id="11680")
    project = project_create(actor=proposer, cycle=cycle, **states.fields(cycle, pot=gangnam, location=""))
    assert project.district_id == "11680"


@pytest.mark.parametrize("phase", ["before", "feasibility", "vote", "after"])
def test_nobody_proposes_outside_the_proposal_call(make_cycle, proposer, states, phase):
    cycle = make_cycle(phase)
    refused(lambda: project_create(actor=proposer, cycle=cycle, **states.fields(cycle)), "proposal call",
            code="forbidden")


def test_officials_do_not_propose(make_cycle, official, states):
    cycle = make_cycle("proposal")
    refused(lambda: project_create(actor=official, cycle=cycle, **states.fields(cycle)), "Officials cannot propose")


def test_an_unverified_citizen_does_not_propose(make_cycle, make_citizen, states):
    cycle = make_cycle("proposal")
    unverified = make_citizen(verified=False)
    refused(lambda: project_create(actor=unverified, cycle=cycle, **states.fields(cycle)), "Verify your mobile phone")


def test_a_citizen_under_the_minimum_age_does_not_propose(make_cycle, make_citizen, states):
    cycle = make_cycle("proposal")
    child = make_citizen(birth_date=date_years_ago(12))
    refused(lambda: project_create(actor=child, cycle=cycle, **states.fields(cycle)), "at least 14 years old")


def date_years_ago(years):
    from django.utils import timezone

    today = timezone.localdate()
    return today.replace(year=today.year - years)


def test_the_cost_must_fit_the_pots_cap_and_the_message_names_it(make_cycle, proposer, states):
    cycle = make_cycle("proposal")
    error = refused(
        lambda: project_create(actor=proposer, cycle=cycle, **states.fields(cycle, estimated_cost=300_000_001)),
        "may cost at most KRW 300,000,000", field="estimated_cost",
    )
    assert "City-wide" in error.message


@pytest.mark.parametrize(("cost", "message"), [(0, "more than 0 won"), (-5, "more than 0 won"),
                                                ("abc", "whole number"), (None, "Give the cost")])
def test_a_cost_that_is_not_a_positive_amount_is_refused(make_cycle, proposer, states, cost, message):
    cycle = make_cycle("proposal")
    refused(lambda: project_create(actor=proposer, cycle=cycle, **states.fields(cycle, estimated_cost=cost)), message,
            field="estimated_cost")


def test_the_pot_and_the_sector_must_be_the_cycles(make_cycle, proposer, states):
    cycle = make_cycle("proposal")
    other = make_cycle("proposal", year=cycle.year + 1)
    refused(lambda: project_create(actor=proposer, cycle=cycle, **states.fields(cycle, pot=other.pots.first())),
            "this cycle's pots", field="pot")
    refused(lambda: project_create(actor=proposer, cycle=cycle, **states.fields(cycle, sector=other.sectors.first())),
            "this cycle's sectors", field="sector")
    refused(lambda: project_create(actor=proposer, cycle=cycle, **states.fields(cycle, sector=None)),
            "Choose the project's sector", field="sector")


def test_a_title_and_a_place_are_required(make_cycle, proposer, states):
    cycle = make_cycle("proposal")
    refused(lambda: project_create(actor=proposer, cycle=cycle, **states.fields(cycle, title="  ")), "Write the title",
            field="title")
    refused(lambda: project_create(actor=proposer, cycle=cycle, **states.fields(cycle, location="")),
            "Say where the project would be", field="location")


def test_a_picture_needs_its_text_alternative(make_cycle, proposer, states):
    cycle = make_cycle("proposal")
    refused(lambda: project_create(actor=proposer, cycle=cycle, image=png_upload(), **states.fields(cycle)),
            "Describe the image", field="image_alt")
    project = project_create(actor=proposer, cycle=cycle, image=png_upload(), image_alt="그늘막 조감도",
                             **states.fields(cycle))
    assert project.image.name.startswith("budgeting/") and project.image_alt == "그늘막 조감도"


def test_a_file_that_is_not_an_image_is_refused(make_cycle, proposer, states):
    from django.core.files.uploadedfile import SimpleUploadedFile

    cycle = make_cycle("proposal")
    upload = SimpleUploadedFile("x.png", b"not an image at all", content_type="image/png")
    refused(lambda: project_create(actor=proposer, cycle=cycle, image=upload, image_alt="x", **states.fields(cycle)),
            "not a JPEG, PNG or WebP", field="image")


# --- Editing and submitting ------------------------------------------------------------------------


def test_the_proposer_edits_the_draft_then_submits_it_and_is_told(make_cycle, proposer, states):
    cycle = make_cycle("proposal")
    project = states.draft(cycle)
    project_update(actor=proposer, project=project, title="그늘막 설치", estimated_cost=60_000_000)
    project = project_submit(actor=proposer, project=project)
    assert project.status == Status.SUBMITTED and project.submitted_at is not None
    project.refresh_from_db()
    assert project.title == "그늘막 설치" and project.estimated_cost == 60_000_000
    notices = proposer_notices(proposer, "budget_project_received")
    assert len(notices) == 1 and "그늘막 설치" in notices[0].body


def test_only_the_proposer_edits_and_only_a_draft(make_cycle, proposer, participant, states):
    cycle = make_cycle("proposal")
    project = states.draft(cycle)
    stranger = participant()
    refused(lambda: project_update(actor=stranger, project=project, title="x"), "Only the proposer")
    refused(lambda: project_submit(actor=stranger, project=project), "Only the proposer")
    project_submit(actor=proposer, project=project)
    refused(lambda: project_update(actor=proposer, project=project, title="x"), "can no longer be edited",
            code="state")


def test_submitting_twice_is_refused(make_cycle, proposer, states):
    cycle = make_cycle("proposal")
    project = states.submitted(cycle)
    refused(lambda: project_submit(actor=proposer, project=project), "already submitted", code="state")
    assert len(proposer_notices(proposer, "budget_project_received")) == 1


def test_a_draft_is_not_submitted_after_the_proposal_call(make_cycle, proposer, states):
    cycle = make_cycle("feasibility")
    project = states.draft(cycle)
    refused(lambda: project_submit(actor=proposer, project=project), "only during the proposal call")


def test_a_draft_over_a_lowered_cap_is_not_submitted(make_cycle, proposer, states):
    cycle = make_cycle("proposal")
    project = states.draft(cycle, estimated_cost=200_000_000)
    cycle.pots.filter(pk=project.pot_id).update(project_cap=100_000_000)
    refused(lambda: project_submit(actor=proposer, project=project), "may cost at most", field="estimated_cost")


# --- Withdrawing -----------------------------------------------------------------------------------


def test_the_proposer_withdraws_before_the_check(make_cycle, proposer, states):
    cycle = make_cycle("feasibility")
    project = states.submitted(cycle)
    project = project_withdraw(actor=proposer, project=project, reason="다른 사업과 겹칩니다")
    assert project.status == Status.WITHDRAWN and project.withdrawn_at is not None


def test_withdrawing_after_the_check_is_refused(make_cycle, proposer, states):
    cycle = make_cycle("feasibility")
    project = states.feasible(cycle)
    refused(lambda: project_withdraw(actor=proposer, project=project), "can no longer be withdrawn", code="state")


def test_withdrawing_a_draft_twice_or_someone_elses_is_refused(make_cycle, proposer, participant, states):
    cycle = make_cycle("proposal")
    draft = states.draft(cycle)
    refused(lambda: project_withdraw(actor=proposer, project=draft), "nothing to withdraw")
    submitted = states.submitted(cycle)
    stranger = participant()
    refused(lambda: project_withdraw(actor=stranger, project=submitted), "Only the proposer")
    project_withdraw(actor=proposer, project=submitted)
    refused(lambda: project_withdraw(actor=proposer, project=submitted), "already withdrawn")


def test_withdrawing_during_the_deliberation_is_refused(make_cycle, proposer, states):
    cycle = make_cycle("deliberation")
    project = states.submitted(cycle)
    refused(lambda: project_withdraw(actor=proposer, project=project), "only during the proposal call")


# --- The feasibility check --------------------------------------------------------------------------


def check(actor, project, **overrides):
    arguments = {"feasible": True, "legal_review": "문제 없음", "technical_review": "설치 가능"}
    arguments.update(overrides)
    return lambda: project_check_feasibility(actor=actor, project=project, **arguments)


def test_a_feasible_project_with_an_adjusted_cost_and_the_proposer_told(make_cycle, official, proposer, states):
    cycle = make_cycle("feasibility")
    project = states.submitted(cycle)
    project = check(official, project, adjusted_cost=80_000_000, cost_reason="자재비 상승")()
    assert project.status == Status.FEASIBLE and project.cost == 80_000_000 and project.checked_by == official
    notice = proposer_notices(proposer, "budget_project_feasibility")
    assert notice and "80,000,000" in notice[0].body


def test_not_feasible_needs_a_reason_and_the_proposer_is_sent_it(make_cycle, official, proposer, states):
    cycle = make_cycle("feasibility")
    project = states.submitted(cycle)
    refused(check(official, project, feasible=False), "Give the reason", field="infeasible_reason")
    check(official, project, feasible=False, infeasible_reason="사유지입니다")()
    assert Project.objects.get(pk=project.pk).status == Status.NOT_FEASIBLE
    notice = proposer_notices(proposer, "budget_project_feasibility")
    assert notice and "사유지입니다" in notice[0].body


def test_an_adjusted_cost_needs_a_reason_and_fits_the_cap(make_cycle, official, states):
    cycle = make_cycle("feasibility")
    project = states.submitted(cycle)
    refused(check(official, project, adjusted_cost=80_000_000), "reason for the adjusted cost", field="cost_reason")
    refused(check(official, project, adjusted_cost=400_000_000, cost_reason="x"), "may cost at most",
            field="adjusted_cost")
    refused(check(official, project, legal_review=""), "Write the legal review", field="legal_review")


def test_the_check_is_the_departments_in_its_phase_and_once(make_cycle, official, department, department_official,
                                                            other_official, states):
    cycle = make_cycle("feasibility")
    project = states.submitted(cycle)
    refused(check(department_official, project), "Only the project's department")
    refused(check(other_official, project), "Only the project's department")
    Project.objects.filter(pk=project.pk).update(department=department)
    check(department_official, project)()
    refused(check(official, project), "already recorded", code="state")
    later = states.submitted(cycle, phase="deliberation")
    refused(check(official, later), "only during the feasibility check")


# --- Scores ---------------------------------------------------------------------------------------------


def test_officials_record_the_school_and_proposers_scores_until_the_results(make_cycle, official, proposer, states):
    cycle = make_cycle("deliberation")  # from the vote on they are frozen: test_frozen_scores.py
    project = states.feasible(cycle)
    refused(lambda: project_scores_record(actor=proposer, project=project, school_score=50), "cycle's officials")
    refused(lambda: project_scores_record(actor=official, project=project, school_score=101), "from 0 to 100",
            field="school_score")
    project_scores_record(actor=official, project=project, school_score="72.5", proposers_score=60)
    project.refresh_from_db()
    assert project.school_score == Decimal("72.50") and project.proposers_score == Decimal("60.00")
    publish_results(cycle, funded=[project])
    refused(lambda: project_scores_record(actor=official, project=project, school_score=1), "results are published")
