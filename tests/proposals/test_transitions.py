"""Every move of the state machine, legal and illegal, as a table."""

from datetime import date, timedelta

import pytest

from audit.models import AuditEvent
from proposals.errors import ProposalError
from proposals.models import Proposal, StageChange
from proposals.services import (
    proposal_answer,
    proposal_assign,
    proposal_mayor_answer,
    proposal_promote,
    proposal_publish,
    proposal_support,
    proposal_update_draft,
)

from .conftest import PUBLISHED_AT

pytestmark = pytest.mark.django_db

S = Proposal.Status
NOW = PUBLISHED_AT + timedelta(days=1)


def put_in(proposal, status, unit):
    """Set a proposal's stage directly, with the fields that stage requires."""
    fields = {"status": status}
    if status != S.DRAFT:
        fields |= {
            "published_at": PUBLISHED_AT,
            "window_opens_at": PUBLISHED_AT,
            "window_closes_at": PUBLISHED_AT + timedelta(days=30),
        }
    if status == S.UNDER_REVIEW:
        fields |= {"answer_due_on": date(2026, 5, 1), "assigned_unit": unit}
    if status in {S.ANSWERED, S.IN_DEBATE, S.DEBATE_CLOSED, S.AWAITING_MAYOR, S.MAYOR_ANSWERED}:
        fields |= {
            "assigned_unit": unit,
            "answer_type": Proposal.AnswerType.ALREADY_IN_PLACE,
            "answered_at": PUBLISHED_AT,
            "answered_by": proposal.author,
        }
    if status in {S.IN_DEBATE, S.DEBATE_CLOSED, S.AWAITING_MAYOR, S.MAYOR_ANSWERED}:
        fields |= {"debate_opens_at": PUBLISHED_AT, "debate_closes_at": PUBLISHED_AT + timedelta(days=30)}
    if status == S.MAYOR_ANSWERED:
        fields |= {"mayor_answer": "시행하겠습니다.", "mayor_answered_at": PUBLISHED_AT}
    Proposal.objects.filter(pk=proposal.pk).update(**fields)
    return Proposal.objects.get(pk=proposal.pk)


ACTIONS = {
    "publish": (lambda p, who: proposal_publish(author=p.author, proposal=p, now=NOW), {S.DRAFT}, S.OPEN),
    "answer": (
        lambda p, who: proposal_answer(
            actor=who["official"], proposal=p, answer_type="not_accepted", reason="예산 부족", now=NOW
        ),
        {S.UNDER_REVIEW},
        S.ANSWERED,
    ),
    "promote": (
        lambda p, who: proposal_promote(actor=who["superuser"], proposal=p, reason="시민패널 추천", now=NOW),
        {S.ANSWERED, S.CLOSED_INSUFFICIENT},
        S.IN_DEBATE,
    ),
    "mayor_answer": (
        lambda p, who: proposal_mayor_answer(actor=who["superuser"], proposal=p, answer="추진하겠습니다.", now=NOW),
        {S.AWAITING_MAYOR},
        S.MAYOR_ANSWERED,
    ),
}


@pytest.mark.parametrize("status", S.values)
@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_each_action_moves_only_from_its_states(action, status, draft, unit, official, superuser):
    run, allowed_from, to_status = ACTIONS[action]
    proposal = put_in(draft, status, unit)
    changes_before = StageChange.objects.count()

    if status in allowed_from:
        run(proposal, {"official": official, "superuser": superuser})
        proposal.refresh_from_db()
        assert proposal.status == to_status
        change = StageChange.objects.latest("pk")
        assert (change.from_status, change.to_status) == (status, to_status)
        assert AuditEvent.objects.filter(action=f"proposal.{to_status}", target_id=str(proposal.pk)).exists()
    else:
        with pytest.raises(ProposalError):
            run(proposal, {"official": official, "superuser": superuser})
        proposal.refresh_from_db()
        assert proposal.status == status
        assert StageChange.objects.count() == changes_before


@pytest.mark.parametrize("status", S.values)
def test_support_only_while_open(status, draft, unit, make_citizen):
    proposal = put_in(draft, status, unit)
    if status == S.OPEN:
        proposal_support(citizen=make_citizen(), proposal=proposal, now=NOW)
        proposal.refresh_from_db()
        assert proposal.support_count == 1
    else:
        with pytest.raises(ProposalError, match="not open for support"):
            proposal_support(citizen=make_citizen(), proposal=proposal, now=NOW)


@pytest.mark.parametrize("status", S.values)
def test_reassign_only_under_review(status, draft, unit, other_unit, official):
    proposal = put_in(draft, status, unit)
    if status == S.UNDER_REVIEW:
        proposal_assign(actor=official, proposal=proposal, unit=other_unit, reason="교통실 소관")
        proposal.refresh_from_db()
        assert proposal.assigned_unit == other_unit
        assert proposal.assignments.get().reason == "교통실 소관"
    else:
        with pytest.raises(ProposalError):
            proposal_assign(actor=official, proposal=proposal, unit=other_unit, reason="교통실 소관")


def test_only_an_official_of_the_assigned_unit_or_a_superuser_answers(draft, unit, other_unit, make_citizen, superuser):
    from datetime import date as day

    from governance.models import OrgAssignment

    proposal = put_in(draft, S.UNDER_REVIEW, unit)
    outsider = make_citizen(is_staff=True)
    OrgAssignment.objects.create(unit=other_unit, official=outsider, started_on=day(2020, 1, 1))
    former = make_citizen(is_staff=True)
    OrgAssignment.objects.create(unit=unit, official=former, started_on=day(2020, 1, 1), ended_on=day(2021, 1, 1))
    for actor in (outsider, former, proposal.author):
        with pytest.raises(ProposalError, match="Only an official"):
            proposal_answer(actor=actor, proposal=proposal, answer_type="already_in_place", reason="", now=NOW)
    proposal_answer(actor=superuser, proposal=proposal, answer_type="already_in_place", reason="", now=NOW)
    assert Proposal.objects.get(pk=proposal.pk).status == S.ANSWERED


@pytest.mark.parametrize(
    ("answer_type", "reason", "plan", "field"),
    [
        ("not_accepted", "", "", "reason"),
        ("accepted", "좋은 제안", "", "plan"),
        ("partially_accepted", "", "", "plan"),
        ("maybe", "", "", "answer_type"),
        ("accepted", "<script>x</script>", "계획", "reason"),
    ],
)
def test_an_incomplete_answer_is_refused(answer_type, reason, plan, field, draft, unit, official):
    proposal = put_in(draft, S.UNDER_REVIEW, unit)
    with pytest.raises(ProposalError) as error:
        proposal_answer(actor=official, proposal=proposal, answer_type=answer_type, reason=reason, plan=plan, now=NOW)
    assert error.value.field == field
    assert Proposal.objects.get(pk=proposal.pk).status == S.UNDER_REVIEW


def test_reassignment_needs_a_reason(draft, unit, other_unit, official):
    proposal = put_in(draft, S.UNDER_REVIEW, unit)
    with pytest.raises(ProposalError) as error:
        proposal_assign(actor=official, proposal=proposal, unit=other_unit, reason="  ")
    assert error.value.field == "reason"


def test_promotion_needs_a_reason_and_the_panel(draft, unit, make_citizen, superuser):
    proposal = put_in(draft, S.CLOSED_INSUFFICIENT, unit)
    with pytest.raises(ProposalError):
        proposal_promote(actor=superuser, proposal=proposal, reason="")
    with pytest.raises(ProposalError, match="citizen panel"):
        proposal_promote(actor=make_citizen(), proposal=proposal, reason="우수제안")
    proposal_promote(actor=superuser, proposal=proposal, reason="우수제안", now=NOW)
    proposal.refresh_from_db()
    assert proposal.status == S.IN_DEBATE and proposal.promotion_reason == "우수제안"
    assert proposal.stages.get().reason == "우수제안"


def test_a_stale_draft_form_is_refused_and_changes_nothing(draft, author, category):
    opened_at = draft.version
    proposal_update_draft(
        author=author, proposal=draft, title="첫 번째 수정", body=draft.body, category=category, version=opened_at
    )
    with pytest.raises(ProposalError, match="changed after you opened the form"):
        proposal_update_draft(
            author=author, proposal=draft, title="오래된 창의 수정", body="다른 내용", category=category,
            version=opened_at,
        )
    draft.refresh_from_db()
    assert (draft.title, draft.version) == ("첫 번째 수정", opened_at + 1)
