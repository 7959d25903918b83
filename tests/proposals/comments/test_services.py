"""Every comment service: each legal move, each illegal one (nothing written), and the audit trail."""

from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from proposals.errors import ProposalError
from proposals.models import COMMENT_MAX_LENGTH, Comment, CommentReport, Proposal
from proposals.services import comments as services
from proposals.services.comments import comment_edit, comment_moderate, comment_post, comment_report

from ..test_transitions import put_in
from .conftest import report_by, set_state

pytestmark = pytest.mark.django_db

Status = Comment.Status
Reason = CommentReport.Reason


def events(action):
    return list(AuditEvent.objects.filter(action=action).order_by("pk"))


# --- Posting --------------------------------------------------------------------------------------


def test_a_verified_citizen_comments_and_replies(published, commenter, reader):
    comment = comment_post(author=commenter, proposal=published, body="  첫 댓글입니다.\r\n둘째 줄  ")
    reply = comment_post(author=reader, proposal=published, body="동의합니다.", parent=comment)

    assert comment.body == "첫 댓글입니다.\n둘째 줄" and comment.parent is None and comment.status == Status.VISIBLE
    assert reply.parent_id == comment.pk and reply.proposal_id == published.pk
    posted = events("proposal_comment.post")
    assert [(event.actor_id, event.target_id) for event in posted] == [
        (commenter.pk, str(comment.pk)),
        (reader.pk, str(reply.pk)),
    ]
    assert posted[1].summary == {"proposal": published.pk, "parent": comment.pk}


@pytest.mark.parametrize("status", [s for s in Proposal.Status.values if s != "draft"])
def test_comments_are_open_in_every_published_status(published, commenter, status, unit):
    proposal = put_in(published, status, unit)
    assert comment_post(author=commenter, proposal=proposal, body="의견입니다.").pk


def test_a_backdated_comment_keeps_its_time(published, commenter):
    then = timezone.now() - timedelta(days=3)
    comment = comment_post(author=commenter, proposal=published, body="지난 의견", now=then)
    assert Comment.objects.get(pk=comment.pk).created_at == then == comment.created_at


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("draft", "Comments open once the proposal is published."),
        ("unverified", "Verify your mobile phone before writing a comment."),
        ("empty", "Write the comment."),
        ("oversized", "The comment may be at most 2000 characters long (it has 2001)."),
        ("html", "The comment is plain text: remove the HTML tags"),
        ("script", "The comment is plain text: remove the HTML tags"),
        ("reply_to_reply", "Replies are one level deep"),
        ("other_proposal", "The comment you are replying to belongs to another proposal."),
        ("hidden_parent", "This comment is hidden or removed: it can no longer be answered."),
        ("removed_parent", "This comment is hidden or removed: it can no longer be answered."),
    ],
)
def test_refused_posts_write_nothing(
    case, message, published, comment, commenter, reader, participant, make_citizen, category
):
    from proposals.services import proposal_create_draft, proposal_publish

    proposal, author, body, parent = published, reader, "의견입니다.", None
    if case == "draft":
        proposal = proposal_create_draft(author=commenter, title="작성 중인 제안", body="본문", category=category)
    elif case == "unverified":
        author = participant(verified=False)
    elif case == "empty":
        body = " \r\n "
    elif case == "oversized":
        body = "가" * (COMMENT_MAX_LENGTH + 1)
    elif case == "html":
        body = "<b>굵게</b>"
    elif case == "script":
        body = "안녕 <script>alert(1)</script>"
    elif case == "reply_to_reply":
        parent = comment_post(author=commenter, proposal=published, body="답글", parent=comment)
    elif case == "other_proposal":
        other = proposal_create_draft(author=commenter, title="다른 제안", body="본문", category=category)
        proposal = proposal_publish(author=commenter, proposal=other)
        parent = comment
    elif case in {"hidden_parent", "removed_parent"}:
        parent = set_state(comment, case.split("_")[0])
    before = (Comment.objects.count(), AuditEvent.objects.filter(action="proposal_comment.post").count())

    with pytest.raises(ProposalError) as refused:
        comment_post(author=author, proposal=proposal, body=body, parent=parent)

    assert str(refused.value).startswith(message)
    assert (Comment.objects.count(), AuditEvent.objects.filter(action="proposal_comment.post").count()) == before


def test_a_reply_at_exactly_the_length_limit_is_taken(published, comment, reader):
    assert comment_post(author=reader, proposal=published, body="가" * COMMENT_MAX_LENGTH, parent=comment).pk


# --- Editing --------------------------------------------------------------------------------------


def test_the_author_edits_within_the_window(comment, commenter):
    at = comment.created_at + timedelta(minutes=14, seconds=59)
    edited = comment_edit(author=commenter, comment=comment, body="고친 의견입니다.", now=at)

    assert (edited.body, edited.edited_at) == ("고친 의견입니다.", at)
    comment.refresh_from_db()
    assert comment.body == "고친 의견입니다." and comment.edited_at == at
    assert [event.actor_id for event in events("proposal_comment.edit")] == [commenter.pk]


def test_saving_the_same_text_changes_nothing(comment, commenter):
    comment_edit(author=commenter, comment=comment, body=comment.body + "  ")
    comment.refresh_from_db()
    assert comment.edited_at is None and events("proposal_comment.edit") == []


def test_the_window_is_a_setting(comment, commenter, settings):
    settings.PROPOSALS_COMMENT_EDIT_MINUTES = 60
    at = comment.created_at + timedelta(minutes=59)
    assert comment_edit(author=commenter, comment=comment, body="한 시간 안", now=at).edited_at == at


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("after_window", "A comment can be edited for 15 minutes after it is posted; that time has passed."),
        ("by_other", "Only the author may edit this comment."),
        ("hidden", "This comment is hidden or removed: it can no longer be edited."),
        ("removed", "This comment is hidden or removed: it can no longer be edited."),
        ("empty", "Write the comment."),
        ("html", "The comment is plain text"),
    ],
)
def test_refused_edits_change_nothing(case, message, comment, commenter, reader):
    author, body, at = commenter, "고친 의견", comment.created_at + timedelta(minutes=5)
    if case == "after_window":
        at = comment.created_at + timedelta(minutes=15)
    elif case == "by_other":
        author = reader
    elif case in {"hidden", "removed"}:
        set_state(comment, case)
    elif case == "empty":
        body = ""
    elif case == "html":
        body = '<a href="x">링크</a>'
    original = Comment.objects.get(pk=comment.pk).body

    with pytest.raises(ProposalError) as refused:
        comment_edit(author=author, comment=comment, body=body, now=at)

    assert str(refused.value).startswith(message)
    comment.refresh_from_db()
    assert comment.body == original and comment.edited_at is None
    assert events("proposal_comment.edit") == []


# --- Reporting ------------------------------------------------------------------------------------


def test_a_report_is_counted_and_audited_without_hiding(comment, reader):
    report = comment_report(reporter=reader, comment=comment, reason=Reason.SPAM)

    comment.refresh_from_db()
    assert (report.reason, comment.report_count, comment.status) == (Reason.SPAM, 1, Status.VISIBLE)
    [event] = events("proposal_comment.report")
    assert (event.actor_id, event.summary) == (reader.pk, {"reason": "spam", "open_reports": 1})
    assert events("proposal_comment.hide") == []


def test_the_third_report_hides_the_comment(comment, participant):
    report_by(comment, [participant() for _ in range(3)])

    comment.refresh_from_db()
    assert (comment.status, comment.report_count) == (Status.HIDDEN_PENDING, 3)
    [hidden] = events("proposal_comment.hide")
    assert hidden.actor_id is None and hidden.summary == {"open_reports": 3}


def test_the_hiding_threshold_is_a_setting(comment, participant, settings):
    settings.PROPOSALS_COMMENT_HIDE_REPORTS = 5
    report_by(comment, [participant() for _ in range(4)])
    comment.refresh_from_db()
    assert comment.status == Status.VISIBLE
    report_by(comment, [participant()])
    comment.refresh_from_db()
    assert (comment.status, comment.report_count) == (Status.HIDDEN_PENDING, 5)


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("own", "You cannot report your own comment."),
        ("twice", "You have already reported this comment."),
        ("hidden", "This comment is already hidden and being reviewed."),
        ("removed", "This comment has been removed by a moderator."),
        ("bad_reason", "Choose why you are reporting this comment."),
        ("unverified", "Verify your mobile phone before reporting a comment."),
    ],
)
def test_refused_reports_write_nothing(case, message, comment, commenter, reader, participant):
    reporter, reason = reader, Reason.ABUSE
    if case == "own":
        reporter = commenter
    elif case == "twice":
        comment_report(reporter=reader, comment=comment, reason=Reason.OFF_TOPIC)
    elif case in {"hidden", "removed"}:
        set_state(comment, case)
    elif case == "bad_reason":
        reason = "i-dont-like-it"
    elif case == "unverified":
        reporter = participant(verified=False)
    before = (
        CommentReport.objects.count(),
        Comment.objects.get(pk=comment.pk).report_count,
        AuditEvent.objects.filter(action="proposal_comment.report").count(),
    )

    with pytest.raises(ProposalError) as refused:
        comment_report(reporter=reporter, comment=comment, reason=reason)

    assert str(refused.value) == message
    after = (
        CommentReport.objects.count(),
        Comment.objects.get(pk=comment.pk).report_count,
        AuditEvent.objects.filter(action="proposal_comment.report").count(),
    )
    assert after == before


def test_a_second_report_that_slips_past_the_check_is_refused_by_the_constraint(comment, reader, monkeypatch):
    comment_report(reporter=reader, comment=comment, reason=Reason.ABUSE)
    monkeypatch.setattr(services, "_already_reported", lambda **kwargs: False)

    with pytest.raises(ProposalError, match="You have already reported this comment."):
        comment_report(reporter=reader, comment=comment, reason=Reason.SPAM)

    comment.refresh_from_db()
    assert comment.report_count == 1 and CommentReport.objects.filter(comment=comment).count() == 1


# --- Moderation -----------------------------------------------------------------------------------


@pytest.fixture
def hidden(comment, participant):
    reporters = [participant() for _ in range(3)]
    report_by(comment, reporters)
    comment.refresh_from_db()
    comment.reporters = reporters
    return comment


def test_restoring_shows_the_comment_again_and_closes_its_reports(hidden, moderator, participant):
    restored = comment_moderate(actor=moderator, comment=hidden, decision="restore")

    assert (restored.status, restored.report_count, restored.moderated_by) == (Status.VISIBLE, 0, moderator)
    assert restored.moderated_at is not None
    # The reports stay (the record of the decision); their authors cannot report it again...
    assert CommentReport.objects.filter(comment=hidden).count() == 3
    with pytest.raises(ProposalError, match="already reported"):
        comment_report(reporter=hidden.reporters[0], comment=hidden, reason=Reason.ABUSE)
    # ... and it takes three new reports to hide it again.
    report_by(hidden, [participant() for _ in range(2)])
    hidden.refresh_from_db()
    assert (hidden.status, hidden.report_count) == (Status.VISIBLE, 2)
    report_by(hidden, [participant()])
    hidden.refresh_from_db()
    assert (hidden.status, hidden.report_count) == (Status.HIDDEN_PENDING, 3)
    [event] = events("proposal_comment.restore")
    assert event.actor_id == moderator.pk
    assert event.summary == {
        "proposal": hidden.proposal_id,
        "from": "hidden_pending",
        "to": "visible",
        "open_reports": 3,
    }


def test_removing_replaces_the_comment_with_the_reason(hidden, moderator):
    removed = comment_moderate(
        actor=moderator, comment=hidden, decision="remove", reason="  다른 시민의 전화번호가 포함되어 삭제했습니다.  "
    )

    assert removed.status == Status.REMOVED
    assert removed.moderation_reason == "다른 시민의 전화번호가 포함되어 삭제했습니다."
    [event] = events("proposal_comment.remove")
    assert event.actor_id == moderator.pk and "reason" not in event.summary


def test_a_visible_comment_may_be_removed_or_its_reports_dismissed(comment, reader, moderator):
    comment_report(reporter=reader, comment=comment, reason=Reason.SPAM)
    dismissed = comment_moderate(actor=moderator, comment=comment, decision="restore")
    assert (dismissed.status, dismissed.report_count) == (Status.VISIBLE, 0)
    removed = comment_moderate(actor=moderator, comment=comment, decision="remove", reason="광고")
    assert removed.status == Status.REMOVED


def test_a_superuser_moderates(hidden, superuser):
    assert comment_moderate(actor=superuser, comment=hidden, decision="restore").status == Status.VISIBLE


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("citizen", "Only moderators may restore or remove comments."),
        ("staff_without_perm", "Only moderators may restore or remove comments."),
        ("remove_without_reason", "Write the reason."),
        ("remove_with_html", "The reason is plain text"),
        ("bad_decision", "Choose whether to restore or remove the comment."),
        ("restore_removed", "This comment has already been removed; removal is final."),
        ("remove_removed", "This comment has already been removed; removal is final."),
        ("restore_unreported", "This comment is visible and has no open reports"),
    ],
)
def test_refused_decisions_change_nothing(case, message, hidden, moderator, make_moderator, reader):
    actor, decision, reason = moderator, "remove", "욕설"
    if case == "citizen":
        actor = reader
    elif case == "staff_without_perm":
        actor = make_moderator(perm=False)
    elif case == "remove_without_reason":
        reason = "   "
    elif case == "remove_with_html":
        reason = "<i>삭제</i>"
    elif case == "bad_decision":
        decision = "delete"
    elif case in {"restore_removed", "remove_removed"}:
        comment_moderate(actor=moderator, comment=hidden, decision="remove", reason="욕설")
        decision = case.split("_")[0]
    elif case == "restore_unreported":
        comment_moderate(actor=moderator, comment=hidden, decision="restore")
        decision = "restore"
    before = Comment.objects.values().get(pk=hidden.pk)
    audited = AuditEvent.objects.count()

    with pytest.raises(ProposalError) as refused:
        comment_moderate(actor=actor, comment=hidden, decision=decision, reason=reason)

    assert str(refused.value).startswith(message)
    assert Comment.objects.values().get(pk=hidden.pk) == before and AuditEvent.objects.count() == audited
