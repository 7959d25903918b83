"""The moves on a proposal's page: each form calls its service; what the service refuses is shown
on the form and changes nothing; a move the official may not make is refused with 403."""

from datetime import date

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from audit.models import AuditEvent
from proposals.forms.admin import REASON_MAX_LENGTH
from proposals.models import BODY_MAX_LENGTH, Assignment, Proposal, StageChange

from .conftest import admin_login, form_errors, ko, shown_messages

pytestmark = pytest.mark.django_db

S = Proposal.Status


def move_url(name, proposal):
    return reverse(f"admin:proposals_proposal_{name}", args=[proposal.pk])


def change_url(proposal):
    return reverse("admin:proposals_proposal_change", args=[proposal.pk])


def unchanged(proposal):
    """The proposal as it was: same row, no new timeline entry."""
    fresh = Proposal.objects.get(pk=proposal.pk)
    fields = [
        "status",
        "answer_type",
        "answer_reason",
        "implementation_plan",
        "assigned_unit_id",
        "promotion_reason",
        "mayor_answer",
        "debate_opens_at",
    ]
    return (
        all(getattr(fresh, name) == getattr(proposal, name) for name in fields)
        and not StageChange.objects.filter(proposal=proposal).exists()
        and not Assignment.objects.filter(proposal=proposal).exists()
    )


# --- the department's answer ---------------------------------------------------------------------


def test_the_answer_form_shows_the_proposal(client, make_proposal, official):
    proposal = make_proposal(S.UNDER_REVIEW)
    admin_login(client, official)
    response = client.get(move_url("answer", proposal))
    assert response.status_code == 200
    content = response.content.decode()
    assert proposal.title in content
    assert "본문입니다.<br>둘째 줄." in content
    assert 'name="answer_type"' in content and 'name="reason"' in content and 'name="plan"' in content


@pytest.mark.parametrize(
    ("answer_type", "reason", "plan"),
    [
        ("not_accepted", "예산이 부족하여 올해는 어렵습니다.", ""),
        ("accepted", "", "2026년 하반기에 노선 2개를 신설합니다."),
        ("partially_accepted", "강남 방면만 반영합니다.", "강남 방면 노선 1개 신설"),
        ("already_in_place", "", ""),
    ],
)
def test_an_official_of_the_unit_answers(client, make_proposal, official, answer_type, reason, plan):
    proposal = make_proposal(S.UNDER_REVIEW)
    admin_login(client, official)
    response = client.post(
        move_url("answer", proposal), {"answer_type": answer_type, "reason": reason, "plan": plan}, follow=True
    )
    assert response.redirect_chain == [(change_url(proposal), 302)]
    proposal.refresh_from_db()
    assert (proposal.status, proposal.answer_type, proposal.answer_reason, proposal.implementation_plan) == (
        S.ANSWERED,
        answer_type,
        reason,
        plan,
    )
    assert proposal.answered_by == official
    assert StageChange.objects.get(proposal=proposal).to_status == S.ANSWERED
    assert AuditEvent.objects.filter(action="proposal.answered", target_id=str(proposal.pk)).exists()
    assert LogEntry.objects.filter(object_id=str(proposal.pk)).exists()
    assert shown_messages(response) == [ko('The answer to "%(title)s" is published.', title=proposal.title)]


def test_an_answer_clears_the_overdue_flag(client, make_proposal, official):
    proposal = make_proposal(S.UNDER_REVIEW, answer_overdue_since=date(2026, 5, 2))
    admin_login(client, official)
    client.post(move_url("answer", proposal), {"answer_type": "already_in_place"})
    proposal.refresh_from_db()
    assert proposal.status == S.ANSWERED and proposal.answer_overdue_since is None


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"answer_type": "not_accepted", "reason": "  "},
            "reason",
            "A proposal that is not accepted needs the reason.",
        ),
        (
            {"answer_type": "accepted", "reason": "좋습니다."},
            "plan",
            "An accepted proposal needs an implementation plan.",
        ),
        (
            {"answer_type": "partially_accepted", "plan": ""},
            "plan",
            "An accepted proposal needs an implementation plan.",
        ),
    ],
)
def test_an_incomplete_answer_is_a_field_error(client, make_proposal, official, data, field, message):
    proposal = make_proposal(S.UNDER_REVIEW)
    admin_login(client, official)
    response = client.post(move_url("answer", proposal), data)
    assert response.status_code == 200
    assert form_errors(response, field) == [ko(message)]
    assert unchanged(proposal)


@pytest.mark.parametrize("field", ["reason", "plan"])
def test_html_in_an_answer_is_refused(client, make_proposal, official, field):
    proposal = make_proposal(S.UNDER_REVIEW)
    admin_login(client, official)
    data = {"answer_type": "accepted", "reason": "검토했습니다.", "plan": "계획"}
    data[field] = '<script>alert("x")</script>'
    response = client.post(move_url("answer", proposal), data)
    assert response.status_code == 200
    assert form_errors(response, field)
    assert "<script>alert" not in response.content.decode()
    assert unchanged(proposal)


def test_an_oversized_reason_or_an_unknown_answer_is_refused(client, make_proposal, official):
    proposal = make_proposal(S.UNDER_REVIEW)
    admin_login(client, official)
    response = client.post(
        move_url("answer", proposal), {"answer_type": "not_accepted", "reason": "가" * (BODY_MAX_LENGTH + 1)}
    )
    assert form_errors(response, "reason")
    response = client.post(move_url("answer", proposal), {"answer_type": "maybe", "reason": "글쎄요"})
    assert form_errors(response, "answer_type")
    response = client.post(move_url("answer", proposal), {})
    assert form_errors(response, "answer_type")
    assert unchanged(proposal)


def test_an_answered_proposal_cannot_be_answered_again(client, make_proposal, official):
    proposal = make_proposal(S.ANSWERED, answered_by=official)
    admin_login(client, official)
    response = client.get(move_url("answer", proposal), follow=True)
    assert response.redirect_chain == [(change_url(proposal), 302)]
    assert shown_messages(response) == [ko("Only a proposal under review can be answered.")]
    response = client.post(move_url("answer", proposal), {"answer_type": "not_accepted", "reason": "다시"})
    assert response.status_code == 200
    assert form_errors(response) == [ko("Only a proposal under review can be answered.")]
    proposal.refresh_from_db()
    assert (proposal.answer_type, proposal.answer_reason) == ("already_in_place", "이미 시행 중입니다.")


@pytest.mark.parametrize("role", ["office", "other_official"])
def test_who_may_not_answer_is_refused(client, make_proposal, role, request):
    proposal = make_proposal(S.UNDER_REVIEW)
    admin_login(client, request.getfixturevalue(role))
    # The office sees the proposal but may not answer for the unit (403); another unit does not see it (404).
    expected = 403 if role == "office" else 404
    assert client.get(move_url("answer", proposal)).status_code == expected
    assert client.post(move_url("answer", proposal), {"answer_type": "already_in_place"}).status_code == expected
    assert unchanged(proposal)


def test_a_citizen_is_sent_to_the_login(client, make_proposal, make_citizen):
    proposal = make_proposal(S.UNDER_REVIEW)
    admin_login(client, make_citizen())
    response = client.post(move_url("answer", proposal), {"answer_type": "already_in_place"})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert unchanged(proposal)


# --- reassignment ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["official", "office", "superuser"])
def test_a_proposal_is_reassigned_with_a_reason(client, make_proposal, other_unit, role, request):
    proposal = make_proposal(S.UNDER_REVIEW)
    actor = request.getfixturevalue(role)
    admin_login(client, actor)
    response = client.post(
        move_url("reassign", proposal), {"unit": other_unit.pk, "reason": "교통실 소관입니다."}, follow=True
    )
    # The official of the old unit no longer sees the proposal: back to their list.
    target = reverse("admin:proposals_proposal_changelist") if role == "official" else change_url(proposal)
    assert response.redirect_chain == [(target, 302)]
    proposal.refresh_from_db()
    assert (proposal.status, proposal.assigned_unit) == (S.UNDER_REVIEW, other_unit)
    assignment = Assignment.objects.get(proposal=proposal)
    assert (assignment.unit, assignment.assigned_by, assignment.reason) == (other_unit, actor, "교통실 소관입니다.")
    assert shown_messages(response) == [ko('"%(title)s" is reassigned.', title=proposal.title)]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"reason": ""}, "reason", "Give the reason for the reassignment."),
        ({"reason": "같은 부서"}, "unit", "The proposal is already assigned to this unit."),
    ],
)
def test_a_reassignment_without_reason_or_to_the_same_unit_is_refused(
    client, make_proposal, official, other_unit, unit, data, field, message
):
    proposal = make_proposal(S.UNDER_REVIEW)
    admin_login(client, official)
    target = unit if field == "unit" else other_unit
    response = client.post(move_url("reassign", proposal), {"unit": target.pk, **data})
    assert response.status_code == 200
    assert form_errors(response, field) == [ko(message)]
    assert unchanged(proposal)


def test_a_reassignment_with_html_or_no_unit_is_refused(client, make_proposal, official, other_unit):
    proposal = make_proposal(S.UNDER_REVIEW)
    admin_login(client, official)
    response = client.post(move_url("reassign", proposal), {"unit": other_unit.pk, "reason": "<b>급함</b>"})
    assert form_errors(response, "reason")
    response = client.post(move_url("reassign", proposal), {"unit": "", "reason": "이관"})
    assert form_errors(response, "unit")
    response = client.post(
        move_url("reassign", proposal), {"unit": other_unit.pk, "reason": "가" * (REASON_MAX_LENGTH + 1)}
    )
    assert form_errors(response, "reason")
    assert unchanged(proposal)


def test_an_inactive_unit_is_not_offered(client, make_proposal, official, other_unit):
    other_unit.is_active = False
    other_unit.save(update_fields=["is_active"])
    proposal = make_proposal(S.UNDER_REVIEW)
    admin_login(client, official)
    response = client.post(move_url("reassign", proposal), {"unit": other_unit.pk, "reason": "이관"})
    assert form_errors(response, "unit")
    assert unchanged(proposal)


def test_an_answered_proposal_cannot_be_reassigned(client, make_proposal, office, other_unit):
    proposal = make_proposal(S.ANSWERED)
    admin_login(client, office)
    response = client.get(move_url("reassign", proposal), follow=True)
    assert shown_messages(response) == [ko("Only a proposal under review can be reassigned.")]
    response = client.post(move_url("reassign", proposal), {"unit": other_unit.pk, "reason": "이관"})
    assert form_errors(response) == [ko("Only a proposal under review can be reassigned.")]
    assert unchanged(proposal)


def test_another_units_official_cannot_reassign(client, make_proposal, other_official, other_unit):
    proposal = make_proposal(S.UNDER_REVIEW)
    admin_login(client, other_official)
    assert (
        client.post(move_url("reassign", proposal), {"unit": other_unit.pk, "reason": "가져갑니다"}).status_code == 404
    )
    assert unchanged(proposal)


# --- the citizen panel's promotion ---------------------------------------------------------------


@pytest.mark.parametrize("status", [S.ANSWERED, S.CLOSED_INSUFFICIENT])
@pytest.mark.parametrize("role", ["office", "superuser"])
def test_the_panel_promotes_a_proposal_to_a_debate(client, make_proposal, status, role, request):
    proposal = make_proposal(status)
    admin_login(client, request.getfixturevalue(role))
    response = client.post(
        move_url("promote", proposal), {"reason": "시민패널이 우수제안으로 선정했습니다."}, follow=True
    )
    assert response.redirect_chain == [(change_url(proposal), 302)]
    proposal.refresh_from_db()
    assert (proposal.status, proposal.promotion_reason) == (S.IN_DEBATE, "시민패널이 우수제안으로 선정했습니다.")
    assert proposal.debate_opens_at is not None
    assert StageChange.objects.get(proposal=proposal).reason == "시민패널이 우수제안으로 선정했습니다."


@pytest.mark.parametrize(
    ("reason", "message"),
    [("", "Give the panel's reason for the promotion."), ("   \n ", "Give the panel's reason for the promotion.")],
)
def test_a_promotion_needs_a_reason(client, make_proposal, office, reason, message):
    proposal = make_proposal(S.CLOSED_INSUFFICIENT)
    admin_login(client, office)
    response = client.post(move_url("promote", proposal), {"reason": reason})
    assert form_errors(response, "reason") == [ko(message)]
    assert unchanged(proposal)


def test_a_promotion_with_html_is_refused(client, make_proposal, office):
    proposal = make_proposal(S.CLOSED_INSUFFICIENT)
    admin_login(client, office)
    response = client.post(move_url("promote", proposal), {"reason": '<a href="x">우수</a>'})
    assert form_errors(response, "reason")
    assert unchanged(proposal)


@pytest.mark.parametrize("status", [S.OPEN, S.UNDER_REVIEW, S.IN_DEBATE, S.AWAITING_MAYOR])
def test_a_proposal_in_another_stage_cannot_be_promoted(client, make_proposal, office, status):
    proposal = make_proposal(status)
    admin_login(client, office)
    message = ko("Only an answered proposal or one closed for lack of support can be promoted to a debate.")
    assert shown_messages(client.get(move_url("promote", proposal), follow=True)) == [message]
    assert form_errors(client.post(move_url("promote", proposal), {"reason": "우수제안"})) == [message]
    assert Proposal.objects.get(pk=proposal.pk).status == status


def test_an_official_of_the_unit_cannot_promote(client, make_proposal, official):
    proposal = make_proposal(S.ANSWERED)
    admin_login(client, official)
    assert client.get(move_url("promote", proposal)).status_code == 403
    assert client.post(move_url("promote", proposal), {"reason": "우수제안"}).status_code == 403
    assert unchanged(proposal)


# --- the Mayor's answer --------------------------------------------------------------------------


def test_the_mayors_office_records_the_mayors_answer(client, make_proposal, office):
    proposal = make_proposal(S.AWAITING_MAYOR)
    admin_login(client, office)
    response = client.post(
        move_url("mayor_answer", proposal), {"answer": "시민 여러분의 뜻을 받들어\r\n추진하겠습니다."}, follow=True
    )
    assert response.redirect_chain == [(change_url(proposal), 302)]
    proposal.refresh_from_db()
    assert (proposal.status, proposal.mayor_answer) == (S.MAYOR_ANSWERED, "시민 여러분의 뜻을 받들어\n추진하겠습니다.")
    assert proposal.mayor_answered_at is not None


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ("", ("Write the %(field)s.", {"field": "answer"})),
        ("가" * (BODY_MAX_LENGTH + 1), None),
        ("<p>추진합니다</p>", None),
    ],
)
def test_an_empty_oversized_or_html_mayors_answer_is_refused(client, make_proposal, office, answer, message):
    proposal = make_proposal(S.AWAITING_MAYOR)
    admin_login(client, office)
    response = client.post(move_url("mayor_answer", proposal), {"answer": answer})
    assert response.status_code == 200
    errors = form_errors(response, "answer")
    if message:
        msgid, params = message
        assert errors == [ko(msgid, field=ko(params["field"]))]
    else:
        assert errors
    assert unchanged(proposal)


def test_the_mayors_answer_only_for_a_proposal_awaiting_it(client, make_proposal, office):
    proposal = make_proposal(S.IN_DEBATE)
    admin_login(client, office)
    message = ko("This proposal is not awaiting the Mayor's answer.")
    assert shown_messages(client.get(move_url("mayor_answer", proposal), follow=True)) == [message]
    assert form_errors(client.post(move_url("mayor_answer", proposal), {"answer": "추진"})) == [message]
    assert unchanged(proposal)


def test_an_official_of_the_unit_cannot_record_the_mayors_answer(client, make_proposal, official):
    proposal = make_proposal(S.AWAITING_MAYOR)
    admin_login(client, official)
    assert client.post(move_url("mayor_answer", proposal), {"answer": "추진"}).status_code == 403
    assert unchanged(proposal)


def test_a_move_on_an_unknown_proposal_is_not_found(client, superuser):
    admin_login(client, superuser)
    assert client.get(reverse("admin:proposals_proposal_answer", args=[987654])).status_code == 404
    assert client.get("/admin/proposals/proposal/abc/answer/").status_code == 404
