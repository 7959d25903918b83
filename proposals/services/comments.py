"""Every write on comments: posting, replying, editing, reporting and moderating.

Each service is atomic, locks the comment it changes, refuses an illegal move with ProposalError and
writes an audit event in the same transaction.

- Comments are open on every published proposal (any status but a draft): a closed proposal stays
  readable, and so does its discussion.
- One level of threading: a reply answers a visible top-level comment of the same proposal.
- The author may edit a visible comment for PROPOSALS_COMMENT_EDIT_MINUTES (15) after posting.
- A verified citizen reports someone else's visible comment once (a unique constraint backs the
  check). The PROPOSALS_COMMENT_HIDE_REPORTS-th (3rd) open report hides the comment pending
  moderation; the count is an F() update made under the comment's row lock, so concurrent reports
  count exactly.
- A moderator restores a hidden comment (or dismisses the reports of a visible one), or removes a
  comment with a reason that the page shows in its place. Removal is final.

Reports are kept when a moderator restores a comment: they are the record of the decision, and a
citizen reports a comment once, ever, so the same reports cannot hide it again. The reports that
count ("open") are the ones made after the last moderation (`moderated_at`); `report_count` counts
exactly those and goes back to 0 on restore.
"""

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.services import audit_record
from citizens.services import violated_constraint

from .. import comment_rules
from ..errors import ProposalError
from ..models import COMMENT_MAX_LENGTH, Comment, CommentReport, Proposal
from ..text import clean_text

Status = Comment.Status

RESTORE, REMOVE = "restore", "remove"
DECISIONS = (RESTORE, REMOVE)
MODERATION_REASON_MAX_LENGTH = 500

CONSTRAINT_MESSAGES = {
    "comment_report_once_per_citizen": _("You have already reported this comment."),
}


def _lock(comment) -> Comment:
    return Comment.objects.select_for_update().get(pk=comment.pk)


def _clean_body(body) -> str:
    return clean_text(body, field_name="body", label=_("comment"), max_length=COMMENT_MAX_LENGTH)


def open_reports_of_comment() -> Q:
    """On Comment, over `reports`: the reports made since the comment was last moderated (all of
    them if it never was) — the ones `report_count` counts."""
    return Q(moderated_at__isnull=True) | Q(reports__created_at__gt=F("moderated_at"))


# --- Posting and editing ------------------------------------------------------------------------


def comment_post(*, author, proposal, body, parent=None, now=None) -> Comment:
    """Write a comment, or a reply to a top-level comment. `now` backdates it (demo data, tests)."""
    body = _clean_body(body)
    if not comment_rules.is_verified(author):
        raise ProposalError(_("Verify your mobile phone before writing a comment."))
    with transaction.atomic():
        status = Proposal.objects.filter(pk=proposal.pk).values_list("status", flat=True).first()
        if status is None or status == Proposal.Status.DRAFT:
            raise ProposalError(_("Comments open once the proposal is published."))
        if parent is not None:
            # Locked, so that a moderator hiding or removing it meanwhile is seen here.
            parent = _lock(parent)
            if parent.proposal_id != proposal.pk:
                raise ProposalError(_("The comment you are replying to belongs to another proposal."), field="parent")
            if parent.parent_id is not None:
                raise ProposalError(
                    _("Replies are one level deep: answer the original comment instead of the reply."),
                    field="parent",
                )
            if parent.status != Status.VISIBLE:
                raise ProposalError(
                    _("This comment is hidden or removed: it can no longer be answered."), field="parent"
                )
        comment = Comment.objects.create(proposal_id=proposal.pk, author=author, parent=parent, body=body)
        if now is not None:
            # created_at is auto_now_add: a given time is written afterwards.
            Comment.objects.filter(pk=comment.pk).update(created_at=now)
            comment.created_at = now
        audit_record(
            actor=author,
            action="proposal_comment.post",
            target=comment,
            summary={"proposal": proposal.pk, "parent": parent.pk if parent else None},
        )
    return comment


def comment_edit(*, author, comment, body, now=None) -> Comment:
    """Change the text of one's own visible comment within the edit window; marks it edited."""
    body = _clean_body(body)
    now = now or timezone.now()
    with transaction.atomic():
        comment = _lock(comment)
        if comment.author_id != author.pk:
            raise ProposalError(_("Only the author may edit this comment."))
        if comment.status != Status.VISIBLE:
            raise ProposalError(_("This comment is hidden or removed: it can no longer be edited."))
        if now >= comment.created_at + comment_rules.edit_window():
            minutes = int(comment_rules.edit_window().total_seconds() // 60)
            raise ProposalError(
                _("A comment can be edited for %(minutes)s minutes after it is posted; that time has passed.")
                % {"minutes": minutes}
            )
        if body == comment.body:
            return comment
        comment.body, comment.edited_at = body, now
        comment.save(update_fields=["body", "edited_at"])
        audit_record(
            actor=author, action="proposal_comment.edit", target=comment, summary={"proposal": comment.proposal_id}
        )
    return comment


# --- Reports ------------------------------------------------------------------------------------


def _already_reported(*, comment, reporter) -> bool:
    return CommentReport.objects.filter(comment=comment, reporter=reporter).exists()


def comment_report(*, reporter, comment, reason) -> CommentReport:
    """Report someone else's visible comment, once; the threshold-th open report hides it."""
    if reason not in CommentReport.Reason.values:
        raise ProposalError(_("Choose why you are reporting this comment."), field="reason")
    if not comment_rules.is_verified(reporter):
        raise ProposalError(_("Verify your mobile phone before reporting a comment."))
    try:
        with transaction.atomic():
            comment = _lock(comment)
            if comment.author_id == reporter.pk:
                raise ProposalError(_("You cannot report your own comment."))
            if _already_reported(comment=comment, reporter=reporter):
                raise ProposalError(_("You have already reported this comment."))
            if comment.status == Status.HIDDEN_PENDING:
                raise ProposalError(_("This comment is already hidden and being reviewed."))
            if comment.status == Status.REMOVED:
                raise ProposalError(_("This comment has been removed by a moderator."))
            report = CommentReport.objects.create(comment=comment, reporter=reporter, reason=reason)
            # Counted by the database (report_count + 1), as its other writer does (personal_data.py
            # takes one off): the count never comes from the copy read above; the threshold reads it back.
            Comment.objects.filter(pk=comment.pk).update(report_count=F("report_count") + 1)
            comment.refresh_from_db(fields=["report_count"])
            hidden = comment.report_count >= comment_rules.hide_threshold()
            if hidden:
                comment.status = Status.HIDDEN_PENDING
                comment.save(update_fields=["status"])
            audit_record(
                actor=reporter,
                action="proposal_comment.report",
                target=comment,
                summary={"reason": reason, "open_reports": comment.report_count},
            )
            if hidden:
                # The system hides it; nobody is notified publicly, the moderators' queue shows it.
                audit_record(
                    actor=None,
                    action="proposal_comment.hide",
                    target=comment,
                    summary={"open_reports": comment.report_count},
                )
    except IntegrityError as error:
        message = CONSTRAINT_MESSAGES.get(violated_constraint(error))
        if message is None:
            raise
        raise ProposalError(message) from error
    return report


# --- Moderation ---------------------------------------------------------------------------------


def comment_moderation_check(*, comment, decision, reason="") -> str:
    """The cleaned reason, or ProposalError: whether `decision` may be applied to the comment as it
    is now. The admin form runs it to show a refusal as a form error; the service runs it again
    under the lock."""
    if decision not in DECISIONS:
        raise ProposalError(_("Choose whether to restore or remove the comment."), field="decision")
    reason = clean_text(
        reason,
        field_name="reason",
        label=_("reason"),
        max_length=MODERATION_REASON_MAX_LENGTH,
        required=decision == REMOVE,
    )
    if comment.status == Status.REMOVED:
        raise ProposalError(_("This comment has already been removed; removal is final."), field="decision")
    if decision == RESTORE and comment.status == Status.VISIBLE and comment.report_count == 0:
        raise ProposalError(
            _("This comment is visible and has no open reports: there is nothing to restore."), field="decision"
        )
    return reason


def comment_moderate(*, actor, comment, decision, reason="", now=None) -> Comment:
    """A moderator's decision. Restore: the comment is shown again and its open reports are closed
    (report_count 0). Remove: the comment is replaced by the reason, shown publicly. Both audited."""
    if not comment_rules.can_moderate_comment.test(actor, comment):
        raise ProposalError(_("Only moderators may restore or remove comments."))
    with transaction.atomic():
        comment = _lock(comment)
        # Taken under the lock: every report made before this moment is closed by the decision.
        now = now or timezone.now()
        reason = comment_moderation_check(comment=comment, decision=decision, reason=reason)
        previous, reports_open = comment.status, comment.report_count
        comment.status = Status.VISIBLE if decision == RESTORE else Status.REMOVED
        comment.moderation_reason, comment.moderated_at, comment.moderated_by = reason, now, actor
        fields = ["status", "moderation_reason", "moderated_at", "moderated_by"]
        if decision == RESTORE:
            # Restoring closes the open reports (a reset to 0); a removal leaves the count alone
            # rather than write back the value read above.
            comment.report_count = 0
            fields.append("report_count")
        comment.save(update_fields=fields)
        # The reason is free text (it may quote the comment): it stays on the comment, not in the audit summary.
        audit_record(
            actor=actor,
            action=f"proposal_comment.{decision}",
            target=comment,
            summary={
                "proposal": comment.proposal_id,
                "from": previous,
                "to": comment.status,
                "open_reports": reports_open,
            },
        )
    return comment
