"""Reads of the public debate: the section of a proposal's page and the page of all its arguments.

Each costs a constant number of queries whatever the number of stances: one aggregate for the
balance, one windowed query for the strongest arguments of each side, and for a signed-in
viewer their own stance and which of the shown arguments they rated.
"""

import math
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Count, F, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from ..forms.debate import DebateStanceForm
from ..models import ArgumentRating, DebateStance
from ..services import setting
from ..services.debate import debate_is_open, stance_refusal
from .proposals import proposer_pseudonym

Stance = DebateStance.Stance
STRONGEST_PER_SIDE = 3
ARGUMENTS_PER_PAGE = 20
# Only what an argument card shows (of its author: a pseudonym and whether the account was erased).
ARGUMENT_FIELDS = ("id", "proposal_id", "citizen_id", "stance", "argument", "created_at", "helpful_count")


@dataclass
class StanceShare:
    value: str
    label: str
    count: int
    percent: int


@dataclass
class DebateSection:
    proposal: object
    is_open: bool
    not_open_yet: bool
    opens_at: object
    closes_at: object
    days_left: int | None
    participants: int
    mayor_threshold: int
    shares: list[StanceShare]
    argument_count: int
    strongest_for: list[DebateStance]
    strongest_against: list[DebateStance]
    own_stance: DebateStance | None
    rated_ids: set[int] = field(default_factory=set)
    form: DebateStanceForm | None = None
    refusal: str | None = None
    viewer_may_rate: bool = False

    @property
    def threshold_reached(self) -> bool:
        return self.participants >= self.mayor_threshold

    @property
    def participants_needed(self) -> int:
        return max(0, self.mayor_threshold - self.participants)

    @property
    def threshold_progress(self) -> int:
        """For the progress bar: the participants, capped at the threshold."""
        return min(self.participants, self.mayor_threshold)

    @property
    def may_rate(self) -> bool:
        return self.is_open and self.viewer_may_rate


@dataclass
class ArgumentsPage:
    proposal: object
    page: Page
    is_open: bool
    shares: list[StanceShare]
    rated_ids: set[int]
    may_rate: bool


def _with_authors(stances, proposal):
    """Name each argument's author as the comments and the proposer are named: a code derived from
    the account (proposer_pseudonym), which tells readers who wrote what without naming anyone."""
    for stance in stances:
        stance.author_code = proposer_pseudonym(stance.citizen_id)
        stance.author_erased = stance.author_erased_at is not None
        stance.by_proposer = stance.citizen_id == proposal.author_id
    return stances


def _arguments(proposal) -> QuerySet:
    """The stances of a debate that have an argument, with only what an argument card shows."""
    return (
        DebateStance.objects.filter(proposal_id=proposal.pk)
        .exclude(argument="")
        .only(*ARGUMENT_FIELDS)
        .annotate(author_erased_at=F("citizen__erased_at"))
    )


def stance_shares(proposal) -> tuple[list[StanceShare], int]:
    """The balance of stances (one aggregate query) and the number of stances with an argument.

    Percentages are rounded by the largest remainder, so that they add up to 100.
    """
    stances = DebateStance.objects.filter(proposal_id=proposal.pk)
    counts = stances.aggregate(
        **{value: Count("pk", filter=Q(stance=value)) for value in Stance.values},
        with_argument=Count("pk", filter=~Q(argument="")),
    )
    total = sum(counts[value] for value in Stance.values)
    exact = {value: (100 * counts[value] / total if total else 0) for value in Stance.values}
    percents = {value: math.floor(share) for value, share in exact.items()}
    if total:
        missing = 100 - sum(percents.values())
        for value in sorted(Stance.values, key=lambda v: exact[v] - percents[v], reverse=True)[:missing]:
            percents[value] += 1
    shares = [StanceShare(value, label, counts[value], percents[value]) for value, label in Stance.choices]
    return shares, counts["with_argument"]


def strongest_arguments(proposal, per_side=STRONGEST_PER_SIDE) -> dict[str, list[DebateStance]]:
    """The most helpful arguments for and against (ties: the earlier first), in one query."""
    ranked = (
        _arguments(proposal)
        .filter(stance__in=[Stance.FOR, Stance.AGAINST])
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("stance")],
                order_by=[F("helpful_count").desc(), F("created_at").asc(), F("pk").asc()],
            )
        )
        .filter(rank__lte=per_side)
        .order_by("stance", "rank")
    )
    sides = {Stance.FOR: [], Stance.AGAINST: []}
    for stance in _with_authors(ranked, proposal):
        sides[stance.stance].append(stance)
    return sides


def rated_stance_ids(viewer, stance_ids) -> set[int]:
    if not getattr(viewer, "is_authenticated", False) or not stance_ids:
        return set()
    return set(
        ArgumentRating.objects.filter(citizen_id=viewer.pk, stance_id__in=list(stance_ids)).values_list(
            "stance_id", flat=True
        )
    )


def may_rate(viewer) -> bool:
    """Whether the page offers this viewer the helpful buttons (the service checks the rest)."""
    return bool(getattr(viewer, "is_authenticated", False) and viewer.phone_verified_at is not None)


def own_stance(viewer, proposal) -> DebateStance | None:
    if not getattr(viewer, "is_authenticated", False):
        return None
    return DebateStance.objects.filter(proposal_id=proposal.pk, citizen_id=viewer.pk).first()


def debate_section(*, proposal, viewer, now=None, form=None) -> DebateSection | None:
    """The debate section of a proposal's page, or None when the proposal never had a debate.

    `form`: a bound DebateStanceForm with errors, shown instead of the viewer's saved stance.
    """
    if proposal.debate_opens_at is None:
        return None
    now = now or timezone.now()
    is_open = debate_is_open(proposal, now)
    shares, argument_count = stance_shares(proposal)
    strongest = strongest_arguments(proposal)
    shown_ids = [stance.pk for side in strongest.values() for stance in side]
    own = own_stance(viewer, proposal)
    refusal = stance_refusal(viewer, proposal, now)
    if form is None and refusal is None:
        form = DebateStanceForm(instance=own)
    days_left = None
    if is_open:
        days_left = max(0, math.ceil((proposal.debate_closes_at - now).total_seconds() / 86400))
    return DebateSection(
        proposal=proposal,
        is_open=is_open,
        not_open_yet=not is_open and proposal.status == proposal.Status.IN_DEBATE and now < proposal.debate_opens_at,
        opens_at=proposal.debate_opens_at,
        closes_at=proposal.debate_closes_at,
        days_left=days_left,
        participants=proposal.debate_participant_count,
        mayor_threshold=setting("MAYOR_THRESHOLD"),
        shares=shares,
        argument_count=argument_count,
        strongest_for=strongest[Stance.FOR],
        strongest_against=strongest[Stance.AGAINST],
        own_stance=own,
        rated_ids=rated_stance_ids(viewer, shown_ids),
        form=form if refusal is None else None,
        refusal=refusal,
        viewer_may_rate=may_rate(viewer),
    )


def debate_arguments(*, proposal, side="", sort="helpful") -> QuerySet:
    """Every argument of a debate (stances with a text), of one side or all, most helpful or newest first."""
    stances = _arguments(proposal)
    if side:
        stances = stances.filter(stance=side)
    if sort == "newest":
        return stances.order_by("-created_at", "-pk")
    return stances.order_by("-helpful_count", "created_at", "pk")


def debate_arguments_page(*, proposal, viewer, side="", sort="helpful", page_number=1, now=None) -> ArgumentsPage:
    is_open = debate_is_open(proposal, now or timezone.now())
    page = Paginator(debate_arguments(proposal=proposal, side=side, sort=sort), ARGUMENTS_PER_PAGE).get_page(
        page_number
    )
    _with_authors(page.object_list, proposal)
    shares, _count = stance_shares(proposal)
    return ArgumentsPage(
        proposal=proposal,
        page=page,
        is_open=is_open,
        shares=shares,
        rated_ids=rated_stance_ids(viewer, [stance.pk for stance in page.object_list]),
        may_rate=is_open and may_rate(viewer),
    )
