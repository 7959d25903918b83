"""The moderators' queue in the admin: who gets in, what it lists, and decisions through comment_moderate."""

import pytest
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from audit.models import AuditEvent
from proposals.admin import comments as comment_admin
from proposals.errors import ProposalError
from proposals.models import Comment
from proposals.services.comments import comment_post

from .conftest import PASSWORD_BACKEND, report_by, set_state

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:proposals_comment_changelist"


def change_url(comment):
    return reverse("admin:proposals_comment_change", args=[comment.pk])


@pytest.fixture
def as_moderator(client, moderator):
    client.force_login(moderator, backend=PASSWORD_BACKEND)
    client.official = moderator
    return client


@pytest.fixture
def queue(published, commenter, participant, moderator):
    """A visible comment, one with one open report, a hidden one (2 abuse + 1 spam) and a removed one."""
    visible = comment_post(author=commenter, proposal=published, body="평범한 의견")
    reported = comment_post(author=commenter, proposal=published, body="신고 하나 받은 의견")
    report_by(reported, [participant()], reason="off_topic")
    hidden = comment_post(author=commenter, proposal=published, body="숨겨질 의견")
    report_by(hidden, [participant(), participant()], reason="abuse")
    report_by(hidden, [participant()], reason="spam")
    removed = set_state(comment_post(author=commenter, proposal=published, body="삭제된 의견"), "removed", moderator)
    return {"visible": visible, "reported": reported, "hidden": Comment.objects.get(pk=hidden.pk), "removed": removed}


def listed(response):
    return [comment.pk for comment in response.context["cl"].result_list]


def test_the_queue_opens_on_the_hidden_comments(as_moderator, queue):
    response = as_moderator.get(reverse(CHANGELIST))

    assert response.status_code == 200 and listed(response) == [queue["hidden"].pk]
    [row] = response.context["cl"].result_list
    assert (row.open_abuse, row.open_spam, row.open_off_topic) == (2, 1, 0)
    assert "숨겨질 의견" in response.content.decode()


@pytest.mark.parametrize(
    ("value", "expected"),
    [("reported", ["reported"]), ("removed", ["removed"]), ("all", ["visible", "reported", "hidden", "removed"])],
)
def test_the_filter_lists_the_other_queues(as_moderator, queue, value, expected):
    response = as_moderator.get(reverse(CHANGELIST), {"queue": value})
    assert sorted(listed(response)) == sorted(queue[name].pk for name in expected)


def test_the_queue_costs_the_same_queries_for_2_or_20_comments(as_moderator, published, commenter, participant):
    reporters = [participant() for _ in range(3)]

    def hide(count):
        for number in range(count):
            comment = comment_post(author=commenter, proposal=published, body=f"의견 {number}")
            report_by(comment, reporters)

    def measure():
        with CaptureQueriesContext(connection) as captured:
            assert as_moderator.get(reverse(CHANGELIST)).status_code == 200
        return len(captured)

    hide(2)
    small = measure()
    hide(18)
    assert measure() == small


def test_removing_a_comment_with_a_reason(as_moderator, queue, published):
    hidden = queue["hidden"]
    page = as_moderator.get(change_url(hidden))
    assert page.status_code == 200
    text = page.content.decode()
    assert "숨겨질 의견" in text and 'name="decision"' in text and 'name="status"' not in text

    response = as_moderator.post(
        change_url(hidden),
        {
            "decision": "remove",
            "reason": "욕설이 포함되어 삭제했습니다.",
            "status": "visible",
            "body": "바꾼 본문",
        },
    )

    assert response.status_code == 302
    hidden.refresh_from_db()
    assert (hidden.status, hidden.body) == (Comment.Status.REMOVED, "숨겨질 의견")
    assert (hidden.moderation_reason, hidden.moderated_by_id) == (
        "욕설이 포함되어 삭제했습니다.",
        as_moderator.official.pk,
    )
    assert AuditEvent.objects.get(action="proposal_comment.remove").actor_id == as_moderator.official.pk
    assert LogEntry.objects.filter(object_id=str(hidden.pk)).count() == 1
    # The public page shows the reason in place of the text.
    section = as_moderator.get(
        reverse("proposals:comments", kwargs={"pk": published.pk}), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "욕설이 포함되어 삭제했습니다." in section and "숨겨질 의견" not in section


def test_restoring_a_comment(as_moderator, queue):
    hidden = queue["hidden"]
    response = as_moderator.post(change_url(hidden), {"decision": "restore", "reason": ""})

    assert response.status_code == 302
    hidden.refresh_from_db()
    assert (hidden.status, hidden.report_count) == (Comment.Status.VISIBLE, 0)
    assert as_moderator.get(change_url(hidden)).status_code == 200
    # The reports stay, as the record of the decision, marked closed.
    with translation.override("en"):
        shown = str(comment_admin.CommentModerationAdmin(Comment, admin.site).reports_display(hidden))
    assert shown.count("(closed)") == 3 and "(open)" not in shown


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"decision": "remove", "reason": ""}, "reason"),
        ({"decision": "remove", "reason": "<b>욕설</b>"}, "reason"),
        ({"decision": "erase", "reason": "x"}, "decision"),
        ({"reason": "x"}, "decision"),
    ],
)
def test_a_refused_decision_is_a_form_error(as_moderator, queue, data, field):
    hidden = queue["hidden"]
    response = as_moderator.post(change_url(hidden), data)

    assert response.status_code == 200 and field in response.context["adminform"].form.errors
    assert Comment.objects.get(pk=hidden.pk).status == Comment.Status.HIDDEN_PENDING
    assert not AuditEvent.objects.filter(action__in=["proposal_comment.remove", "proposal_comment.restore"]).exists()


def test_restoring_an_unreported_visible_comment_is_a_form_error(as_moderator, queue):
    response = as_moderator.post(change_url(queue["visible"]), {"decision": "restore"})
    assert response.status_code == 200 and "decision" in response.context["adminform"].form.errors


def test_a_decision_taken_meanwhile_by_someone_else_is_reported_not_a_500(as_moderator, queue, monkeypatch):
    def refuse(**kwargs):
        raise ProposalError("This comment has already been removed; removal is final.")

    monkeypatch.setattr(comment_admin, "comment_moderate", refuse)
    response = as_moderator.post(change_url(queue["hidden"]), {"decision": "restore"})

    assert response.status_code == 302 and response["Location"] == change_url(queue["hidden"])
    assert not LogEntry.objects.filter(object_id=str(queue["hidden"].pk)).exists()


def test_a_removed_comment_is_read_only(as_moderator, queue):
    removed = queue["removed"]
    page = as_moderator.get(change_url(removed))
    assert page.status_code == 200 and 'name="decision"' not in page.content.decode()
    assert as_moderator.post(change_url(removed), {"decision": "restore"}).status_code == 403


def test_nothing_is_added_or_deleted_here(as_moderator, queue):
    assert as_moderator.get(reverse("admin:proposals_comment_add")).status_code == 403
    assert (
        as_moderator.post(
            reverse("admin:proposals_comment_delete", args=[queue["hidden"].pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert Comment.objects.filter(pk=queue["hidden"].pk).exists()


def test_the_restore_action_restores_several_and_reports_the_others(as_moderator, queue, participant):
    second = comment_post(author=queue["visible"].author, proposal=queue["visible"].proposal, body="둘째 숨김")
    report_by(second, [participant() for _ in range(3)])

    response = as_moderator.post(
        reverse(CHANGELIST) + "?queue=all",
        {
            "action": "restore_comments",
            "_selected_action": [queue["hidden"].pk, second.pk, queue["removed"].pk],
        },
    )

    assert response.status_code == 302
    statuses = dict(
        Comment.objects.filter(pk__in=[queue["hidden"].pk, second.pk, queue["removed"].pk]).values_list("pk", "status")
    )
    assert statuses == {queue["hidden"].pk: "visible", second.pk: "visible", queue["removed"].pk: "removed"}
    assert AuditEvent.objects.filter(action="proposal_comment.restore").count() == 2


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("citizen", 302),
        ("staff_without_perm", 403),
        ("sms_session_moderator", 302),
        ("moderator", 200),
        ("superuser", 200),
    ],
)
def test_who_may_open_the_queue(who, expected, client, queue, participant, make_moderator, moderator, superuser):
    backend = PASSWORD_BACKEND
    person = {
        "citizen": participant(),
        "staff_without_perm": make_moderator(perm=False),
        "sms_session_moderator": moderator,
        "moderator": moderator,
        "superuser": superuser,
    }[who]
    if who == "sms_session_moderator":
        backend = "citizens.backends.PhoneCodeBackend"
    client.force_login(person, backend=backend)

    listing = client.get(reverse(CHANGELIST))
    page = client.get(change_url(queue["hidden"]))
    decided = client.post(change_url(queue["hidden"]), {"decision": "remove", "reason": "욕설"})
    assert decided.status_code == (302 if expected in {200, 302} else 403)

    assert listing.status_code == page.status_code == expected
    if expected == 302:
        assert reverse("admin:login") in listing["Location"]
    assert (Comment.objects.get(pk=queue["hidden"].pk).status == Comment.Status.REMOVED) is (expected == 200)


def test_report_times_are_shown_in_seoul_time(queue):
    """A report made at 23:30 UTC is shown at 08:30 the next day, Seoul's time."""
    from datetime import UTC, datetime

    from proposals.models import CommentReport

    hidden = queue["hidden"]
    CommentReport.objects.filter(comment=hidden).update(created_at=datetime(2026, 3, 1, 23, 30, tzinfo=UTC))
    with translation.override("en"):
        shown = str(comment_admin.CommentModerationAdmin(Comment, admin.site).reports_display(hidden))
    assert "2026-03-02 08:30" in shown and "2026-03-01 23:30" not in shown


def test_the_restore_action_writes_a_readable_history(as_moderator, queue):
    as_moderator.post(
        reverse(CHANGELIST) + "?queue=all", {"action": "restore_comments", "_selected_action": [queue["hidden"].pk]}
    )

    entry = LogEntry.objects.get(object_id=str(queue["hidden"].pk))
    expected = "Restored the comment and closed its reports."
    with translation.override("ko"):  # the admin always speaks Korean: so does its history
        assert entry.change_message == translation.gettext(expected) != expected
