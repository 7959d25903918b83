"""Reads of the proposals' own pages: the list, the detail page and the viewer's standing on it,
the open-data exports, the answers awaiting, and a citizen's own proposals, supports and stances.

Drafts are their author's alone: every public read starts from public_proposals().
"""

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Case, F, Prefetch, QuerySet, When
from django.db.models.functions import Substr
from django.http import Http404
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from seoul_portal.pagination import CappedCountPaginator

from ..models import Assignment, DebateStance, Follow, Proposal, StageChange, Support
from ..services.proposals import setting
from .search import proposal_search

Status = Proposal.Status

CITY_WIDE = "city"
SORTS = ("relevance", "newest", "supported", "closing")


def public_proposals() -> QuerySet:
    return Proposal.objects.exclude(status=Status.DRAFT)


EXCERPT_LENGTH = 140


def _for_cards(proposals: QuerySet) -> QuerySet:
    """What a proposal's card shows: the start of its body, not all of it."""
    return (
        proposals.select_related("category", "district").defer("district__boundary")
        .annotate(excerpt=Substr("body", 1, EXCERPT_LENGTH))
        .defer("body", "answer_reason", "implementation_plan", "mayor_answer", "promotion_reason")
    )


def proposal_list(*, text="", status=None, category_slug=None, district=None, sort=None, pair_index=True) -> QuerySet:
    """The public list: filtered, searched and sorted. `district` is a district code or CITY_WIDE.
    Without a sort, a search is ordered by relevance and the rest newest first. `pair_index`: see
    `proposal_search`."""
    proposals = public_proposals()
    if status:
        proposals = proposals.filter(status=status)
    if category_slug:
        proposals = proposals.filter(category__slug=category_slug)
    if district == CITY_WIDE:
        proposals = proposals.filter(district__isnull=True)
    elif district:
        proposals = proposals.filter(district_id=district)
    searched = proposal_search(proposals, text, pair_index=pair_index)
    ranked = searched is not proposals
    proposals = _for_cards(searched)
    if sort not in SORTS or (sort == "relevance" and not ranked):
        sort = "relevance" if ranked else "newest"
    if sort == "relevance":
        return proposals.order_by("-search_rank", "-published_at", "-pk")
    if sort == "supported":
        return proposals.order_by("-support_count", "-pk")
    if sort == "closing":
        # Open windows first, the one closing soonest on top; then the rest, newest first.
        closing = Case(When(status=Status.OPEN, then=F("window_closes_at")), default=None)
        return proposals.order_by(closing.asc(nulls_last=True), "-published_at", "-pk")
    return proposals.order_by("-published_at", "-pk")


@dataclass(frozen=True)
class ListPage:
    page: object  # django.core.paginator.Page
    newest_instead: bool  # a search past the cap, listed newest first rather than ranked


def proposal_list_page(*, text="", status=None, category_slug=None, district=None, sort=None, number=None,
                       per_page) -> ListPage:
    """A page of the public list (`proposal_list`), counted up to a cap: a full count of 100,000
    proposals (or of a search's matches) was most of the page's time, and pages past the cap's are
    not offered (no deep OFFSET either).

    Ranking by relevance reads every match, and a common word matches a share of all the proposals
    (7,745 of 100,000 hold "버스": 123 ms, against 37 ms at 1,000). So a search past the cap with no
    order chosen lists the newest matches, as an index gives them (without the pair index's test,
    which would read every walked proposal's pairs); another word, or sorting by best match, ranks
    them."""
    listed = {"text": text, "status": status, "category_slug": category_slug, "district": district}
    paginator = CappedCountPaginator(proposal_list(**listed, sort=sort), per_page)
    newest_instead = bool(text) and not sort and paginator.capped
    if newest_instead:
        paginator.object_list = proposal_list(**listed, sort="newest", pair_index=False)
    return ListPage(page=paginator.get_page(number), newest_instead=newest_instead)


# --- One proposal ---------------------------------------------------------------------------


def visible_proposal(viewer, pk, *, queryset=None) -> Proposal:
    """The proposal if `viewer` may see it (a draft only by its author); otherwise Http404, so that
    nobody learns that a draft exists."""
    queryset = Proposal.objects.all() if queryset is None else queryset
    proposal = queryset.filter(pk=pk).first()
    if proposal is None:
        raise Http404("no such proposal")
    if proposal.status == Status.DRAFT and not (viewer.is_authenticated and proposal.author_id == viewer.pk):
        raise Http404("no such proposal")
    return proposal


def proposal_detail(viewer, pk) -> Proposal:
    """The proposal with what its page shows: category, district, unit and the public timeline."""
    return visible_proposal(
        viewer,
        pk,
        queryset=Proposal.objects.select_related("category", "district", "assigned_unit").defer("district__boundary")
        .annotate(author_erased_at=F("author__erased_at"))
        .prefetch_related(
            Prefetch("stages", queryset=StageChange.objects.order_by("at", "pk")),
            Prefetch("assignments", queryset=Assignment.objects.select_related("unit").order_by("assigned_at", "pk")),
        ),
    )


def proposer_pseudonym(citizen_id) -> str:
    """How the pages name a proposer: a code derived from the account with a site key. It tells
    readers that two proposals come from the same person and nothing about who that person is
    (no name, no phone digits, no district)."""
    return salted_hmac("proposals.proposer-pseudonym", str(citizen_id)).hexdigest()[:6].upper()


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str  # "stage" or "assignment"
    status: str = ""
    status_label: str = ""
    unit: object = None
    reason: str = ""
    reassigned: bool = False


def proposal_timeline(proposal) -> list:
    """Every stage the proposal went through, every (re)assignment and, for an accepted proposal, the
    implementation: each milestone completed and the completion of the whole (ImplementationTimelineEntry,
    kinds "milestone" and "implemented"), oldest first. Stages and assignments come from the prefetched
    rows (no query); the implementation costs one query for an accepted proposal, none otherwise."""
    # Imported here: this function is the only part of this module that reads the implementation.
    from .implementation import implementation_timeline

    labels = dict(Status.choices)
    entries = [
        TimelineEntry(
            at=stage.at,
            kind="stage",
            status=stage.to_status,
            status_label=labels.get(stage.to_status, ""),
            reason=stage.reason,
        )
        for stage in proposal.stages.all()
    ]
    entries += [
        TimelineEntry(
            at=assignment.assigned_at,
            kind="assignment",
            unit=assignment.unit,
            reason=assignment.reason,
            reassigned=assignment.assigned_by_id is not None,
        )
        for assignment in proposal.assignments.all()
    ]
    entries += implementation_timeline(proposal)
    # A stage and the assignment made with it share a time: the stage comes first. The implementation's
    # entries keep their order (a milestone completed, then the completion on the same day).
    return sorted(entries, key=lambda entry: (entry.at, entry.kind != "stage"))


@dataclass(frozen=True)
class SupportProgress:
    count: int
    target: int | None  # the next threshold, None once the last one is passed
    stage: str  # "review" or "debate" ("" when no threshold is ahead)
    remaining: int
    percent: int


def support_progress(proposal) -> SupportProgress:
    """How far the supports are from the next threshold (50: the department answers, 100: a debate)."""
    count = proposal.support_count
    for stage, name in (("review", "REVIEW_THRESHOLD"), ("debate", "DEBATE_THRESHOLD")):
        target = setting(name)
        if count < target:
            return SupportProgress(count, target, stage, target - count, min(100, count * 100 // max(target, 1)))
    return SupportProgress(count, None, "", 0, 100)


def window_is_open(proposal, now=None) -> bool:
    now = now or timezone.now()
    return bool(
        proposal.status == Status.OPEN
        and proposal.window_opens_at
        and proposal.window_opens_at <= now < proposal.window_closes_at
    )


def days_left(proposal, now=None) -> int | None:
    """Whole days (rounded up) until the support window closes; None when it is not open."""
    now = now or timezone.now()
    if not window_is_open(proposal, now):
        return None
    return math.ceil((proposal.window_closes_at - now) / timedelta(days=1))


def days_overdue(proposal, today=None) -> int:
    """Days the department's answer is late, counted from the day proposals_advance flagged as the
    first overdue day (answer_overdue_since), that day being day 1; 0 when it is not late."""
    today = today or timezone.localdate()
    since = proposal.answer_overdue_since
    if since is None and proposal.status == Status.UNDER_REVIEW and proposal.answer_due_on:
        # Not flagged yet (the clock runs every 15 minutes): the same rule, from the due date.
        since = proposal.answer_due_on + timedelta(days=1) if proposal.answer_due_on < today else None
    if since is None or since > today:
        return 0
    return (today - since).days + 1


# --- The viewer's standing ------------------------------------------------------------------

REFUSALS = {
    "draft": _("A draft cannot be supported: publish it first."),
    "closed": _("The support window has closed: supports are no longer collected."),
    "anonymous": _("Sign in to support this proposal."),
    "own": _("This is your own proposal: you cannot support it."),
    "unverified": _("Verify your mobile phone to support proposals."),
}


@dataclass(frozen=True)
class ViewerStanding:
    """What the viewer may do with the support and follow buttons, and why not."""

    support: Support | None  # the viewer's active support (its receipt is shown)
    follows: bool
    refusal: str  # a key of REFUSALS, or "" when the viewer may support (or has supported)
    window_open: bool
    signed_in: bool

    @property
    def refusal_message(self):
        return REFUSALS.get(self.refusal, "")

    @property
    def may_support(self) -> bool:
        return not self.refusal and self.support is None

    @property
    def may_withdraw(self) -> bool:
        return self.support is not None and self.window_open


def viewer_standing(proposal, viewer, now=None) -> ViewerStanding:
    """At most two queries (the viewer's support and follow), none for an anonymous viewer."""
    now = now or timezone.now()
    window_open = window_is_open(proposal, now)
    signed_in = bool(viewer.is_authenticated)
    support, follows = None, False
    if signed_in:
        support = Support.objects.filter(proposal=proposal, citizen=viewer, withdrawn_at__isnull=True).first()
        follows = Follow.objects.filter(proposal=proposal, citizen=viewer).exists()
    if proposal.status == Status.DRAFT:
        refusal = "draft"
    elif not window_open:
        refusal = "closed"
    elif not signed_in:
        refusal = "anonymous"
    elif proposal.author_id == viewer.pk:
        refusal = "own"
    elif viewer.phone_verified_at is None:
        refusal = "unverified"
    else:
        refusal = ""
    return ViewerStanding(
        support=support, follows=follows, refusal=refusal, window_open=window_open, signed_in=signed_in
    )


# --- Open data ------------------------------------------------------------------------------

# Nothing about a person: no author, no official, no free text written by staff about someone.
OPEN_DATA_FIELDS = (
    ("id", "pk"),
    ("title", "title"),
    ("category", "category__slug"),
    ("category_name", "category__name_ko"),
    ("district_code", "district_id"),
    ("status", "status"),
    ("support_count", "support_count"),
    ("published_at", "published_at"),
    ("window_opens_at", "window_opens_at"),
    ("window_closes_at", "window_closes_at"),
    ("answer_due_on", "answer_due_on"),
    ("answered_at", "answered_at"),
    ("answer_type", "answer_type"),
)
OPEN_DATA_CHUNK = 2000


def open_data_rows():
    """Every published proposal as a tuple of OPEN_DATA_FIELDS, oldest first, read in chunks
    (one query, a server-side cursor on PostgreSQL), so 100,000 rows never sit in memory."""
    return (
        public_proposals()
        .order_by("pk")
        .values_list(*(column for _name, column in OPEN_DATA_FIELDS))
        .iterator(chunk_size=OPEN_DATA_CHUNK)
    )


# --- Answers awaited ------------------------------------------------------------------------


def proposals_awaiting_answer() -> QuerySet:
    """Proposals under department review, the longest overdue first, then by due date."""
    return (
        _for_cards(public_proposals().filter(status=Status.UNDER_REVIEW))
        .select_related("assigned_unit")
        .order_by(F("answer_overdue_since").asc(nulls_last=True), "answer_due_on", "pk")
    )


def with_days_overdue(proposals, today: date | None = None) -> list:
    today = today or timezone.localdate()
    rows = list(proposals)
    for proposal in rows:
        proposal.days_overdue = days_overdue(proposal, today)
    return rows


# --- A citizen's own ------------------------------------------------------------------------

MY_SEOUL_LIMIT = 20


def citizen_proposals(citizen, limit=MY_SEOUL_LIMIT) -> list:
    """The citizen's proposals, drafts included, latest first."""
    return list(
        Proposal.objects.filter(author=citizen)
        .only("pk", "title", "status", "created_at", "published_at", "support_count", "window_closes_at")
        .order_by("-created_at", "-pk")[:limit]
    )


def citizen_active_supports(citizen, limit=MY_SEOUL_LIMIT) -> list:
    """The citizen's supports not withdrawn, with their receipts, latest first."""
    return list(
        Support.objects.filter(citizen=citizen, withdrawn_at__isnull=True)
        .select_related("proposal")
        .only(
            "pk",
            "created_at",
            "receipt",
            "proposal__id",
            "proposal__title",
            "proposal__status",
            "proposal__support_count",
        )
        .order_by("-created_at", "-pk")[:limit]
    )


def citizen_debate_stances(citizen, limit=MY_SEOUL_LIMIT) -> list:
    return list(
        DebateStance.objects.filter(citizen=citizen)
        .select_related("proposal")
        .only(
            "pk",
            "stance",
            "argument",
            "updated_at",
            "helpful_count",
            "proposal__id",
            "proposal__title",
            "proposal__status",
        )
        .order_by("-updated_at", "-pk")[:limit]
    )
