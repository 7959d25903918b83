"""The mixer: rewrites freshly cast ballots in random order, so that not even the database's own
bookkeeping links a ballot to its voter.

A ballot is inserted in the transaction that inserts its participation row, so until it is
rewritten both rows carry that transaction's id (PostgreSQL's xmin) and sit in the order they
were cast (the heap's physical order, SQLite's rowid): a direct SQL query or a backup could pair
them. Every minute (Celery beat, or `manage.py voting_advance`) the mixer deletes the ballots
cast since its last run and inserts them again, shuffled, in one transaction of its own; it also
rewrites the poll's counters, whose last writer would otherwise be the last voter. What the
ballots say does not change: choices, snapshot, salt and receipt digest stay as they were, so
results, ledger commitments and receipts are untouched. Old row versions go with vacuum.
"""

import logging
import secrets

from django.db import connection, transaction
from django.db.models import F

from ..models import Ballot, RankingCount, TallyCount

logger = logging.getLogger(__name__)

DEFAULT_BATCH = 10_000
# SQLite limits the parameters of one statement.
_DELETE_BATCH = 500
_FIELDS = ("id", "poll_id", "choices", "age_band", "district_code", "gender", "salt", "receipt_digest")


def ballots_mix(*, batch_size=DEFAULT_BATCH) -> int:
    """Mix every ballot cast since the last run; returns how many. Safe to run concurrently
    (a second mixer skips the rows the first one holds) and twice (nothing left to mix)."""
    total = 0
    while True:
        mixed = _mix_batch(batch_size)
        total += mixed
        if mixed < batch_size:
            if total:
                logger.info("voting: mixed %s ballots", total)
            return total


def _mix_batch(batch_size) -> int:
    with transaction.atomic():
        fresh = Ballot.objects.filter(mixed=False).order_by()
        if connection.features.has_select_for_update_skip_locked:
            fresh = fresh.select_for_update(skip_locked=True)
        rows = list(fresh.values_list(*_FIELDS)[:batch_size])
        if not rows:
            return 0
        ids = [row[0] for row in rows]
        for start in range(0, len(ids), _DELETE_BATCH):
            Ballot.objects.filter(pk__in=ids[start : start + _DELETE_BATCH])._raw_delete(Ballot.objects.db)
        secrets.SystemRandom().shuffle(rows)
        Ballot.objects.bulk_create(
            [Ballot(**dict(zip(_FIELDS, row, strict=True)), mixed=True) for row in rows], batch_size=_DELETE_BATCH
        )
        poll_ids = sorted({row[1] for row in rows})
        # Same counts, new row versions: the counters no longer carry the last voter's transaction.
        TallyCount.objects.filter(poll_id__in=poll_ids).update(count=F("count"))
        RankingCount.objects.filter(poll_id__in=poll_ids).update(count=F("count"))
        return len(rows)
