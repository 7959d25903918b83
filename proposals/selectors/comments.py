"""Reads for the comment section of a proposal's detail page and for the htmx answers about one comment.

The section lists top-level comments newest first, 20 a page, each with its replies oldest first
(a conversation reads down). Hidden and removed comments keep their place, and their replies, with
a notice instead of their text. What the viewer may do with each comment (edit, report, reply) is
worked out for the whole page from data already loaded: a page costs the same four queries (three
for a visitor) whatever the number of comments and replies. Report counts are not shown publicly.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.core.paginator import Page, Paginator
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import comment_rules
from ..forms.comments import CommentForm
from ..models import Comment, CommentReport, Proposal
from .proposals import proposer_pseudonym

PER_PAGE = 20

# Only what the page shows of a comment; of its author, whether the account was erased.
COMMENT_FIELDS = [
    "id",
    "proposal_id",
    "parent_id",
    "author_id",
    "body",
    "created_at",
    "edited_at",
    "status",
    "moderation_reason",
    "moderated_at",
]


def _comments():
    return Comment.objects.only(*COMMENT_FIELDS).annotate(author_erased_at=F("author__erased_at"))


@dataclass
class CommentEntry:
    """One comment as the viewer sees it. `text` is None when the comment is hidden or removed;
    `removal_reason` is the moderator's public reason of a removed comment."""

    comment: Comment
    # Authors are named as proposers are: a code derived from the account, the same on every page
    # (proposer_pseudonym), which tells readers who wrote what without naming anyone.
    author_code: str
    author_erased: bool
    by_proposer: bool
    text: str | None
    hidden: bool
    removal_reason: str
    can_edit: bool
    edit_until: datetime | None
    can_report: bool
    reported_by_viewer: bool
    can_reply: bool
    replies: list["CommentEntry"] = field(default_factory=list)
    reply_form: object = None  # a CommentForm answering this comment, when the viewer may reply
    reply_open: bool = False  # the reply form comes back with errors: shown open

    @property
    def pk(self):
        return self.comment.pk

    @property
    def is_reply(self):
        return self.comment.parent_id is not None


@dataclass
class CommentSection:
    """What templates/proposals/partials/comments.html shows as `comments`."""

    proposal: Proposal
    page: Page
    entries: list[CommentEntry]
    total: int  # every comment and reply, in any state
    can_post: bool
    # Why the viewer cannot write (None when they can, or when they are not signed in).
    post_refusal: str | None
    signed_in: bool
    form: object = None  # the comment form (a bound one, with its errors, after a refused post)
    error: str = ""  # a refusal that belongs to no form on this page (a reply to a comment no longer here)
    report_reasons: list = field(default_factory=lambda: CommentReport.Reason.choices)

    def show_refused(self, form, parent_id=None):
        """Put a refused (bound) form back where it was filled in: the top form, or the reply form
        of `parent_id` if the viewer may still answer it on this page; otherwise say why above."""
        if parent_id is None:
            self.form = form
            return
        for entry in self.entries:
            if entry.pk == parent_id and entry.reply_form is not None:
                entry.reply_form, entry.reply_open = form, True
                return
        self.error = " ".join(str(message) for messages in form.errors.values() for message in messages)


def _entry(comment, *, viewer, proposal, reported_ids, now) -> CommentEntry:
    status = comment.status
    can_edit = comment_rules.edit_allowed(viewer, comment, now)
    reported = comment.pk in reported_ids
    return CommentEntry(
        comment=comment,
        author_code=proposer_pseudonym(comment.author_id),
        author_erased=comment.author_erased_at is not None,
        by_proposer=comment.author_id == proposal.author_id,
        text=comment.body if status == Comment.Status.VISIBLE else None,
        hidden=status == Comment.Status.HIDDEN_PENDING,
        removal_reason=comment.moderation_reason if status == Comment.Status.REMOVED else "",
        can_edit=can_edit,
        edit_until=comment.created_at + comment_rules.edit_window() if can_edit else None,
        can_report=comment_rules.report_allowed(viewer, comment, already_reported=reported),
        reported_by_viewer=reported,
        can_reply=comment_rules.reply_allowed(viewer, comment, proposal.status),
    )


def _reported_ids(viewer, comment_ids) -> set[int]:
    if not viewer.is_authenticated or not comment_ids:
        return set()
    return set(
        CommentReport.objects.filter(reporter=viewer, comment_id__in=comment_ids).values_list("comment_id", flat=True)
    )


def comment_section(*, proposal, viewer, page_number=1) -> CommentSection:
    """The page `page_number` of a proposal's comments (a bad or out-of-range number gives the
    first or the last page), with what `viewer` (possibly AnonymousUser) may do."""
    counts = Comment.objects.filter(proposal_id=proposal.pk).aggregate(
        total=Count("pk"), top=Count("pk", filter=Q(parent__isnull=True))
    )
    top_level = _comments().filter(proposal_id=proposal.pk, parent__isnull=True).order_by("-created_at", "-pk")
    paginator = Paginator(top_level, PER_PAGE)
    paginator.count = counts["top"]  # already counted above: no second COUNT query
    page = paginator.get_page(page_number)
    comments = list(page.object_list)
    replies = []
    if comments:
        replies = list(
            _comments().filter(parent_id__in=[comment.pk for comment in comments]).order_by("created_at", "pk")
        )
    reported_ids = _reported_ids(viewer, [comment.pk for comment in comments + replies])
    now = timezone.now()
    entries = [
        _entry(comment, viewer=viewer, proposal=proposal, reported_ids=reported_ids, now=now) for comment in comments
    ]
    by_pk = {entry.pk: entry for entry in entries}
    for reply in replies:
        by_pk[reply.parent_id].replies.append(
            _entry(reply, viewer=viewer, proposal=proposal, reported_ids=reported_ids, now=now)
        )
    page.object_list = entries
    can_post = comment_rules.is_verified(viewer) and proposal.status != Proposal.Status.DRAFT
    if can_post:
        for entry in entries:
            if entry.can_reply:
                entry.reply_form = comment_form(parent_id=entry.pk)
    return CommentSection(
        proposal=proposal,
        page=page,
        entries=entries,
        total=counts["total"],
        can_post=can_post,
        post_refusal=None if can_post or not viewer.is_authenticated else post_refusal(viewer, proposal),
        signed_in=viewer.is_authenticated,
        form=comment_form() if can_post else None,
    )


def comment_form(data=None, *, parent_id=None):
    """The form writing a comment, or a reply to `parent_id`; each has its own ids on the page."""
    auto_id = f"id_reply{parent_id}_%s" if parent_id else "id_comment_%s"
    initial = {"parent": parent_id} if parent_id else None
    form = CommentForm(data, auto_id=auto_id, initial=initial)
    if parent_id:
        form.fields["body"].label = _("Your reply")
    return form


def post_refusal(viewer, proposal) -> str | None:
    if proposal.status == Proposal.Status.DRAFT:
        return str(_("Comments open once the proposal is published."))
    if not comment_rules.is_verified(viewer):
        return str(_("Verify your mobile phone to take part in the discussion."))
    return None


def comment_thread(*, comment, viewer) -> CommentEntry:
    """One comment as the section shows it (a top-level comment with its replies), for the htmx
    answers to an edit or a report, which swap just that comment."""
    comment = _comments().get(pk=comment.pk)
    proposal = Proposal.objects.only("status", "author_id").get(pk=comment.proposal_id)
    replies = []
    if comment.parent_id is None:
        replies = list(_comments().filter(parent_id=comment.pk).order_by("created_at", "pk"))
    reported_ids = _reported_ids(viewer, [comment.pk] + [reply.pk for reply in replies])
    now = timezone.now()
    entry = _entry(comment, viewer=viewer, proposal=proposal, reported_ids=reported_ids, now=now)
    entry.replies = [
        _entry(reply, viewer=viewer, proposal=proposal, reported_ids=reported_ids, now=now) for reply in replies
    ]
    if entry.can_reply:
        entry.reply_form = comment_form(parent_id=entry.pk)
    return entry


def comment_page_number(comment) -> int:
    """The page of the section that shows this comment (a reply: its parent's page)."""
    top_id = comment.parent_id or comment.pk
    top = Comment.objects.only("created_at", "proposal_id").get(pk=top_id)
    newer = (
        Comment.objects.filter(proposal_id=top.proposal_id, parent__isnull=True)
        .filter(Q(created_at__gt=top.created_at) | Q(created_at=top.created_at, pk__gt=top.pk))
        .count()
    )
    return newer // PER_PAGE + 1


def comment_for_viewer(pk) -> Comment:
    """A comment on a published proposal, with its proposal (Comment.DoesNotExist otherwise)."""
    return Comment.objects.select_related("proposal").exclude(proposal__status=Proposal.Status.DRAFT).get(pk=pk)
