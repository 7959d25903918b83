"""A ballot's picks checked against the pots a voter may vote in: the rules of the cycle's ballot,
as one pure function that the ballot service enforces and the ballot page's live meter shows.

Approval ballots allow at most `cycle.max_picks` projects per pot; knapsack ballots allow any
projects whose costs add up to no more than the pot's total. Either way a ballot picks at least
one project, each once, among the feasible projects of the city-wide pot and of the pot of the
district the voter declared. Every refusal is a sentence that says what to change.

No database here: the callers load the pots and the projects (the service in its transaction,
the page with its selector) and pass them in.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .models import Cycle, Pot, Project
from .money import won

# Ids beyond a database integer are not projects: refused as such, never sent to a query.
MAX_ID = 2**63 - 1
# How much of a value that is not an id the message quotes back.
QUOTE_LENGTH = 20


class PicksError(ValueError):
    """The picks as sent are not a list of project ids (a changed form): `message` says why."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def parse_project_ids(raw) -> list[int]:
    """The ids a form or a caller sent, in their order, duplicates kept (ballot_check names them).

    Empty values are no pick; anything else that is not a positive integer in the database's
    range raises PicksError."""
    if raw is None:
        return []
    if isinstance(raw, (str, bytes, int)):
        raw = [raw]
    ids = []
    for value in raw:
        text = value.decode(errors="replace") if isinstance(value, bytes) else str(value)
        text = text.strip()
        if not text:
            continue
        if not text.isascii() or not text.isdigit() or not 0 < int(text) <= MAX_ID:
            quoted = text[:QUOTE_LENGTH] + ("…" if len(text) > QUOTE_LENGTH else "")
            raise PicksError(
                _("The form was changed: “%(value)s” is not a project on this ballot.") % {"value": quoted}
            )
        ids.append(int(text))
    return ids


@dataclass
class PotMeter:
    """How much of one pot a ballot uses: picks of k (approval) or won of the total (knapsack)."""

    pot: Pot
    ballot_kind: str
    limit: int
    picks: list[Project] = field(default_factory=list)
    problem: str = ""

    @property
    def is_knapsack(self) -> bool:
        return self.ballot_kind == Cycle.BallotKind.KNAPSACK

    @property
    def used(self) -> int:
        return sum(project.cost for project in self.picks) if self.is_knapsack else len(self.picks)

    @property
    def left(self) -> int:
        return max(self.limit - self.used, 0)

    @property
    def over(self) -> bool:
        return self.used > self.limit

    @property
    def used_display(self) -> str:
        return won(self.used) if self.is_knapsack else str(self.used)

    @property
    def limit_display(self) -> str:
        return won(self.limit) if self.is_knapsack else str(self.limit)

    @property
    def left_display(self) -> str:
        return won(self.left) if self.is_knapsack else str(self.left)


@dataclass
class BallotCheck:
    """The picks, per pot, and what is wrong with them (nothing when `ok`): `pick_problems` about
    single picks or the ballot as a whole, each meter's `problem` about its pot."""

    project_ids: list[int]
    meters: list[PotMeter]
    pick_problems: list[str]

    @property
    def problems(self) -> list[str]:
        return self.pick_problems + [meter.problem for meter in self.meters if meter.problem]

    @property
    def ok(self) -> bool:
        return not self.problems


def ballot_check(*, cycle: Cycle, pots, projects, picked_ids, require_pick=True) -> BallotCheck:
    """Check `picked_ids` (from parse_project_ids) against the ballot.

    pots: the pots the voter may vote in (the city-wide one, their district's); projects: a
    mapping id → Project with at least every feasible project of those pots, and ideally the
    other picked projects of the cycle too (their rows let the message say why they are refused:
    another district's pot, not feasible); require_pick: an empty ballot is a problem (the meter
    of an untouched page says nothing).
    """
    allowed = {pot.pk: pot for pot in pots}
    limit_of = (
        (lambda pot: pot.total) if cycle.ballot_kind == Cycle.BallotKind.KNAPSACK else (lambda pot: cycle.max_picks)
    )
    meters = {pot.pk: PotMeter(pot=pot, ballot_kind=cycle.ballot_kind, limit=limit_of(pot)) for pot in pots}
    problems, seen = [], set()
    for project_id in picked_ids:
        project = projects.get(project_id)
        if project is None or project.cycle_id != cycle.pk:
            problems.append(_("Project no. %(id)d is not on this cycle's ballot.") % {"id": project_id})
            continue
        if project_id in seen:
            problems.append(
                _("You picked “%(title)s” twice: each project can be picked once.") % {"title": project.title}
            )
            continue
        seen.add(project_id)
        if project.status != Project.Status.FEASIBLE:
            problems.append(
                _("“%(title)s” is not on the ballot: only projects found feasible are.") % {"title": project.title}
            )
            continue
        if project.pot_id not in allowed:
            problems.append(
                _("“%(title)s” is in another district's pot: you may vote in the city-wide pot and in the pot of "
                  "the district you declared.") % {"title": project.title}
            )  # fmt: skip
            continue
        meters[project.pot_id].picks.append(project)
    for meter in meters.values():
        if not meter.over:
            continue
        if meter.is_knapsack:
            meter.problem = _("The projects you picked in %(pot)s cost %(cost)s; the pot holds %(total)s.") % {
                "pot": meter.pot.name, "cost": won(meter.used), "total": won(meter.limit),
            }  # fmt: skip
        else:
            meter.problem = _("You picked %(count)d projects in %(pot)s; you may pick at most %(max)d.") % {
                "count": meter.used, "pot": meter.pot.name, "max": meter.limit,
            }  # fmt: skip
    if require_pick and not picked_ids:
        problems.append(_("Pick at least one project."))
    return BallotCheck(project_ids=sorted(seen), meters=list(meters.values()), pick_problems=problems)
