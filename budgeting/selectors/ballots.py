"""Reads of the ballot's pages: what a citizen sees of the vote (their standing, the pots they may
vote in and their feasible projects, the live meter), and the check of a receipt.

The cycle comes from cycle_for_page (phases, pots with districts and sectors prefetched); the
page then costs the same few queries whatever the number of projects: the declaration, the
participation and the projects (with their sectors).
"""

from dataclasses import dataclass, field
from datetime import date

from audit.selectors import ReceiptCheck, scoped_receipt_check

from ..models import BudgetBallot, BudgetParticipation, Cycle, EligibilityDeclaration, Pot, Project
from ..money import won
from ..picks import BallotCheck, PicksError, ballot_check, parse_project_ids
from ..services.eligibility import Ineligible, declaration_of, why_cannot_vote


@dataclass
class BallotPot:
    pot: Pot
    projects: list[Project] = field(default_factory=list)

    @property
    def total_display(self) -> str:
        return won(self.pot.total)


@dataclass
class BallotPage:
    cycle: Cycle
    declaration: EligibilityDeclaration | None
    voted_on: date | None
    reason: Ineligible | None
    pots: list[BallotPot]

    @property
    def may_vote(self) -> bool:
        return self.reason is None

    @property
    def projects(self) -> dict[int, Project]:
        return {project.pk: project for ballot_pot in self.pots for project in ballot_pot.projects}

    @property
    def is_knapsack(self) -> bool:
        return self.cycle.ballot_kind == Cycle.BallotKind.KNAPSACK


def _pots_for(cycle: Cycle, district_id) -> list[Pot]:
    """The city-wide pot and the pot of `district_id`, from the prefetched pots (city-wide first)."""
    pots = [pot for pot in cycle.pots.all() if pot.district_id is None or pot.district_id == district_id]
    return sorted(pots, key=lambda pot: (pot.district_id is not None, pot.district_id or ""))


def feasible_projects(pots) -> list[Project]:
    """The projects on the ballot of these pots, with their sectors (one query)."""
    if not pots:
        return []
    return list(
        Project.objects.filter(pot__in=[pot.pk for pot in pots], status=Project.Status.FEASIBLE)
        .select_related("sector")
        .only(
            "pk",
            "cycle",
            "pot",
            "status",
            "title",
            "summary",
            "location",
            "estimated_cost",
            "adjusted_cost",
            "sector__name_ko",
            "sector__name_en",
        )
        .order_by("pot_id", "title", "pk")
    )


def ballot_page(cycle: Cycle, citizen, now=None) -> BallotPage:
    """What `citizen` (possibly anonymous) sees of the cycle's ballot (3 queries when signed in).

    The pots: the city-wide one and that of the district the citizen declared, or, before they
    declare, of the district in their profile (what they will most likely vote in)."""
    signed_in = citizen is not None and citizen.is_authenticated
    declaration = declaration_of(cycle, citizen) if signed_in else None
    voted_on = None
    if signed_in:
        voted_on = (
            BudgetParticipation.objects.filter(cycle=cycle, citizen=citizen).values_list("voted_on", flat=True).first()
        )
    reason = why_cannot_vote(cycle, citizen, now, declaration=declaration, voted=voted_on is not None)
    district_id = declaration.district_id if declaration is not None else getattr(citizen, "district_id", None)
    pots = [BallotPot(pot=pot) for pot in _pots_for(cycle, district_id)]
    by_pot = {ballot_pot.pot.pk: ballot_pot for ballot_pot in pots}
    for project in feasible_projects([ballot_pot.pot for ballot_pot in pots]):
        project.cost_display = won(project.cost)
        by_pot[project.pot_id].projects.append(project)
    return BallotPage(cycle=cycle, declaration=declaration, voted_on=voted_on, reason=reason, pots=pots)


def ballot_meter(page: BallotPage, raw_ids, *, require_pick=False) -> BallotCheck:
    """The picks `raw_ids` (as the form sent them) measured against the page's pots: the meter."""
    try:
        ids = parse_project_ids(raw_ids)
    except PicksError as error:
        empty = ballot_check(
            cycle=page.cycle, pots=[p.pot for p in page.pots], projects={}, picked_ids=[], require_pick=False
        )
        return BallotCheck(project_ids=[], meters=empty.meters, pick_problems=[error.message])
    return ballot_check(
        cycle=page.cycle, pots=[p.pot for p in page.pots], projects=page.projects, picked_ids=ids,
        require_pick=require_pick,
    )  # fmt: skip


# --- A receipt ------------------------------------------------------------------------------


def cycle_receipt_check(cycle: Cycle, receipt: str) -> ReceiptCheck:
    """Where `receipt` (already normalised by the form) stands in the cycle's vote (2 queries at most)."""
    return scoped_receipt_check(
        cycle.ledger_scope, receipt,
        lambda digest: BudgetBallot.objects.filter(cycle_id=cycle.pk, receipt_digest=digest).exists(),
    )
