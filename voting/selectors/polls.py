"""Reads of the citizens' poll pages: the lists, one poll with what its page shows, the viewer's
standing on it, and a citizen's own polls for "My Seoul".

Every read issues a fixed number of queries, whatever the number of polls, options or ballots:
the ballots so far come from the maintained counters (tallies), never from the ballots.
Nothing here reads a Ballot, and nothing joins a participation to a ballot.
"""

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet, Sum
from django.db.models.functions import Substr
from django.http import Http404
from django.utils import timezone

from citizens.models import District

from ..eligibility import Ineligible, why_cannot_vote
from ..models import Participation, PolicyReflection, Poll, PollOption, TallyCount
from ..rules import can_run_poll

Status = Poll.Status

# The list's tabs: the tab's key in ?status=, the poll status it shows, and its order.
TABS = {
    "open": (Status.OPEN, ("-opens_at", "-pk")),
    # Upcoming polls: the one opening soonest first.
    "upcoming": (Status.SCHEDULED, ("opens_at", "pk")),
    "closed": (Status.CLOSED, ("-opens_at", "-pk")),
}
DEFAULT_TAB = "open"
PUBLISHED = (Status.SCHEDULED, Status.OPEN, Status.CLOSED)
EXCERPT_LENGTH = 140


def public_polls() -> QuerySet:
    """Published public polls that are not hidden: what the lists show (index poll_public_listing)."""
    return Poll.objects.filter(access=Poll.Access.PUBLIC, hidden_at__isnull=True, status__in=PUBLISHED)


def poll_list(*, tab=DEFAULT_TAB, kind=None) -> QuerySet:
    """One tab of the public list, optionally of one kind, with what a card shows."""
    status, order = TABS.get(tab, TABS[DEFAULT_TAB])
    polls = public_polls().filter(status=status)
    if kind:
        polls = polls.filter(kind=kind)
    return (
        polls.annotate(excerpt=Substr("description", 1, EXCERPT_LENGTH))
        .only(
            "pk", "kind", "status", "title", "question_type", "opens_at", "closes_at", "opened_at", "closed_at",
            "results_visibility", "access",
        )
        .order_by(*order)
    )


def results_visible(poll, now=None) -> bool:
    """Whether the counts may be shown: live polls while open, every poll once voting has ended
    (at its closing time, even before voting_advance has marked it closed)."""
    if poll.status == Status.CLOSED:
        return True
    if poll.status != Status.OPEN:
        return False
    return poll.results_visibility == Poll.ResultsVisibility.LIVE or (now or timezone.now()) >= poll.closes_at


def ballot_counts(poll_ids) -> dict[int, int]:
    """{poll id: ballots cast so far} from the counters (one query for a page of polls)."""
    if not poll_ids:
        return {}
    rows = (
        TallyCount.objects.filter(poll_id__in=poll_ids, option_position=0, dimension="")
        .values_list("poll_id")
        .annotate(total=Sum("count"))
        .order_by()
    )
    return dict(rows)


def polls_voted_in(viewer, poll_ids) -> set[int]:
    """Which of these polls the viewer voted in (one query; none for a visitor)."""
    if not poll_ids or not viewer.is_authenticated:
        return set()
    return set(Participation.objects.filter(citizen=viewer, poll_id__in=poll_ids).values_list("poll_id", flat=True))


def with_card_facts(polls, viewer) -> list:
    """The polls of a page with `ballot_count` (None when the results are not shown yet) and `voted`
    (the viewer voted in it): two queries at most, whatever the page holds."""
    rows = list(polls)
    ids = [poll.pk for poll in rows]
    visible_ids = {poll.pk for poll in rows if results_visible(poll)}
    counts = ballot_counts(sorted(visible_ids))
    voted = polls_voted_in(viewer, ids)
    for poll in rows:
        poll.ballot_count = counts.get(poll.pk, 0) if poll.pk in visible_ids else None
        poll.voted = poll.pk in voted
    return rows


# --- One poll -------------------------------------------------------------------------------


def _poll_queryset() -> QuerySet:
    """A poll with everything its page shows: the options in order, the targeted districts, the
    responsible unit and the policy follow-up (three queries)."""
    return Poll.objects.select_related("org_unit", "reflection").prefetch_related(
        Prefetch("options", queryset=PollOption.objects.order_by("position")),
        Prefetch("audience_districts", queryset=District.objects.defer("boundary").order_by("name_ko")),
    )


def ballot_queryset() -> QuerySet:
    """What casting a ballot reads, and no more: the poll (without its long description), its options
    and its targeted districts (three queries; ballot_cast reads the prefetched rows). A refused
    ballot's page loads the rest it shows (description, unit, policy follow-up) when it shows them."""
    return Poll.objects.defer("description").prefetch_related(
        Prefetch("options", queryset=PollOption.objects.order_by("position")),
        Prefetch("audience_districts", queryset=District.objects.defer("boundary")),
    )


def is_organiser(viewer, poll) -> bool:
    """Who runs the poll: its proposer, the officials of a policy poll's unit, the screeners of
    citizen polls (and superusers). They see the poll in every state, its room code and its QR
    code; other staff see what every citizen sees."""
    if not viewer.is_authenticated:
        return False
    if poll.proposer_id and poll.proposer_id == viewer.pk:
        return True
    return bool(viewer.is_staff) and can_run_poll.test(viewer, poll)


def visible_poll(viewer, pk, *, queryset=None) -> Poll:
    """The poll if `viewer` may know it exists: published polls for everyone (a hidden one too:
    its page says it was hidden), drafts, polls awaiting screening and rejected ones only to
    their proposer and to staff. Otherwise Http404, so nobody learns that they exist.
    Private-room and on-site polls are checked by the views (voting.views.access)."""
    queryset = _poll_queryset() if queryset is None else queryset
    poll = queryset.filter(pk=pk).first()
    if poll is None:
        raise Http404("no such poll")
    if poll.status not in PUBLISHED and not is_organiser(viewer, poll):
        raise Http404("no such poll")
    return poll


@dataclass(frozen=True)
class ViewerStanding:
    """What the viewer may do on a poll's page: vote, or why not; whether they voted, and when."""

    reason: Ineligible | None
    voted_on: object  # the date of the viewer's vote, None when they have not voted

    @property
    def may_vote(self) -> bool:
        return self.reason is None

    @property
    def code(self) -> str:
        return self.reason.code if self.reason else ""


def viewer_standing(poll, viewer, *, access_granted=False, now=None) -> ViewerStanding:
    """One query for a signed-in viewer (their participation row), none for a visitor. `poll`
    comes with its targeted districts prefetched."""
    now = now or timezone.now()
    voted_on = None
    if viewer.is_authenticated:
        voted_on = (
            Participation.objects.filter(poll_id=poll.pk, citizen_id=viewer.pk)
            .values_list("voted_on", flat=True)
            .first()
        )
    reason = why_cannot_vote(
        poll,
        viewer,
        now=now,
        access_granted=access_granted,
        has_voted=voted_on is not None,
        district_codes={district.code for district in poll.audience_districts.all()},
    )
    return ViewerStanding(reason=reason, voted_on=voted_on)


def poll_ballot_count(poll) -> int | None:
    """Ballots so far when the results may be shown (one query), else None."""
    if not results_visible(poll):
        return None
    return ballot_counts([poll.pk]).get(poll.pk, 0)


def poll_reflection(poll) -> PolicyReflection | None:
    """The policy follow-up of a closed poll (select_related by the page's queryset)."""
    try:
        return poll.reflection
    except PolicyReflection.DoesNotExist:
        return None


def poll_by_room_code(code) -> Poll | None:
    """The published private-room poll with this code (codes are unique), or None."""
    if not code:
        return None
    return (
        Poll.objects.filter(room_code=code, access=Poll.Access.ROOM, status__in=PUBLISHED)
        .only("pk", "access", "status", "proposer_id", "hidden_at")
        .first()
    )


# --- A citizen's own --------------------------------------------------------------------------

MY_SEOUL_LIMIT = 20


def citizen_participations(citizen, limit=MY_SEOUL_LIMIT) -> list:
    """The polls the citizen voted in, with the date only (never a ballot), latest first."""
    return list(
        Participation.objects.filter(citizen=citizen)
        .select_related("poll")
        .only("pk", "voted_on", "poll__id", "poll__title", "poll__status", "poll__kind", "poll__closes_at")
        .order_by("-voted_on", "-poll_id")[:limit]
    )


def citizen_proposed_polls(citizen, limit=MY_SEOUL_LIMIT) -> list:
    """The citizen polls this citizen proposed, in every state, with the screening's answer."""
    return list(
        Poll.objects.filter(proposer=citizen, kind=Poll.Kind.CITIZEN)
        .only("pk", "kind", "title", "status", "access", "room_code", "rejection_reason", "hidden_at",
              "hidden_reason", "opens_at", "closes_at", "created_at")
        .order_by("-created_at", "-pk")[:limit]
    )
