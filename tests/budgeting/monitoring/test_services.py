"""Writing a monitoring note and answering it: who may, on which projects, when; each refusal with
nothing written; the audit events and the author's notice."""

from datetime import date

import pytest

from audit.models import AuditEvent
from budgeting.errors import BudgetingError
from budgeting.models import Cycle, ImplementationNote
from budgeting.services.monitoring import implementation_note_add, implementation_note_answer
from citizens.models import Citizen
from governance.models import OrgAssignment, OrgUnit
from notifications.models import Notification

from ..conftest import shift_to_phase
from .conftest import end_membership

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_official(make_citizen):
    unit = OrgUnit.objects.create(code="transport", kind=OrgUnit.Kind.BUREAU, name_ko="교통실",
                                  name_en="Transport Bureau")
    person = make_citizen(is_staff=True)
    OrgAssignment.objects.create(unit=unit, official=person, started_on=date(2020, 1, 1))
    return person


def test_a_subcommittee_member_writes_a_public_note_under_their_public_name(implementing, member):
    _cycle, funded, _dropped, _unfunded = implementing
    note = implementation_note_add(actor=member, project=funded, body="  공사 현장 안전펜스가 없습니다.  ",
                                   raises_concern=True)
    assert (note.author, note.author_name, note.body, note.raises_concern) == (
        member, f"위원{member.pk}", "공사 현장 안전펜스가 없습니다.", True)
    event = AuditEvent.objects.get(action="budgeting.implementation_note.add")
    assert event.actor_id == member.pk and event.summary == {"project": funded.pk, "raises_concern": True}


def test_a_member_of_the_committee_itself_writes_too(implementing, committee, make_member):
    _cycle, funded, _dropped, _unfunded = implementing
    person = make_member(committee)
    assert implementation_note_add(actor=person, project=funded, body="진행 양호").author_name == f"위원{person.pk}"


def test_an_official_writes_under_their_unit_and_a_superuser_under_the_cycles(implementing, official, superuser):
    _cycle, funded, _dropped, _unfunded = implementing
    assert implementation_note_add(actor=official, project=funded, body="현장 점검 완료").author_name == "시민참여예산과"
    assert implementation_note_add(actor=superuser, project=funded, body="확인").author_name == "시민참여예산과"


@pytest.mark.parametrize("who", ["citizen", "ended_member", "other_official", "department_official", "proposer"])
def test_others_may_not_write(implementing, who, citizen, member, other_official, department_official):
    _cycle, funded, _dropped, _unfunded = implementing
    if who == "ended_member":
        end_membership(member)
    actor = {"citizen": citizen, "ended_member": member, "other_official": other_official,
             "department_official": department_official, "proposer": funded.proposer}[who]
    with pytest.raises(BudgetingError, match="Only the members of the cycle's committee") as refused:
        implementation_note_add(actor=actor, project=funded, body="의견")
    assert refused.value.code == "forbidden"
    assert not ImplementationNote.objects.exists() and not AuditEvent.objects.filter(
        action="budgeting.implementation_note.add").exists()


def test_only_funded_projects_the_assembly_confirmed_are_monitored(implementing, member):
    _cycle, _funded, dropped, unfunded = implementing
    for project in (dropped, unfunded):
        with pytest.raises(BudgetingError, match="general assembly confirmed"):
            implementation_note_add(actor=member, project=project, body="의견")
    assert not ImplementationNote.objects.exists()


def test_notes_start_with_the_councils_approval_or_the_implementation_phase(implementing, member):
    cycle, funded, _dropped, _unfunded = implementing
    Cycle.objects.filter(pk=cycle.pk).update(council_decision="", council_decided_at=None)
    shift_to_phase(cycle, "council")
    with pytest.raises(BudgetingError, match="once the council approved"):
        implementation_note_add(actor=member, project=funded, body="의견")
    Cycle.objects.filter(pk=cycle.pk).update(council_decision="amended", council_decided_at=cycle.council_decided_at
                                             or cycle.assembly_confirmed_at, council_note="감액")
    assert implementation_note_add(actor=member, project=funded, body="의견").pk
    shift_to_phase(cycle, "after")  # the monitoring goes on after the implementation phase
    assert implementation_note_add(actor=member, project=funded, body="의견 2").pk


def test_a_rejected_budget_and_an_imported_cycle_are_not_monitored(implementing, member, superuser):
    cycle, funded, _dropped, _unfunded = implementing
    Cycle.objects.filter(pk=cycle.pk).update(council_decision="rejected", council_note="부결")
    with pytest.raises(BudgetingError, match="rejected"):
        implementation_note_add(actor=member, project=funded, body="의견")
    Cycle.objects.filter(pk=cycle.pk).update(council_decision="approved", is_simulation=True)
    with pytest.raises(BudgetingError, match="read-only"):
        implementation_note_add(actor=superuser, project=funded, body="의견")
    assert not ImplementationNote.objects.exists()


@pytest.mark.parametrize(("body", "message"), [("", "Write what you observed"), ("   ", "Write what you observed"),
                                               ("가" * 2001, "at most 2000")])
def test_an_empty_or_too_long_note_is_refused(implementing, member, body, message):
    _cycle, funded, _dropped, _unfunded = implementing
    with pytest.raises(BudgetingError, match=message) as refused:
        implementation_note_add(actor=member, project=funded, body=body)
    assert refused.value.field == "body" and not ImplementationNote.objects.exists()


def test_a_note_of_2000_characters_is_accepted(implementing, member):
    _cycle, funded, _dropped, _unfunded = implementing
    assert len(implementation_note_add(actor=member, project=funded, body="가" * 2000).body) == 2000


# --- Answers ---------------------------------------------------------------------------------------


@pytest.fixture
def concern(implementing, member):
    _cycle, funded, _dropped, _unfunded = implementing
    return implementation_note_add(actor=member, project=funded, body="안전펜스가 없습니다.", raises_concern=True)


def test_the_cycles_official_answers_once_and_the_member_is_told(concern, official, member):
    Citizen.objects.filter(pk=member.pk).update(language="en")
    note = implementation_note_answer(actor=official, note=concern, answer=" 다음 주까지 설치합니다. ")
    assert note.answer == "다음 주까지 설치합니다." and note.answered_at is not None
    notices = Notification.objects.filter(citizen=member, kind="budget_implementation_answer")
    assert notices.count() == 1 and "answered the concern you raised" in notices.get().body
    event = AuditEvent.objects.get(action="budgeting.implementation_note.answer")
    assert event.actor_id == official.pk and event.summary["project"] == concern.project_id
    with pytest.raises(BudgetingError, match="already answered") as refused:
        implementation_note_answer(actor=official, note=concern, answer="다시")
    assert refused.value.code == "state"
    note.refresh_from_db()
    assert note.answer == "다음 주까지 설치합니다." and notices.count() == 1


def test_the_projects_department_answers_too(concern, department_official):
    assert implementation_note_answer(actor=department_official, note=concern, answer="조치 완료").answered_at


@pytest.mark.parametrize("who", ["member", "citizen", "other_official"])
def test_others_may_not_answer(concern, who, member, citizen, other_official):
    actor = {"member": member, "citizen": citizen, "other_official": other_official}[who]
    with pytest.raises(BudgetingError, match="cycle's officials or the project's department") as refused:
        implementation_note_answer(actor=actor, note=concern, answer="답변")
    assert refused.value.code == "forbidden"
    concern.refresh_from_db()
    assert concern.answered_at is None and not Notification.objects.filter(kind="budget_implementation_answer").exists()


@pytest.mark.parametrize(("answer", "message"), [(" ", "Write the city's answer"), ("가" * 2001, "at most 2000")])
def test_an_empty_or_too_long_answer_is_refused(concern, official, answer, message):
    with pytest.raises(BudgetingError, match=message):
        implementation_note_answer(actor=official, note=concern, answer=answer)
    concern.refresh_from_db()
    assert concern.answered_at is None and concern.answer == ""


def test_an_author_who_left_is_not_notified(concern, official, member):
    Citizen.objects.filter(pk=member.pk).update(is_active=False)
    implementation_note_answer(actor=official, note=concern, answer="답변")
    assert not Notification.objects.filter(kind="budget_implementation_answer").exists()


def test_an_imported_cycle_is_answered_by_nobody(concern, superuser):
    Cycle.objects.filter(pk=concern.project.cycle_id).update(is_simulation=True)
    with pytest.raises(BudgetingError, match="read-only"):
        implementation_note_answer(actor=superuser, note=concern, answer="답변")
