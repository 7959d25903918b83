"""The buttons on a poll's page: each form calls its service; what the service refuses is shown on
the form and changes nothing; the proposer of a citizen poll is told of the screening and the close."""

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from audit.models import AuditEvent
from notifications.models import Notification
from voting.models import PolicyReflection, Poll

from .conftest import admin_login, form_errors, ko, shown_messages

pytestmark = pytest.mark.django_db

S = Poll.Status


def move_url(name, poll):
    return reverse(f"admin:voting_poll_{name}", args=[poll.pk])


def change_url(poll):
    return reverse("admin:voting_poll_change", args=[poll.pk])


def fresh(poll):
    return Poll.objects.get(pk=poll.pk)


def notices(kind, citizen):
    return list(Notification.objects.filter(kind=kind, citizen=citizen))


# --- publishing and screening ---------------------------------------------------------------------


def test_an_official_publishes_a_draft(client, states, division_official):
    poll = states.make("policy_draft")
    admin_login(client, division_official)
    response = client.get(move_url("publish", poll))
    assert response.status_code == 200 and poll.title in response.content.decode()
    response = client.post(move_url("publish", poll), follow=True)
    assert response.redirect_chain == [(change_url(poll), 302)]
    assert fresh(poll).status == S.OPEN
    assert shown_messages(response) == [ko('"%(title)s" is published.', title=poll.title)]
    assert AuditEvent.objects.filter(action="poll.publish", target_id=str(poll.pk)).exists()
    assert LogEntry.objects.filter(object_id=str(poll.pk)).exists()


def test_a_screener_approves_and_the_proposer_is_told(client, states, screener, proposer):
    poll = states.make("citizen_pending")
    admin_login(client, screener)
    response = client.post(move_url("approve", poll), follow=True)
    assert response.redirect_chain == [(change_url(poll), 302)]
    poll = fresh(poll)
    assert (poll.status, poll.reviewed_by) == (S.OPEN, screener)
    [notice] = notices("poll_approved", proposer)
    assert poll.title in notice.body


def test_a_screener_rejects_with_a_reason_the_proposer_is_sent(client, states, screener, proposer):
    poll = states.make("citizen_pending")
    admin_login(client, screener)
    response = client.post(move_url("reject", poll), {"reason": "특정 업체를 홍보하는 설문입니다."})
    assert response.status_code == 302
    poll = fresh(poll)
    assert (poll.status, poll.rejection_reason) == (S.REJECTED, "특정 업체를 홍보하는 설문입니다.")
    [notice] = notices("poll_rejected", proposer)
    assert "특정 업체를 홍보하는 설문입니다." in notice.body


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_rejection_needs_a_reason(client, states, screener, proposer, reason):
    poll = states.make("citizen_pending")
    admin_login(client, screener)
    response = client.post(move_url("reject", poll), {"reason": reason})
    assert response.status_code == 200
    assert form_errors(response, "reason") == [ko("This field is required.")]
    assert fresh(poll).status == S.PENDING_REVIEW
    assert not notices("poll_rejected", proposer)


def test_a_screened_poll_cannot_be_screened_again(client, states, screener):
    poll = states.make("citizen_open")
    admin_login(client, screener)
    response = client.get(move_url("approve", poll), follow=True)
    assert response.redirect_chain == [(change_url(poll), 302)]
    assert shown_messages(response) == [ko("Only a poll awaiting screening can be approved.")]
    response = client.post(move_url("reject", poll), {"reason": "늦었지만 반려"})
    assert response.status_code == 200
    assert form_errors(response) == [ko("Only a poll awaiting screening can be rejected.")]
    assert fresh(poll).status == S.OPEN


def test_the_list_approves_and_publishes_several_at_once(client, states, superuser):
    pending = [states.make("citizen_pending") for _ in range(2)]
    drafts = [states.make("policy_draft") for _ in range(2)]
    already = states.make("citizen_open")
    admin_login(client, superuser)
    changelist = reverse("admin:voting_poll_changelist")
    response = client.post(
        changelist,
        {"action": "approve_polls", "_selected_action": [poll.pk for poll in [*pending, already]]},
        follow=True,
    )
    assert all(fresh(poll).status == S.OPEN for poll in pending)
    messages = shown_messages(response)
    assert f"{already.title}: {ko('Only a poll awaiting screening can be approved.')}" in messages
    client.post(changelist, {"action": "publish_polls", "_selected_action": [poll.pk for poll in drafts]})
    assert all(fresh(poll).status == S.OPEN for poll in drafts)


def test_the_bulk_approval_is_the_screeners(client, states, official):
    poll = states.make("policy_draft")
    admin_login(client, official)
    response = client.get(reverse("admin:voting_poll_changelist"))
    actions = [name for name, _label in response.context["action_form"].fields["action"].choices]
    assert "publish_polls" in actions and "approve_polls" not in actions
    assert fresh(poll).status == S.DRAFT


# --- closing early, hiding ----------------------------------------------------------------------------


def test_closing_early_needs_a_reason_and_tells_the_proposer(client, states, screener, proposer):
    poll = states.make("citizen_open")
    admin_login(client, screener)
    response = client.post(move_url("close_early", poll), {"reason": ""})
    assert form_errors(response, "reason") == [ko("This field is required.")]
    assert fresh(poll).status == S.OPEN
    response = client.post(move_url("close_early", poll), {"reason": "행사가 취소되었습니다."})
    assert response.status_code == 302
    poll = fresh(poll)
    assert (poll.status, poll.close_reason) == (S.CLOSED, "행사가 취소되었습니다.")
    [notice] = notices("poll_results", proposer)
    assert poll.title in notice.body


def test_an_official_closes_their_units_vote_early(client, states, official):
    poll = states.make("policy_scheduled")
    admin_login(client, official)
    assert client.post(move_url("close_early", poll), {"reason": "계획이 바뀌었습니다."}).status_code == 302
    assert fresh(poll).status == S.CLOSED


def test_a_moderator_hides_and_shows_a_poll(client, states, moderator):
    poll = states.make("citizen_open")
    admin_login(client, moderator)
    response = client.post(move_url("hide", poll), {"reason": "  "})
    assert form_errors(response, "reason") == [ko("This field is required.")]
    assert fresh(poll).hidden_at is None
    client.post(move_url("hide", poll), {"reason": "욕설이 포함되어 있습니다."})
    poll = fresh(poll)
    assert poll.hidden_at is not None and poll.hidden_reason == "욕설이 포함되어 있습니다."
    page = client.get(change_url(poll)).content.decode()
    assert move_url("unhide", poll) in page and move_url("hide", poll) not in page
    client.post(move_url("unhide", poll))
    poll = fresh(poll)
    assert poll.hidden_at is None and poll.hidden_reason == ""
    actions = list(AuditEvent.objects.filter(target_id=str(poll.pk)).values_list("action", flat=True))
    assert "poll.hide" in actions and "poll.unhide" in actions


def test_an_oversized_reason_is_refused(client, states, moderator):
    poll = states.make("policy_open")
    admin_login(client, moderator)
    response = client.post(move_url("hide", poll), {"reason": "가" * 2001})
    assert form_errors(response, "reason")
    assert fresh(poll).hidden_at is None


# --- the policy follow-up --------------------------------------------------------------------------


def test_the_policy_follow_up_is_recorded_and_corrected(client, states, official):
    poll = states.make("policy_closed")
    admin_login(client, official)
    data = {"outcome": "reflected", "note": "2027년 예산에 반영했습니다.", "link": "https://news.seoul.go.kr/1"}
    assert client.post(move_url("reflect", poll), data).status_code == 302
    reflection = PolicyReflection.objects.get(poll=poll)
    assert (reflection.outcome, reflection.note, reflection.link, reflection.recorded_by) == (
        "reflected", "2027년 예산에 반영했습니다.", "https://news.seoul.go.kr/1", official,
    )
    # The form opens with what was recorded; a correction replaces it.
    response = client.get(move_url("reflect", poll))
    assert response.context["form"].initial["note"] == "2027년 예산에 반영했습니다."
    client.post(move_url("reflect", poll), {**data, "outcome": "partly", "link": ""})
    reflection = PolicyReflection.objects.get(poll=poll)
    assert (reflection.outcome, reflection.link) == ("partly", "")
    assert "2027년 예산에 반영했습니다." in client.get(change_url(poll)).content.decode()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"outcome": "reflected", "note": ""}, "note"),
        ({"outcome": "maybe", "note": "메모"}, "outcome"),
        ({"outcome": "reflected", "note": "메모", "link": "javascript:alert(1)"}, "link"),
    ],
)
def test_a_bad_follow_up_is_refused(client, states, official, data, field):
    poll = states.make("policy_closed")
    admin_login(client, official)
    response = client.post(move_url("reflect", poll), data)
    assert response.status_code == 200 and form_errors(response, field)
    assert not PolicyReflection.objects.filter(poll=poll).exists()


def test_an_open_polls_follow_up_is_refused(client, states, official):
    poll = states.make("policy_open")
    admin_login(client, official)
    response = client.post(move_url("reflect", poll), {"outcome": "reflected", "note": "미리 반영"})
    assert form_errors(response) == [ko("Only a closed poll's result can be reflected in policy.")]
    assert not PolicyReflection.objects.exists()


# --- who -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "state", "move", "status"),
    [
        ("other_official", "policy_draft", "publish", 404),  # does not see it
        ("screener", "policy_open", "close_early", 404),
        ("moderator", "citizen_open", "close_early", 403),  # sees it, may not close it
        ("official", "citizen_pending", "approve", 404),
        ("screener", "citizen_open", "hide", 403),
    ],
)
def test_who_may_not_make_a_move_is_refused(client, states, role, state, move, status, request):
    poll = states.make(state)
    before = Poll.objects.values().get(pk=poll.pk)
    admin_login(client, request.getfixturevalue(role))
    assert client.get(move_url(move, poll)).status_code == status
    assert client.post(move_url(move, poll), {"reason": "이유"}).status_code == status
    assert Poll.objects.values().get(pk=poll.pk) == before


def test_a_citizen_is_sent_to_the_login(client, states, make_citizen):
    poll = states.make("citizen_pending")
    admin_login(client, make_citizen())
    response = client.post(move_url("approve", poll))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert fresh(poll).status == S.PENDING_REVIEW
