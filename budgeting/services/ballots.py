"""Casting a participatory-budget ballot, online or on paper: exactly once, secret, verifiable.

As in M-Voting, who voted and what was voted are stored apart: a BudgetParticipation row (the
citizen, the cycle, the date; unique per cycle and per verified phone, so that nobody votes
twice, nor once online and once on paper) and an anonymous BudgetBallot (the projects, a
demographic snapshot, the salt and the receipt's digest). In one transaction:

1. the vote phase's row is read under a share lock: ballots do not wait for each other there,
   but an official who ends or moves the vote (an UPDATE of that row) waits for the ballots in
   flight, and a ballot that arrives after that change reads the new dates: no ballot lands
   after the vote's end;
2. the citizen's declaration is read under an update lock (a change of declaration waits for
   the ballot, then is refused because they voted), and the picks are checked against the pots
   it opens (picks.ballot_check) with the picked projects locked in id order;
3. the participation row (its unique constraints refuse a second vote, also at the same
   instant), the ballot, the projects' vote counters (F() increments) and the ledger entry,
   whose receipt the voter is shown once.

An online ballot writes no audit event: an event carries the citizen and the time, which next to
the ledger could tell how someone voted. A paper ballot's entry is an official's action and is
audited, without the picks.
"""

import hashlib
import uuid
from dataclasses import dataclass

import rules
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit import ledger
from audit.models import LedgerEntry
from audit.services import audit_record, ledger_append
from citizens.services import violated_constraint
from seoul_portal.statements import fetch_from, insert_row

from ..errors import BudgetingError
from ..models import BudgetBallot, BudgetParticipation, Cycle, EligibilityDeclaration, Phase, PhaseKind, Pot, Project
from ..notifications import notify_paper_ballot
from ..picks import PicksError, ballot_check, parse_project_ids
from .eligibility import (
    ALREADY_VOTED,
    already_voted_reason,
    citizen_reason,
    declaration_reason,
    declaration_record,
    window_reason,
)

# The ledger's kind for a budget ballot (audit.selectors.KIND_LABELS reads it to citizens).
LEDGER_KIND = "budget_ballot"
ALREADY_VOTED_CONSTRAINTS = {
    # PostgreSQL names the constraint; SQLite names the columns, which resolve to it too.
    "budget_participation_one_per_citizen",
    "budget_participation_one_per_phone",
}
# Without a scheduler (embedded mode) the ledger is sealed once this many budget ballots wait:
# a block holding one ballot would give away when it was cast.
DEFAULT_EMBEDDED_SEAL_BATCH = 5
SCOPE_PREFIX = "budgeting.cycle:"


@dataclass(frozen=True)
class CastBallot:
    cycle: Cycle
    receipt: str
    participation_id: uuid.UUID


def voter_key(cycle_id: int, citizen) -> str | None:
    """The participation's key for "one phone, one vote": the cycle and the phone's blind index
    (itself a keyed hash), hashed again so that the key differs from cycle to cycle."""
    if not citizen.phone_index:
        return None
    return hashlib.sha256(f"seoul-portal:budgeting:voter:{cycle_id}:{citizen.phone_index}".encode()).hexdigest()


def ballot_commitment(*, salt: str, cycle_id: int, projects: list[int]) -> str:
    return ledger.ledger_commitment(salt=salt, content={"cycle": cycle_id, "projects": list(projects)})


def ballot_cast(*, citizen, cycle: Cycle, project_ids, now=None) -> CastBallot:
    """Record `citizen`'s ballot in `cycle`; returns the receipt to show them once.

    project_ids: the picked projects' ids (ints or strings, as a form sends them). Raises
    BudgetingError, nothing written: code "already_voted" for a second ballot, an eligibility
    code (services.eligibility) when they may not vote, "invalid" for picks the ballot refuses
    (the message says which and why).
    """
    return _cast(citizen=citizen, cycle=cycle, project_ids=project_ids, now=now, entered_by=None)


def ballot_enter_paper(*, actor, cycle: Cycle, citizen, project_ids, declaration=None, now=None) -> CastBallot:
    """An official types in the paper or on-site ballot of `citizen` (whose identity they checked
    and whom they found by their verified phone). The same checks as online, and the same
    participation row, so that the citizen cannot also vote online (nor on paper twice).

    declaration: {"basis", "district", "place", "not_public_official"} as the citizen declared
    it on the paper form, recorded in the same transaction when they have no declaration yet.
    Audited as the official's action, without the picks. Returns the receipt for the citizen.
    """
    # The rule itself, not actor.has_perm: Django lets a superuser through any permission, and
    # this one depends on the phase, which binds superusers too.
    if not rules.has_perm("budgeting.enter_paper_ballot", actor, cycle):
        raise BudgetingError(
            _("Only the cycle's officials may enter paper ballots, while the vote runs."), code="forbidden"
        )
    if citizen is None:
        raise BudgetingError(_("Find the citizen by their mobile phone number."), field="phone")
    with transaction.atomic():
        if declaration and not EligibilityDeclaration.objects.filter(cycle=cycle, citizen=citizen).exists():
            declaration_record(actor=actor, citizen=citizen, cycle=cycle, now=now, **declaration)
        cast = _cast(citizen=citizen, cycle=cycle, project_ids=project_ids, now=now, entered_by=actor)
        audit_record(
            actor=actor,
            action="budgeting.ballot.enter_paper",
            target=("budgeting.budgetparticipation", cast.participation_id),
            summary={"cycle": cycle.pk, "channel": BudgetParticipation.Channel.PAPER},
        )
    return cast


# --- Inside the transaction ---------------------------------------------------------------------


def _vote_window_locked(cycle: Cycle):
    """(starts_at, ends_at) of the cycle's vote phase, read under a share lock until commit; or
    (None, None) when it has none. SQLite runs one writer at a time: no lock needed there."""
    quote = connection.ops.quote_name
    source = f"{quote(Phase._meta.db_table)} WHERE {quote('cycle_id')} = %s AND {quote('kind')} = %s"
    if connection.vendor == "postgresql":
        source += " FOR SHARE"
    rows = fetch_from(Phase, ("starts_at", "ends_at"), source, [cycle.pk, PhaseKind.VOTE])
    return rows[0] if rows else (None, None)


def _refuse(reason):
    raise BudgetingError(reason.message, code=reason.code)


def _allowed_pots(cycle: Cycle, declaration) -> list[Pot]:
    return list(
        Pot.objects.filter(
            Q(district__isnull=True) | Q(district_id=declaration.district_id), cycle_id=cycle.pk
        ).order_by("district_id")
    )


def _picked_projects_locked(cycle: Cycle, ids) -> dict[int, Project]:
    """The picked projects of the cycle, locked in id order (two ballots picking the same projects
    lock them in the same order: they wait for each other, never deadlock)."""
    if not ids:
        return {}
    rows = (
        Project.objects.select_for_update(no_key=True)
        .filter(cycle_id=cycle.pk, pk__in=sorted(set(ids)))
        .only("pk", "cycle_id", "pot_id", "status", "title", "estimated_cost", "adjusted_cost")
        .order_by("pk")
    )
    return {project.pk: project for project in rows}


def _cast(*, citizen, cycle: Cycle, project_ids, now, entered_by) -> CastBallot:
    try:
        ids = parse_project_ids(project_ids)
    except PicksError as error:
        raise BudgetingError(error.message, field="projects") from None
    receipt = ledger.new_receipt()
    salt = ledger.new_salt()
    try:
        with transaction.atomic():
            starts_at, ends_at = _vote_window_locked(cycle)
            # The clock is read once the lock is held: a ballot that waited behind the vote's end sees it.
            moment = now or timezone.now()
            reason = window_reason(cycle, starts_at, ends_at, moment) or citizen_reason(citizen)
            if reason:
                _refuse(reason)
            declaration = (
                EligibilityDeclaration.objects.select_for_update().filter(cycle=cycle, citizen=citizen).first()
            )
            reason = declaration_reason(cycle, citizen, declaration, moment)
            if reason:
                _refuse(reason)
            if BudgetParticipation.objects.filter(cycle=cycle, citizen=citizen).exists():
                _refuse(already_voted_reason())
            check = ballot_check(
                cycle=cycle, pots=_allowed_pots(cycle, declaration), projects=_picked_projects_locked(cycle, ids),
                picked_ids=ids,
            )  # fmt: skip
            if not check.ok:
                raise BudgetingError(check.problems[0], field="projects")
            participation = insert_row(
                BudgetParticipation(
                    id=uuid.uuid4(), cycle_id=cycle.pk, citizen_id=citizen.pk,
                    channel=BudgetParticipation.Channel.PAPER if entered_by else BudgetParticipation.Channel.ONLINE,
                    entered_by_id=entered_by.pk if entered_by else None, voted_on=timezone.localdate(moment),
                    voter_key=voter_key(cycle.pk, citizen),
                )
            )  # fmt: skip
            insert_row(
                BudgetBallot(
                    id=uuid.uuid4(), cycle_id=cycle.pk, projects=check.project_ids,
                    age=citizen.age_on(timezone.localdate(moment)), district_code=declaration.district_id,
                    gender=citizen.gender or "", salt=salt, receipt_digest=ledger.receipt_digest(receipt),
                )
            )  # fmt: skip
            Project.objects.filter(pk__in=check.project_ids).update(votes=F("votes") + 1)
            ledger_append(
                scope=cycle.ledger_scope,
                kind=LEDGER_KIND,
                commitment=ballot_commitment(salt=salt, cycle_id=cycle.pk, projects=check.project_ids),
                receipt=receipt,
                # Sealed with others (by the periodic task, or below in batches): never alone.
                seal_on_commit=False,
            )
            if entered_by is not None:
                # Someone who did not vote on paper learns at once that a ballot was entered in their name.
                notify_paper_ballot(citizen=citizen, cycle=cycle, voted_on=timezone.localdate(moment))
            if settings.LEDGER_SEAL_ON_COMMIT:
                transaction.on_commit(_seal_in_batches, robust=True)
    except IntegrityError as error:
        if violated_constraint(error) in ALREADY_VOTED_CONSTRAINTS:
            _refuse(already_voted_reason())
        raise
    return CastBallot(cycle=cycle, receipt=receipt, participation_id=participation.pk)


def _seal_in_batches():
    """Embedded mode has no scheduler: once enough budget ballots wait (to be mixed, or to be
    sealed), mix them and seal the ledger, so that neither the ballots nor the blocks follow the
    order of casting. Between them they rewrite every row the ballots' transactions wrote that
    says what was voted: ballots and counters (mixing), ledger entries (sealing); see
    services/mixing.py."""
    from audit.services import ledger_seal

    from .mixing import budget_ballots_mix

    batch = getattr(settings, "BUDGETING_EMBEDDED_SEAL_BATCH", DEFAULT_EMBEDDED_SEAL_BATCH)
    unmixed = BudgetBallot.objects.filter(mixed=False, cycle__is_simulation=False).count()
    if unmixed >= batch or LedgerEntry.objects.pending().filter(scope__startswith=SCOPE_PREFIX).count() >= batch:
        budget_ballots_mix()
        ledger_seal()


__all__ = [
    "ALREADY_VOTED",
    "LEDGER_KIND",
    "CastBallot",
    "ballot_cast",
    "ballot_commitment",
    "ballot_enter_paper",
    "voter_key",
]
