"""Who may do what with comments: predicates of the `rules` package, and the two settings they read.

- Writing a comment or a reply takes a verified phone and a published proposal (any status but a
  draft: a closed proposal stays readable, and so does its discussion). A reply answers a visible
  top-level comment; replies are not answered (one level of threading).
- The author edits a visible comment for PROPOSALS_COMMENT_EDIT_MINUTES (15) after posting it.
- A verified citizen reports a visible comment of someone else, once.
- Moderators: superusers, and staff with the back-office permission to change comments.

The comment section computes the same answers for a whole page at once (`edit_allowed`,
`report_allowed`), so that it costs no query per comment; the predicates below use them too.
"""

from datetime import timedelta

import rules
from django.conf import settings
from django.utils import timezone

from .models import Comment, CommentReport, Proposal

DEFAULT_EDIT_MINUTES = 15
DEFAULT_HIDE_REPORTS = 3


def edit_window() -> timedelta:
    return timedelta(minutes=getattr(settings, "PROPOSALS_COMMENT_EDIT_MINUTES", DEFAULT_EDIT_MINUTES))


def hide_threshold() -> int:
    """The number of open reports that hides a comment pending moderation."""
    return getattr(settings, "PROPOSALS_COMMENT_HIDE_REPORTS", DEFAULT_HIDE_REPORTS)


# --- Plain checks, shared by the predicates and the comment section -----------------------------


def is_verified(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.phone_verified_at is not None)


def edit_allowed(user, comment, now=None) -> bool:
    return (
        user.is_authenticated
        and comment.author_id == user.pk
        and comment.status == Comment.Status.VISIBLE
        and (now or timezone.now()) < comment.created_at + edit_window()
    )


def report_allowed(user, comment, *, already_reported: bool) -> bool:
    return (
        is_verified(user)
        and comment.author_id != user.pk
        and comment.status == Comment.Status.VISIBLE
        and not already_reported
    )


def reply_allowed(user, comment, proposal_status) -> bool:
    return (
        is_verified(user)
        and proposal_status != Proposal.Status.DRAFT
        and comment.parent_id is None
        and comment.status == Comment.Status.VISIBLE
    )


# --- Predicates ---------------------------------------------------------------------------------


@rules.predicate
def is_verified_citizen(user):
    return is_verified(user)


@rules.predicate
def proposal_is_published(user, proposal):
    return proposal is not None and proposal.status != Proposal.Status.DRAFT


@rules.predicate
def may_reply(user, comment):
    return comment is not None and reply_allowed(user, comment, comment.proposal.status)


@rules.predicate
def may_edit(user, comment):
    return comment is not None and edit_allowed(user, comment)


@rules.predicate
def may_report(user, comment):
    if comment is None or not report_allowed(user, comment, already_reported=False):
        return False
    return not CommentReport.objects.filter(comment=comment, reporter=user).exists()


@rules.predicate
def is_comment_moderator(user):
    if not (user.is_authenticated and user.is_active):
        return False
    return bool(user.is_superuser or (user.is_staff and user.has_perm("proposals.change_comment")))


can_post_comment = is_verified_citizen & proposal_is_published
can_reply_to_comment = may_reply
can_edit_comment = may_edit
can_report_comment = may_report
can_moderate_comment = is_comment_moderator

rules.add_perm("proposals.post_comment", can_post_comment)
rules.add_perm("proposals.reply_to_comment", can_reply_to_comment)
rules.add_perm("proposals.edit_comment", can_edit_comment)
rules.add_perm("proposals.report_comment", can_report_comment)
rules.add_perm("proposals.moderate_comment", can_moderate_comment)
