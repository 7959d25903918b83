"""Reads behind a poll's results page, its CSV export and the "results into policy" page.

Every number comes from the counters kept as ballots are cast (tallies.tally_sums and
ranking_sums), never from the ballots: the results cost the same few queries at 100 ballots and
at 1,000,000.

Breakdowns by age band, district and gender protect small groups: a group of fewer than
VOTING_BREAKDOWN_MIN_CELL ballots (default 5) is not shown on its own. It is combined with the
other small groups into one "other groups" row, and when that row would still hold fewer ballots
than the threshold, the smallest shown groups join it too, so that no small group can be worked
out by subtracting the shown rows from the total. Below the threshold overall, a breakdown is
not shown at all.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Count, Prefetch
from django.http import Http404
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from citizens.models import Citizen, District

from ..models import AgeBand, PolicyReflection, Poll, PollOption
from ..ranking import borda_scores, instant_runoff, parse_ranking
from ..tallies import ranking_sums, tally_sums

Status = Poll.Status
Outcome = PolicyReflection.Outcome

DEFAULT_MIN_CELL = 5
# The poll's states in which it has been published: its pages exist.
PUBLISHED = (Status.SCHEDULED, Status.OPEN, Status.CLOSED)
DIMENSIONS = (
    ("age", gettext_lazy("By age band")),
    ("district", gettext_lazy("By district")),
    ("gender", gettext_lazy("By gender")),
)
REFLECTIONS_PER_PAGE = 20
# The value of a breakdown's row of combined small groups (no age band, district or gender code).
COMBINED = "*"


def min_cell() -> int:
    """The fewest ballots a breakdown group needs to be shown on its own."""
    return max(1, int(getattr(settings, "VOTING_BREAKDOWN_MIN_CELL", DEFAULT_MIN_CELL)))


def percent(part: int, whole: int) -> str:
    """part / whole as a percentage with one decimal, rounded half up ("0.0" of nothing).

    Integer arithmetic, so that the page and the CSV always print the same figure."""
    if not whole:
        return "0.0"
    tenths = (part * 1000 * 2 + whole) // (whole * 2)
    return f"{tenths // 10}.{tenths % 10}"


# --- The poll -------------------------------------------------------------------------------


def poll_for_results(viewer, pk, *, with_options=True) -> Poll:
    """The published poll behind the results, ledger and receipt pages, or Http404.

    Drafts, polls awaiting screening and rejected polls have no such pages; a poll the city hid
    is gone for everyone but staff. The policy follow-up comes along (select_related). Whether
    the viewer may see a room or on-site poll is the view's question (views.access.has_poll_access
    needs the session).
    """
    polls = Poll.objects.filter(pk=pk, status__in=PUBLISHED).select_related("reflection")
    if with_options:
        options = PollOption.objects.only("poll_id", "position", "label").order_by("position")
        polls = polls.prefetch_related(Prefetch("options", queryset=options))
    poll = polls.first()
    if poll is None or (poll.hidden_at is not None and not (viewer.is_authenticated and viewer.is_staff)):
        raise Http404("No such poll.")
    return poll


def results_withheld(poll: Poll, now=None) -> str:
    """Why the results may not be shown now ("" when they may): before voting opens, and while a
    poll that hides interim results is still open."""
    now = now or timezone.now()
    if poll.status == Status.SCHEDULED:
        return _("The results appear here once voting opens.")
    if (
        poll.status == Status.OPEN
        and poll.results_visibility == Poll.ResultsVisibility.AFTER_CLOSE
        and now < poll.closes_at
    ):
        return _("This poll hides its results until voting closes, so that early results do not sway later voters.")
    return ""


# --- The results ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    """One number of a chart: `count` out of `base` (the bar's full length), with its percentage
    when it has one. `note` marks a winner or an elimination."""

    label: str
    count: int
    base: int
    percent: str = ""
    position: int | None = None
    note: str = ""

    @property
    def bar_max(self):
        # <progress max="0"> is invalid; an empty bar of an empty poll is still a bar.
        return self.base or 1


@dataclass(frozen=True)
class BreakdownGroup:
    value: str
    label: str
    ballots: int
    share: str
    options: list[Bar]
    # > 0: the row of the groups too small to show on their own, combining that many groups.
    combined: int = 0


@dataclass(frozen=True)
class Breakdown:
    dimension: str
    title: str
    groups: list[BreakdownGroup]
    # Fewer ballots in all than the threshold: nothing of this breakdown is shown.
    suppressed: bool = False


@dataclass(frozen=True)
class RunoffRoundView:
    number: int
    bars: list[Bar]
    continuing: int
    exhausted: int
    eliminated: str = ""
    winner: str = ""


@dataclass(frozen=True)
class RankedResults:
    borda: list[Bar]
    borda_leaders: list[str]
    points_for_first: int
    rounds: list[RunoffRoundView]
    runoff_winner: str = ""


@dataclass(frozen=True)
class Turnout:
    eligible: int
    percent: str


@dataclass(frozen=True)
class PollResults:
    ballots: int
    # Per option: picks (single and multiple choice) or first preferences (ranked choice).
    options: list[Bar]
    leaders: list[str]
    turnout: Turnout | None
    ranked: RankedResults | None
    breakdowns: list[Breakdown] = field(default_factory=list)
    min_cell: int = DEFAULT_MIN_CELL


def _leaders(bars) -> list[str]:
    return [bar.label for bar in bars if bar.note == "leader"]


def _ranked_results(poll, options) -> RankedResults:
    rankings = {parse_ranking(text): count for text, count in ranking_sums(poll.pk).items() if count}
    positions = [option.position for option in options]
    labels = {option.position: option.label for option in options}
    scores = borda_scores(rankings, positions)
    top_score = max(scores.values(), default=0)
    borda = [
        Bar(
            labels[position], scores[position], top_score, position=position,
            note="leader" if top_score and scores[position] == top_score else "",
        )
        for position in positions
    ]
    runoff = instant_runoff(rankings, positions)
    rounds = []
    for round_ in runoff.rounds:
        continuing = sum(round_.votes.values())
        bars = [
            Bar(
                labels[position],
                votes,
                continuing,
                percent(votes, continuing),
                position=position,
                note="winner" if position == round_.winner else "eliminated" if position == round_.eliminated else "",
            )
            for position, votes in sorted(round_.votes.items())
        ]
        rounds.append(
            RunoffRoundView(
                number=round_.number,
                bars=bars,
                continuing=continuing,
                exhausted=round_.exhausted,
                eliminated=labels[round_.eliminated] if round_.eliminated is not None else "",
                winner=labels[round_.winner] if round_.winner is not None else "",
            )
        )
    return RankedResults(
        borda=borda,
        borda_leaders=_leaders(borda),
        points_for_first=max(len(positions) - 1, 0),
        rounds=rounds,
        runoff_winner=labels[runoff.winner] if runoff.winner is not None else "",
    )


def _group_labels(dimension, values) -> dict[str, str]:
    if dimension == "age":
        names = dict(AgeBand.choices)
    elif dimension == "gender":
        names = dict(Citizen.Gender.choices)
    else:
        codes = [value for value in values if value]
        english = (get_language() or "ko").startswith("en")
        rows = District.objects.filter(code__in=codes).values_list("code", "name_ko", "name_en") if codes else []
        names = {code: (name_en if english else name_ko) for code, name_ko, name_en in rows}
    labels = {value: str(names.get(value, value)) for value in values if value}
    if "" in values:
        labels[""] = _("No district given") if dimension == "district" else _("Not given")
    return labels


def _group_order(dimension, labels):
    """Bands and genders in their natural order, districts by name; "not given" last."""
    if dimension == "age":
        order = {value: index for index, value in enumerate(AgeBand.values)}
    elif dimension == "gender":
        order = {value: index for index, value in enumerate(Citizen.Gender.values)}
    else:
        order = {}

    def key(value):
        return (value == "", order.get(value, len(order)), labels.get(value, value), value)

    return key


def _breakdown(dimension, title, sums, options, ballots, threshold) -> Breakdown:
    sizes = {
        value: count for (position, dim, value), count in sums.items() if position == 0 and dim == dimension and count
    }
    labels = _group_labels(dimension, list(sizes))
    order = _group_order(dimension, labels)
    small = [value for value in sizes if sizes[value] < threshold]
    shown = sorted((value for value in sizes if sizes[value] >= threshold), key=order)
    # A single small group could be worked out from the total minus the shown groups: the
    # smallest shown groups join the combined row until it reaches the threshold.
    while small and sum(sizes[value] for value in small) < threshold and shown:
        smallest = min(shown, key=lambda value: (sizes[value], order(value)))
        shown.remove(smallest)
        small.append(smallest)
    if small and sum(sizes[value] for value in small) < threshold:
        return Breakdown(dimension, str(title), [], suppressed=True)

    def option_bars(values, group_ballots):
        bars = []
        for option in options:
            count = sum(sums.get((option.position, dimension, value), 0) for value in values)
            bars.append(
                Bar(option.label, count, group_ballots, percent(count, group_ballots), position=option.position)
            )
        return bars

    groups = [
        BreakdownGroup(
            value, labels[value], sizes[value], percent(sizes[value], ballots), option_bars([value], sizes[value])
        )
        for value in shown
    ]
    if small:
        combined = sum(sizes[value] for value in small)
        groups.append(
            BreakdownGroup(
                COMBINED,
                _("Other groups (%(count)d combined)") % {"count": len(small)},
                combined,
                percent(combined, ballots),
                option_bars(small, combined),
                combined=len(small),
            )
        )
    return Breakdown(dimension, str(title), groups)


def poll_results(poll: Poll) -> PollResults:
    """The poll's results from its counters: 1 query, 2 for ranked choice, +1 for district names.

    `poll.options` should be prefetched (poll_for_results does it)."""
    options = list(poll.options.all())
    sums = tally_sums(poll.pk)
    ballots = sums.get((0, "", ""), 0)
    counts = {option.position: sums.get((option.position, "", ""), 0) for option in options}
    top = max(counts.values(), default=0)
    bars = [
        Bar(
            option.label, counts[option.position], ballots, percent(counts[option.position], ballots),
            position=option.position, note="leader" if top and counts[option.position] == top else "",
        )
        for option in options
    ]
    turnout = None
    if poll.eligible_population:
        turnout = Turnout(poll.eligible_population, percent(ballots, poll.eligible_population))
    threshold = min_cell()
    return PollResults(
        ballots=ballots,
        options=bars,
        leaders=_leaders(bars),
        turnout=turnout,
        ranked=_ranked_results(poll, options) if poll.is_ranked else None,
        breakdowns=[
            _breakdown(dimension, title, sums, options, ballots, threshold) for dimension, title in DIMENSIONS
        ],
        min_cell=threshold,
    )


# --- The CSV export -------------------------------------------------------------------------

CSV_HEADER = ("section", "group", "group_label", "round", "option_position", "option", "count", "percent", "note")


def results_rows(poll: Poll, results: PollResults):
    """The results as rows of CSV_HEADER: the same numbers as the page, one fact per row.

    section: ballots, eligible_population, turnout, option (picks; ranked choice: first
    preferences), borda, runoff, runoff_exhausted, or a breakdown (age, district, gender: one
    "ballots" row per group, then one row per option). note: winner, eliminated, leader,
    combined (the row of small groups), suppressed (too few ballots for the breakdown)."""
    yield ("ballots", "", "", "", "", "", results.ballots, "", "")
    if results.turnout:
        yield ("eligible_population", "", "", "", "", "", results.turnout.eligible, "", "")
        yield ("turnout", "", "", "", "", "", results.ballots, results.turnout.percent, "")
    for bar in results.options:
        yield ("option", "", "", "", bar.position, bar.label, bar.count, bar.percent, bar.note)
    if results.ranked:
        for bar in results.ranked.borda:
            yield ("borda", "", "", "", bar.position, bar.label, bar.count, "", bar.note)
        for round_ in results.ranked.rounds:
            for bar in round_.bars:
                yield ("runoff", "", "", round_.number, bar.position, bar.label, bar.count, bar.percent, bar.note)
            yield ("runoff_exhausted", "", "", round_.number, "", "", round_.exhausted, "", "")
    for breakdown in results.breakdowns:
        if breakdown.suppressed:
            yield (breakdown.dimension, "", "", "", "", "", "", "", "suppressed")
            continue
        for group in breakdown.groups:
            code = "combined" if group.combined else group.value or "not_given"
            note = "combined" if group.combined else ""
            yield (breakdown.dimension, code, group.label, "", "", "ballots", group.ballots, group.share, note)
            for bar in group.options:
                yield (
                    breakdown.dimension, code, group.label, "", bar.position, bar.label, bar.count, bar.percent, note
                )


# --- Results into policy --------------------------------------------------------------------


def policy_polls():
    """Closed polls that count on the "results into policy" page: the public ones, not hidden
    (a private room's or an on-site event's poll is its participants' business)."""
    return Poll.objects.filter(status=Status.CLOSED, hidden_at__isnull=True, access=Poll.Access.PUBLIC)


@dataclass(frozen=True)
class OutcomeCount:
    outcome: str
    label: str
    policy: int
    citizen: int

    @property
    def total(self):
        return self.policy + self.citizen


@dataclass(frozen=True)
class PolicyCounts:
    rows: list[OutcomeCount]
    closed: int
    reflected: int

    @property
    def reflected_percent(self):
        return percent(self.reflected, self.closed)

    @property
    def policy_total(self):
        return sum(row.policy for row in self.rows)

    @property
    def citizen_total(self):
        return sum(row.citizen for row in self.rows)


NOT_RECORDED = "not_recorded"


def policy_outcome_counts() -> PolicyCounts:
    """Closed polls by kind and by what became of their result (1 query)."""
    counts = {}
    rows = policy_polls().values_list("kind", "reflection__outcome").annotate(n=Count("pk")).order_by()
    for kind, outcome, number in rows:
        counts[(kind, outcome or NOT_RECORDED)] = number
    outcomes = [*Outcome.choices, (NOT_RECORDED, _("Not yet recorded"))]
    table = [
        OutcomeCount(
            outcome,
            str(label),
            counts.get((Poll.Kind.POLICY, outcome), 0),
            counts.get((Poll.Kind.CITIZEN, outcome), 0),
        )
        for outcome, label in outcomes
    ]
    reflected = sum(row.total for row in table if row.outcome in (Outcome.REFLECTED, Outcome.PARTLY))
    return PolicyCounts(rows=table, closed=sum(row.total for row in table), reflected=reflected)


def reflected_polls_page(page_number=1, per_page=None) -> Page:
    """Polls whose result was reflected in policy, fully or partly, latest follow-up first (2 queries)."""
    per_page = per_page or REFLECTIONS_PER_PAGE
    polls = (
        policy_polls()
        .filter(reflection__outcome__in=[Outcome.REFLECTED, Outcome.PARTLY])
        .select_related("reflection")
        .only(
            "pk", "kind", "title", "closed_at", "access", "reflection__outcome", "reflection__note",
            "reflection__link", "reflection__recorded_at", "reflection__poll_id",
        )
        .order_by("-reflection__recorded_at", "-pk")
    )
    return Paginator(polls, per_page).get_page(page_number)
