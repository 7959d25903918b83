"""The trending issues: each complaint's terms counted once per Seoul day and category
(TermCount), and the terms rising most this week against the four before (Trend).

Counting runs on the `text` queue's worker (it holds the Korean analyser): `count_terms` is
enqueued when the filing commits. A complaint counts once: its row is locked and
`terms_counted_at` set in the transaction that adds its counts, so a repeated or concurrent task
adds nothing twice. A task lost on the way (broker down, worker killed) is caught up by the next
`trends_compute`, which first counts the last 35 days' complaints not counted yet.

A recount (`terms_recount`) and the counting tasks exclude each other on PostgreSQL with one
advisory lock: every counting transaction holds it shared, the recount's reset (delete the
counts, mark the complaints not counted) holds it exclusively. So the reset never runs while a
task's counts are uncommitted: a task that committed before it has its counts deleted and its
complaint marked to count again; a task after it finds the complaint not counted and races only
with the recount's own batches, which lock the same row and check the same marker. Without the
lock, a task committing between the reset's DELETE and its UPDATE kept its counts and had its
complaint counted a second time.

Who may read a trending term: each computation writes two rankings (Trend.audience). The
public one (the public page and its CSV) lists a term only when, this week, at least
MIN_PUBLIC_FILERS different filers (accounts, or a guest's verified phone or email) used it in
complaints they made public (and categorised: those the public list shows; in the list's
category for a category's list). So the words of private complaints never reach the public, nor
does a word only one or two people wrote (a neighbour's name typed in three complaints by one
citizen). TermCount has no filer or public dimension, so this is verified when the trends are
computed, by analysing the text of the week's public complaints again (bounded by the week:
~49,000 complaints at most, the public ones only). The officials' ranking (the back office)
has no such rule: every complaint's terms, so a rising issue that citizens raise in private
complaints reaches the officials who handle it. In both, the counts shown (this week, baseline)
are of every complaint: numbers, never words.

A complaint counts under the category it has when it is counted. SMS and email complaints are
counted at intake, before triage gives them a category: their terms count in the overall trends
(every complaint's), not in a category's; triage does not count them again.
"""

import hashlib
import logging
import math
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q, Sum
from django.utils import timezone

from ..deadlines import SEOUL
from ..models import Complaint, TermCount, Trend
from ..terms import stop_words, terms_of_many

logger = logging.getLogger(__name__)

BATCH_SIZE = 500
# What trends_compute reads: this week (7 Seoul days ending today) and the 28 days before.
WEEK_DAYS = 7
BASELINE_WEEKS = 4
CATCH_UP_DAYS = WEEK_DAYS * (BASELINE_WEEKS + 1)
MIN_THIS_WEEK = 3
MIN_PUBLIC_FILERS = 3
TOP = 20
UPSERT_CHUNK = 1000


# --- Counting ----------------------------------------------------------------------------------


def complaint_count_terms(complaint_id: int, *, now=None) -> bool:
    """Counts the complaint's terms once; False when it was counted already (or is gone)."""
    return _count_batch([complaint_id], now=now or timezone.now()) == 1


def complaints_count_pending(*, received_since, now=None, batch_size: int = BATCH_SIZE) -> int:
    """Counts every complaint received since `received_since` and not counted yet, in batches
    (keyset by primary key, each batch its own transaction). Returns how many were counted."""
    now = now or timezone.now()
    pending = Complaint.objects.filter(received_at__gte=received_since, terms_counted_at__isnull=True)
    counted, last = 0, 0
    while True:
        pks = list(pending.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:batch_size])
        if not pks:
            return counted
        last = pks[-1]
        counted += _count_batch(pks, now=now)


def terms_recount(*, since, now=None, batch_size: int = BATCH_SIZE) -> int:
    """Rebuilds the term counts from the Seoul day of `since` on: its counts are deleted and
    every complaint received since the start of that day is counted again (with the stop words
    and tokeniser of today). Returns how many complaints were counted."""
    now = now or timezone.now()
    if isinstance(since, datetime):
        since = timezone.localtime(since, SEOUL).date() if timezone.is_aware(since) else since.date()
    start = datetime.combine(since, time.min, tzinfo=SEOUL)
    with transaction.atomic():
        # No counting transaction is open while the counts are reset (see the module's docstring).
        _lock_counting(exclusive=True)
        TermCount.objects.filter(day__gte=since).delete()
        # Not counted any more: the same lock-and-check as a task, so a task running after the
        # reset and this rebuild's batches never both count one complaint.
        Complaint.objects.filter(received_at__gte=start).update(terms_counted_at=None)
    return complaints_count_pending(received_since=start, now=now, batch_size=batch_size)


# The term counts' key in PostgreSQL's advisory lock space (a signed 64-bit integer, apart from
# the other keys of the site, which are derived the same way from their own names).
COUNTING_LOCK = int.from_bytes(hashlib.sha256(b"seoul-portal:complaints:term-counts").digest()[:8], "big", signed=True)


def _lock_counting(*, exclusive: bool):
    """Holds the counting lock until the transaction ends (PostgreSQL; SQLite has one writer)."""
    if connection.vendor != "postgresql":
        return
    function = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
    with connection.cursor() as cursor:
        # nosemgrep: raw-sql-built-by-string-formatting -- only names from the models or this module are formatted in; values are parameters
        cursor.execute(f"SELECT {function}(%s)", [COUNTING_LOCK])


def _count_batch(pks, *, now) -> int:
    with transaction.atomic():
        _lock_counting(exclusive=False)
        complaints = list(
            Complaint.objects.filter(pk__in=pks, terms_counted_at__isnull=True)
            .select_for_update(of=("self",))
            .only("id", "received_at", "category_id", "title", "description")
            .order_by("pk")
        )
        if not complaints:
            return 0
        documents = terms_of_many(f"{complaint.title}\n{complaint.description}" for complaint in complaints)
        counts = Counter()
        for complaint, terms in zip(complaints, documents, strict=True):
            day = timezone.localtime(complaint.received_at, SEOUL).date()
            for term in terms:
                counts[(day, term, complaint.category_id)] += 1
        add_term_counts(counts)
        Complaint.objects.filter(pk__in=[complaint.pk for complaint in complaints]).update(terms_counted_at=now)
    return len(complaints)


def add_term_counts(counts: Counter):
    """Adds {(day, term, category id): n} to TermCount. In sorted order, so that two workers
    upserting overlapping terms lock their rows in the same order (no deadlock)."""
    rows = sorted(counts.items(), key=lambda item: (item[0][0], item[0][1], item[0][2] or 0))
    if not rows:
        return
    if connection.vendor == "postgresql":
        _upsert_postgresql(rows)
    else:
        _upsert_portable(rows)


def _upsert_postgresql(rows):
    table = connection.ops.quote_name(TermCount._meta.db_table)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), UPSERT_CHUNK):
            chunk = rows[start : start + UPSERT_CHUNK]
            values = ", ".join(["(%s, %s, %s, %s)"] * len(chunk))
            parameters = [value for (day, term, category), count in chunk for value in (day, term, category, count)]
            # nosemgrep: raw-sql-built-by-string-formatting -- only names from the models or this module are formatted in; values are parameters
            cursor.execute(
                f"INSERT INTO {table} (day, term, category_id, count) VALUES {values} "  # noqa: S608 -- our table  # nosec B608
                f"ON CONFLICT ON CONSTRAINT term_count_once DO UPDATE SET count = {table}.count + EXCLUDED.count",
                parameters,
            )


def _upsert_portable(rows):
    """Where the database has no NULLS NOT DISTINCT constraint (SQLite): update, else insert."""
    for (day, term, category), count in rows:
        existing = TermCount.objects.filter(day=day, term=term, category_id=category)
        if existing.update(count=F("count") + count):
            continue
        try:
            with transaction.atomic():
                TermCount.objects.create(day=day, term=term, category_id=category, count=count)
        except IntegrityError:
            existing.update(count=F("count") + count)


# --- Trends ------------------------------------------------------------------------------------


def public_voices(*, since, until, terms, stop, batch_size: int = BATCH_SIZE) -> dict:
    """{(category id or None, term): the distinct filers who used the term in a public,
    categorised complaint received in [since, until)}, for the given terms only. None stands for
    every category. A complaint with neither account nor contact (an operator's anonymous call)
    is nobody's: it makes no filer. Reads the period's public complaints in batches (keyset by
    primary key, through the partial index of public complaints by received_at)."""
    voices: dict = {}
    if not terms:
        return voices
    public = Complaint.objects.filter(
        is_public=True, category__isnull=False, received_at__gte=since, received_at__lt=until
    ).values_list("pk", "category_id", "citizen_id", "contact_id", "title", "description")
    last = 0
    while True:
        batch = list(public.filter(pk__gt=last).order_by("pk")[:batch_size])
        if not batch:
            return voices
        last = batch[-1][0]
        documents = terms_of_many((f"{title}\n{description}" for *_ids, title, description in batch), stop=stop)
        for (_pk, category_id, citizen_id, contact_id, _title, _text), found in zip(batch, documents, strict=True):
            filer = ("citizen", citizen_id) if citizen_id else ("contact", contact_id) if contact_id else None
            if filer is None:
                continue
            for term in found & terms:
                voices.setdefault((None, term), set()).add(filer)
                voices.setdefault((category_id, term), set()).add(filer)


@dataclass(frozen=True)
class TrendReport:
    caught_up: int  # complaints whose terms were counted by this run (their task was lost)
    trends: int  # public Trend rows written (overall and per category)
    officials_trends: int  # the officials' Trend rows written (overall and per category)
    week_start: object


def rise_score(this_week: int, baseline: float) -> float:
    """How unusual this week's count is against the weekly average of the four weeks before:
    (this − baseline) / √(baseline + 1). Roughly a z-score under a Poisson baseline (whose
    standard deviation is √baseline), the +1 keeping a term new this week from dividing by zero
    and ranking a jump from 0 to 5 below one from 20 to 60."""
    return (this_week - baseline) / math.sqrt(baseline + 1)


def trends_compute(*, now=None) -> TrendReport:
    """Counts the complaints still uncounted, then replaces both rankings, the public one and the
    officials' (atomically, together: pages read either the previous computation or this one)."""
    now = now or timezone.now()
    caught_up = complaints_count_pending(received_since=now - timedelta(days=CATCH_UP_DAYS), now=now)
    today = timezone.localtime(now, SEOUL).date()
    week_start = today - timedelta(days=WEEK_DAYS - 1)
    baseline_start = week_start - timedelta(days=WEEK_DAYS * BASELINE_WEEKS)
    stop = stop_words()
    counts = TermCount.objects.filter(day__gte=baseline_start, day__lte=today)
    sums = {
        "this_week": Sum("count", filter=Q(day__gte=week_start), default=0),
        "before": Sum("count", filter=Q(day__lt=week_start), default=0),
    }
    overall = counts.values("term").annotate(**sums).filter(this_week__gte=MIN_THIS_WEEK)
    by_category = (
        counts.filter(category__isnull=False).values("category_id", "term").annotate(**sums)
        .filter(this_week__gte=MIN_THIS_WEEK)
    )  # fmt: skip
    candidates: dict = {None: []}
    for row in overall:
        candidates[None].append(row)
    for row in by_category:
        candidates.setdefault(row["category_id"], []).append(row)
    rising: dict = {}
    for category_id, rows in candidates.items():
        for row in rows:
            if row["term"] in stop:
                continue
            baseline = row["before"] / BASELINE_WEEKS
            score = rise_score(row["this_week"], baseline)
            if score > 0:
                rising.setdefault(category_id, []).append((row["term"], row["this_week"], baseline, score))
    voices = public_voices(
        since=datetime.combine(week_start, time.min, tzinfo=SEOUL),
        until=datetime.combine(today + timedelta(days=1), time.min, tzinfo=SEOUL),
        terms={term for rows in rising.values() for term, *_figures in rows},
        stop=stop,
    )
    public, officials = [], []
    for category_id, rows in rising.items():
        ranked = sorted(rows, key=lambda item: (-item[3], -item[1], item[0]))
        officials += _ranking(ranked, audience=Trend.Audience.OFFICIALS, category_id=category_id, now=now,
                              week_start=week_start)  # fmt: skip
        voiced = [row for row in ranked if len(voices.get((category_id, row[0]), ())) >= MIN_PUBLIC_FILERS]
        public += _ranking(voiced, audience=Trend.Audience.PUBLIC, category_id=category_id, now=now,
                           week_start=week_start)  # fmt: skip
    with transaction.atomic():
        Trend.objects.all().delete()
        Trend.objects.bulk_create(public + officials)
    logger.info("Trends computed: %d public and %d officials' rows, %d complaints caught up", len(public),
                len(officials), caught_up)  # fmt: skip
    return TrendReport(caught_up=caught_up, trends=len(public), officials_trends=len(officials), week_start=week_start)


def _ranking(ranked, *, audience, category_id, now, week_start) -> list[Trend]:
    """The first TOP of `ranked` (term, this week, baseline, score), best first, as Trend rows."""
    return [
        Trend(audience=audience, computed_at=now, week_start=week_start, category_id=category_id, term=term,
              this_week=this_week, baseline=round(baseline, 2), score=round(score, 3), rank=rank)  # fmt: skip
        for rank, (term, this_week, baseline, score) in enumerate(ranked[:TOP], start=1)
    ]
