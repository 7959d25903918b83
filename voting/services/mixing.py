"""The mixer: rewrites freshly cast ballots and participations in random order, so that not even
the database's own bookkeeping links a ballot to its voter.

A ballot is inserted in the transaction that inserts its participation row, so until it is
rewritten both rows carry that transaction's id (PostgreSQL's xmin) and sit in the order they
were cast (the heap's physical order, SQLite's rowid): a direct SQL query or a backup could pair
them. Every minute (Celery beat, or `manage.py voting_advance`) the mixer deletes the ballots
cast since its last run and inserts them again, shuffled, in one transaction of its own; then,
in another transaction (one transaction for both would pair them again), the participations; it
also rewrites the polls' counters, whose last writer would otherwise be the last voter, and
re-inserts the ranking counts in random order (a ranking's row is created by the first ballot
that gives it). What the rows say does not change: choices, snapshot, salt and receipt digest
stay as they were, so results, ledger commitments and receipts are untouched. Old row versions
go with vacuum.

What it cannot hide: a ballot that was alone in its batch (a quiet poll, one vote in a minute)
is only as secret as the minute it was cast in; and until it runs, someone reading the database
itself can pair the newest rows. Both are the limits of any store that writes a vote and its
voter in one transaction, which exactly-once voting requires.
"""

import logging
import secrets

from django.db import connection, transaction
from django.db.models import F

from ..models import Ballot, Participation, RankingCount, TallyCount

logger = logging.getLogger(__name__)

DEFAULT_BATCH = 10_000
# SQLite limits the parameters of one statement.
_DELETE_BATCH = 500
_FIELDS = ("id", "poll_id", "choices", "age_band", "district_code", "gender", "salt", "receipt_digest")
_PARTICIPATION_FIELDS = ("id", "poll_id", "citizen_id", "voted_on", "voter_key")


def ballots_mix(*, batch_size=DEFAULT_BATCH) -> int:
    """Mix every ballot cast since the last run; returns how many. Safe to run concurrently
    (a second mixer skips the rows the first one holds) and twice (nothing left to mix)."""
    total = 0
    while True:
        with transaction.atomic():
            rows = _rewrite_fresh(Ballot, _FIELDS, batch_size)
            if rows:
                _rewrite_counters(sorted({row[1] for row in rows}))
        total += len(rows)
        if len(rows) < batch_size:
            break
    # Participations in transactions of their own: one transaction for both would pair them again.
    while True:
        with transaction.atomic():
            if len(_rewrite_fresh(Participation, _PARTICIPATION_FIELDS, batch_size)) < batch_size:
                break
    if total:
        logger.info("voting: mixed %s ballots", total)
    return total


def _delete_rows(model, pks):
    for start in range(0, len(pks), _DELETE_BATCH):
        model.objects.filter(pk__in=pks[start : start + _DELETE_BATCH])._raw_delete(model.objects.db)


def _rewrite_fresh(model, fields, batch_size) -> list[tuple]:
    """Delete up to batch_size unmixed rows of `model` and insert them again, shuffled and marked
    mixed, in the caller's transaction; returns the rows (`fields` values, id first)."""
    fresh = model.objects.filter(mixed=False).order_by()
    if connection.features.has_select_for_update_skip_locked:
        fresh = fresh.select_for_update(skip_locked=True)
    rows = list(fresh.values_list(*fields)[:batch_size])
    if not rows:
        return rows
    _delete_rows(model, [row[0] for row in rows])
    secrets.SystemRandom().shuffle(rows)
    model.objects.bulk_create(
        [model(**dict(zip(fields, row, strict=True)), mixed=True) for row in rows], batch_size=_DELETE_BATCH
    )
    return rows


def _rewrite_counters(poll_ids):
    """Same counts, new row versions: the counters no longer carry the last voter's transaction.
    Locked first in the order ballots lock them (tallies.tally_keys, shard by shard), so that the
    mixer and a ballot never wait on each other in a cycle."""
    counters = TallyCount.objects.filter(poll_id__in=poll_ids)
    list(
        counters.select_for_update()
        .order_by("poll_id", "option_position", "dimension", "value", "shard")
        .values_list("pk", flat=True)
    )
    counters.update(count=F("count"))
    _reinsert_ranking_counts(poll_ids)


def _reinsert_ranking_counts(poll_ids):
    rankings = list(
        RankingCount.objects.select_for_update()
        .filter(poll_id__in=poll_ids)
        .order_by("poll_id", "ranking", "shard")
        .values_list("pk", "poll_id", "ranking", "shard", "count")
    )
    if not rankings:
        return
    _delete_rows(RankingCount, [row[0] for row in rankings])
    secrets.SystemRandom().shuffle(rankings)
    RankingCount.objects.bulk_create(
        [
            RankingCount(poll_id=poll_id, ranking=ranking, shard=shard, count=count)
            for _pk, poll_id, ranking, shard, count in rankings
        ],
        batch_size=_DELETE_BATCH,
    )
