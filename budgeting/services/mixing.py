"""The mixer: rewrites freshly cast budget ballots and participations in random order, so that
not even the database's own bookkeeping links a ballot to its voter.

A ballot is inserted in the transaction that inserts its participation row and adds one to the
votes of each project it picks (services/ballots.py), so until it is rewritten the ballot, the
participation and those projects' rows all carry that transaction's id (PostgreSQL's xmin), and
the ballots and participations sit in the order they were cast (the heap's physical order,
SQLite's rowid): a direct SQL query or a backup could pair them. Every minute (Celery beat, or
`manage.py budgeting_advance`; in embedded mode right before the ledger is sealed) the mixer:

1. deletes the ballots cast since its last run and inserts them again, shuffled and marked
   `mixed`, in one transaction of its own;
2. then the participations, the same way, in other transactions (one transaction for both
   would pair them again);
3. then, in a third transaction, rewrites the vote counters of the projects those ballots picked
   (votes = votes, project by project in random order), whose last writer would otherwise be the
   last voter.

What the rows say does not change: ids, projects, demographic snapshot, salt and receipt digest
stay as they were, so results, ledger commitments, receipts and the audit log's references to a
paper ballot's participation are untouched. Old row versions go with vacuum.

The rows that name the voter keep the ballot's transaction id even so: the ballot locked their
declaration (and, by the participation's foreign key, their account), and a lock leaves its
transaction in the row's xmax. That is harmless once every row saying what was voted has been
rewritten: the ballot and the counters here, the ledger entry (which names the ballot's receipt
digest) by sealing (audit.services.ledger_seal) — which is why the embedded mode mixes, then
seals, in one go, and why the scheduler runs both every minute.

Safe to run twice (nothing left to mix) and concurrently: the rows are taken with SKIP LOCKED, so
a second mixer skips what the first holds, and a ballot still being cast is invisible until it
commits, then mixed by the next run. Projects are locked in id order, as a ballot locks them, so
the mixer and a ballot never wait on each other in a cycle.

What it cannot hide: a ballot is hidden only among those of its batch (the ledger's rows stay in
the order they were appended, each naming its ballot's receipt digest), so one cast alone in a
quiet minute is only as secret as that minute, and a paper ballot's entry is also dated by its
audit event; and until the mixer runs, someone reading the database itself can pair the newest
rows. Both are the limits of any store that writes a vote and its voter in one transaction, which
exactly-once voting requires. The counts themselves move with every ballot: whoever reads them
just before and just after one ballot sees its picks; no rewriting hides that, which is why the
project page shows them only once the vote has ended (selectors/projects.py). Should the third transaction fail (a lost connection), the
counters of that batch keep their last voter's transaction until a later ballot picks them again.

Ballots of an imported (simulation) cycle come from a pabulib file: no participation, no voter,
and the file's order is public. They are marked mixed where they lie, not rewritten.
"""

import logging
import secrets
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import F

from ..models import BudgetBallot, BudgetParticipation, Cycle, Project

logger = logging.getLogger(__name__)

DEFAULT_BATCH = 10_000
# SQLite limits the parameters of one statement.
_STATEMENT_BATCH = 500


@dataclass(frozen=True)
class MixReport:
    ballots: int = 0
    participations: int = 0
    projects: int = 0
    imported: int = 0


def budget_ballots_mix(*, batch_size=DEFAULT_BATCH) -> int:
    """Mix every budget ballot (and participation) cast since the last run; returns how many
    ballots. Safe to run concurrently and twice."""
    return budget_mix(batch_size=batch_size).ballots


def budget_mix(*, batch_size=DEFAULT_BATCH) -> MixReport:
    """budget_ballots_mix, telling what it did: ballots, participations and project counters
    rewritten, and imported ballots marked mixed as they are."""
    imported = _mark_imported_ballots()
    ballots = 0
    picked: set[int] = set()
    while True:
        with transaction.atomic():
            rows = _rewrite_fresh(BudgetBallot, batch_size, exclude_simulations=True)
        ballots += len(rows)
        picked.update(project_id for row in rows for project_id in row["projects"])
        if len(rows) < batch_size:
            break
    participations = 0
    # In transactions of their own: one transaction for both would pair them again.
    while True:
        with transaction.atomic():
            rows = _rewrite_fresh(BudgetParticipation, batch_size)
        participations += len(rows)
        if len(rows) < batch_size:
            break
    # And the counters in a third: their new versions belong to neither.
    with transaction.atomic():
        projects = _rewrite_counters(picked)
    if ballots or participations:
        logger.info(
            "budgeting: mixed %s ballots and %s participations, rewrote %s project counters",
            ballots, participations, projects,
        )  # fmt: skip
    return MixReport(ballots=ballots, participations=participations, projects=projects, imported=imported)


def _mark_imported_ballots() -> int:
    simulations = Cycle.objects.filter(is_simulation=True).values("pk")
    return BudgetBallot.objects.filter(mixed=False, cycle_id__in=simulations).update(mixed=True)


def _copied_fields(model) -> list[str]:
    """Every column but the flag: whatever the row holds is written back as it was."""
    return [field.attname for field in model._meta.concrete_fields if field.name != "mixed"]


def _delete_rows(model, pks):
    for start in range(0, len(pks), _STATEMENT_BATCH):
        model.objects.filter(pk__in=pks[start : start + _STATEMENT_BATCH])._raw_delete(model.objects.db)


def _rewrite_fresh(model, batch_size, *, exclude_simulations=False) -> list[dict]:
    """Delete up to batch_size unmixed rows of `model` and insert them again, shuffled and marked
    mixed, in the caller's transaction; returns the rows (field values by attname)."""
    fields = _copied_fields(model)
    fresh = model.objects.filter(mixed=False).order_by()
    if exclude_simulations:
        # A subquery, not a join: FOR UPDATE then locks the ballots only.
        fresh = fresh.exclude(cycle_id__in=Cycle.objects.filter(is_simulation=True).values("pk"))
    if connection.features.has_select_for_update_skip_locked:
        fresh = fresh.select_for_update(skip_locked=True)
    rows = list(fresh.values(*fields)[:batch_size])
    if not rows:
        return rows
    _delete_rows(model, [row["id"] for row in rows])
    secrets.SystemRandom().shuffle(rows)
    model.objects.bulk_create([model(**row, mixed=True) for row in rows], batch_size=_STATEMENT_BATCH)
    return rows


def _rewrite_counters(project_ids) -> int:
    """Same votes, new row versions: the counters no longer carry the last voter's transaction.
    Locked in id order first (as ballots lock them, so neither waits on the other in a cycle),
    then written one by one in random order."""
    ids = sorted(project_ids)
    locked = []
    for start in range(0, len(ids), _STATEMENT_BATCH):
        locked += (
            Project.objects.select_for_update(no_key=True)
            .filter(pk__in=ids[start : start + _STATEMENT_BATCH])
            .order_by("pk")
            .values_list("pk", flat=True)
        )
    secrets.SystemRandom().shuffle(locked)
    for pk in locked:
        # QuerySet.update() leaves updated_at (auto_now) as it was: the project itself did not change.
        Project.objects.filter(pk=pk).update(votes=F("votes"))
    return len(locked)


__all__ = ["DEFAULT_BATCH", "MixReport", "budget_ballots_mix", "budget_mix"]
