"""The rollups the dashboards read (models/analytics.py), counted from the complaints.

- `rollups_rebuild()` recounts everything, one month at a time: the same few aggregate queries as
  a day's recount, over the whole month (found through the `received_at` and `finished_at`
  indexes) and grouped by Seoul day too, give every day's rows of the month; then the month is
  the sum of its days. Memory holds one month's rows (some 80,000 at Seoul's 10 M complaints).
- `rollups_refresh()` (Celery beat, every few minutes) recounts only the days touched since the
  last run: the received and finished days of every complaint written since the watermark, the
  day a reopened complaint had been finished on (its finish is undone), and the received days of
  open complaints that went past their deadline without any write. A day is always recounted
  whole (delete, then insert), so a recount is idempotent and a complaint whose unit, category or
  status changed leaves no stale row behind. A rating moves its complaint's `updated_at`
  (services/handling.complaint_rate), so it is found like any other change.

Both take the lock of the state row (`RollupState` "counts") around every recount: the refresh for
its whole transaction, the rebuild for each month's. Two recounts of the same day therefore never
interleave (the second would crash on the rows' unique constraint): a refresh that Celery beat
starts during a long rebuild waits for the month being replaced, then goes on. The rebuild
creates the state row before it counts anything, so that a first refresh running meanwhile does
not start a second rebuild.

Definitions (models/analytics.py): "handled" = answered, closed or rejected (duplicates apart);
on time = finished_at <= due_at, or no deadline at all (a complaint refused at triage, before a
category gave it one: nothing was late); days to answer = Seoul calendar days from the day of
receipt to the day of the finishing answer; reopened = handled with answer_round > 1 (counted
among the handled only, so that "reopened ÷ handled" is a share of one population: a complaint
whose additional answer is still pending is open, and counts once it is answered again); a
complaint's latest rating counts.

Both work on PostgreSQL and on SQLite (the embedded mode): portable ORM aggregates, and plain
standard-SQL inserts where the ORM's per-value preparation was the bottleneck. A complaint row
deleted outright (never done by the services) is only forgotten by the next rebuild.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import connection, transaction
from django.db.models import Count, Exists, F, Min, OuterRef, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from seoul_portal.statements import statement_cursor

from ..deadlines import SEOUL
from ..models import Complaint, ComplaintEvent, Satisfaction
from ..models.analytics import (
    COUNT_FIELDS,
    DURATION_BOUNDS,
    DailyRollup,
    MonthlyRollup,
    RollupState,
)
from ..states import FINISHED_STATES, OPEN_STATES, Status

STATE_NAME = "counts"
# A transaction still in flight when the refresh reads may commit rows whose `updated_at` is a
# little older than the refresh: the watermark stays this far behind, so they are counted next
# time (recounting a day twice is harmless).
OVERLAP = timedelta(minutes=2)

DIMENSIONS = ("category_id", "district_id", "channel", "unit_id")
# "Handled" is an answer or a refusal the citizen received; duplicates are counted apart.
HANDLED_STATES = (Status.ANSWERED, Status.CLOSED, Status.REJECTED)
_OPEN = sorted(OPEN_STATES)
_FINISHED = sorted(FINISHED_STATES)


@dataclass
class RollupReport:
    days: list[date] = field(default_factory=list)  # the Seoul days recounted
    months: list[date] = field(default_factory=list)  # the months re-summed (first days)
    daily_rows: int = 0
    monthly_rows: int = 0
    rebuilt: bool = False
    watermark: datetime | None = None
    seconds: float = 0.0


def seoul_day(moment: datetime) -> date:
    return timezone.localtime(moment, SEOUL).date()


def day_start(day: date) -> datetime:
    """00:00 of a Seoul day, aware (stored UTC)."""
    return datetime.combine(day, datetime.min.time(), tzinfo=SEOUL)


def month_of(day: date) -> date:
    return day.replace(day=1)


def next_month(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1)


def _key(row) -> tuple:
    return tuple(row[name] for name in DIMENSIONS)


def _histogram(day: date) -> dict:
    """Handled complaints received on `day` by whole Seoul days to their finishing answer: a
    complaint finished n days later has its finish on day + n, so each bucket is a range of
    `finished_at` (portable, no date arithmetic in SQL)."""
    handled = Q(status__in=HANDLED_STATES)
    buckets, lower = {}, None
    for bound in DURATION_BOUNDS:
        upper = day_start(day + timedelta(days=bound + 1))
        in_bucket = Q(finished_at__lt=upper) if lower is None else Q(finished_at__gte=lower, finished_at__lt=upper)
        buckets[f"c_days_{bound}"] = Count("id", filter=handled & in_bucket)
        lower = upper
    buckets["c_days_more"] = Count("id", filter=handled & Q(finished_at__gte=lower))
    return buckets


def _histogram_of_days() -> dict:
    """`_histogram` for a cohort received over many days: the buckets of the Seoul calendar days
    from the day of receipt to the day of the finishing answer (the alias `answer_days`, a
    difference of two Seoul dates: what `_histogram`'s ranges of `finished_at` amount to)."""
    handled = Q(status__in=HANDLED_STATES)
    buckets, lower = {}, None
    for bound in DURATION_BOUNDS:
        in_bucket = Q(answer_days__lte=timedelta(days=bound))
        if lower is not None:
            in_bucket &= Q(answer_days__gt=timedelta(days=lower))
        buckets[f"c_days_{bound}"] = Count("id", filter=handled & in_bucket)
        lower = bound
    buckets["c_days_more"] = Count("id", filter=handled & Q(answer_days__gt=timedelta(days=lower)))
    return buckets


def _cohort_counts(*, now: datetime) -> dict:
    """The cohort's counts but its duration histogram (`_histogram`, `_histogram_of_days`)."""
    handled = Q(status__in=HANDLED_STATES)
    is_open = Q(status__in=_OPEN)
    return {
        "c_received": Count("id"),
        "c_handled": Count("id", filter=handled),
        "c_handled_on_time": Count("id", filter=handled & (Q(finished_at__lte=F("due_at")) | Q(due_at__isnull=True))),
        "c_open_now": Count("id", filter=is_open),
        "c_open_overdue": Count("id", filter=is_open & Q(due_at__lt=now)),
        "c_duplicates": Count("id", filter=Q(status=Status.DUPLICATE)),
        "c_reopened": Count("id", filter=handled & Q(answer_round__gt=1)),
    }


def _latest_ratings():
    """Only the latest rating of a complaint counts (a rating per answer round): the ratings are
    aggregated apart from the cohort, so that joining them never multiplies its counts."""
    later = Satisfaction.objects.filter(
        complaint_id=OuterRef("complaint_id"), answer_round__gt=OuterRef("answer_round")
    )
    return Satisfaction.objects.filter(~Exists(later))


def _rating_counts() -> dict:
    return {f"c_rating_{stars}": Count("id", filter=Q(rating=stars)) for stars in range(1, 6)}


_RATING_POSITIONS = tuple(COUNT_FIELDS.index(f"rating_{stars}") for stars in range(1, 6))
_FINISHED_POSITION = COUNT_FIELDS.index("finished")


class _Rows:
    """The rows being counted, keyed by (day, the dimensions), each a list of COUNT_FIELDS."""

    def __init__(self):
        self.counts: dict[tuple, list[int]] = {}

    def row(self, key: tuple) -> list[int]:
        counts = self.counts.get(key)
        if counts is None:
            counts = self.counts[key] = [0] * len(COUNT_FIELDS)
        return counts

    def add_cohort(self, day: date, row: dict):
        self.counts[(day, *_key(row))] = [row.get(f"c_{name}", 0) for name in COUNT_FIELDS]

    def add_finished(self, day: date, row: dict):
        self.row((day, *_key(row)))[_FINISHED_POSITION] = row["c_finished"]

    def add_ratings(self, day: date, row: dict):
        counts = self.row((day, *(row[f"complaint__{name}"] for name in DIMENSIONS)))
        for stars, position in enumerate(_RATING_POSITIONS, 1):
            counts[position] = row[f"c_rating_{stars}"]

    def tuples(self) -> list[tuple]:
        return [(*key, *counts) for key, counts in self.counts.items()]


def count_day(day: date, *, now: datetime) -> list[tuple]:
    """The rollup rows of one Seoul day as tuples (day, the dimensions, COUNT_FIELDS): three
    aggregate queries (the cohort received that day, the complaints finished that day, the
    latest ratings of the cohort). What the refresh recounts, day by day."""
    start, end = day_start(day), day_start(day + timedelta(days=1))
    rows = _Rows()
    cohort = (
        Complaint.objects.filter(received_at__gte=start, received_at__lt=end)
        .order_by()
        .values(*DIMENSIONS)
        .annotate(**_cohort_counts(now=now), **_histogram(day))
    )
    for row in cohort:
        rows.add_cohort(day, row)
    finished = (
        Complaint.objects.filter(finished_at__gte=start, finished_at__lt=end)
        .order_by()
        .values(*DIMENSIONS)
        .annotate(c_finished=Count("id"))
    )
    for row in finished:
        rows.add_finished(day, row)
    ratings = (
        _latest_ratings()
        .filter(complaint__received_at__gte=start, complaint__received_at__lt=end)
        .order_by()
        .values(*(f"complaint__{name}" for name in DIMENSIONS))
        .annotate(**_rating_counts())
    )
    for row in ratings:
        rows.add_ratings(day, row)
    return rows.tuples()


def count_days(first: date, last: date, *, now: datetime) -> list[tuple]:
    """The rollup rows of the Seoul days from `first` to `last` (a month of the rebuild), the
    same tuples as `count_day` gives day by day, from the same three aggregate queries over the
    whole span, grouped by Seoul day as well: a query set per span instead of one per day."""
    start, end = day_start(first), day_start(last + timedelta(days=1))
    rows = _Rows()
    chunk = 2_000  # streamed: a month of Seoul's holds some 80,000 rows
    cohort = (
        Complaint.objects.filter(received_at__gte=start, received_at__lt=end)
        .order_by()
        .annotate(seoul_day=TruncDate("received_at", tzinfo=SEOUL))
        .alias(answer_days=TruncDate("finished_at", tzinfo=SEOUL) - TruncDate("received_at", tzinfo=SEOUL))
        .values("seoul_day", *DIMENSIONS)
        .annotate(**_cohort_counts(now=now), **_histogram_of_days())
    )
    for row in cohort.iterator(chunk_size=chunk):
        rows.add_cohort(_as_date(row["seoul_day"]), row)
    finished = (
        Complaint.objects.filter(finished_at__gte=start, finished_at__lt=end)
        .order_by()
        .annotate(seoul_day=TruncDate("finished_at", tzinfo=SEOUL))
        .values("seoul_day", *DIMENSIONS)
        .annotate(c_finished=Count("id"))
    )
    for row in finished.iterator(chunk_size=chunk):
        rows.add_finished(_as_date(row["seoul_day"]), row)
    ratings = (
        _latest_ratings()
        .filter(complaint__received_at__gte=start, complaint__received_at__lt=end)
        .order_by()
        .annotate(seoul_day=TruncDate("complaint__received_at", tzinfo=SEOUL))
        .values("seoul_day", *(f"complaint__{name}" for name in DIMENSIONS))
        .annotate(**_rating_counts())
    )
    for row in ratings.iterator(chunk_size=chunk):
        rows.add_ratings(_as_date(row["seoul_day"]), row)
    return rows.tuples()


def _as_date(value) -> date:
    # SQLite returns a truncated date as its ISO text.
    return value if isinstance(value, date) else date.fromisoformat(value)


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _columns(model, names) -> str:
    return ", ".join(connection.ops.quote_name(model._meta.get_field(name).column) for name in names)


# The rows go in as plain tuples by executemany (a month of Seoul's has some 80,000 rows of 35
# counts): bulk_create's preparation of every value took most of a rebuild's time, and so did
# Django's cursor, which binds on the client (each value turned into SQL text in Python). The
# statements' cursor binds on the server: one INSERT prepared once, the rows pipelined.
_DAILY_COLUMNS = ("day", *(name.removesuffix("_id") for name in DIMENSIONS), *COUNT_FIELDS)


def _recount_day(day: date, *, now: datetime) -> int:
    """Replace the day's rows; the caller holds the state row's lock (`_locked_state`)."""
    DailyRollup.objects.filter(day=day).delete()
    return _insert_days(count_day(day, now=now))


def _recount_days(first: date, last: date, *, now: datetime) -> int:
    """Replace the rows of the days from `first` to `last` (a month of the rebuild); the caller
    holds the state row's lock."""
    DailyRollup.objects.filter(day__gte=first, day__lte=last).delete()
    return _insert_days(count_days(first, last, now=now))


def _insert_days(rows: list[tuple]) -> int:
    if rows:
        placeholders = ", ".join(["%s"] * len(_DAILY_COLUMNS))
        with statement_cursor() as cursor:
            # nosemgrep: raw-sql-built-by-string-formatting -- only names from the models or this module are formatted in; values are parameters
            cursor.executemany(
                f"INSERT INTO {_table(DailyRollup)} ({_columns(DailyRollup, _DAILY_COLUMNS)}) "  # noqa: S608 -- our names  # nosec B608
                f"VALUES ({placeholders})",
                ((connection.ops.adapt_datefield_value(row[0]), *row[1:]) for row in rows),
            )  # fmt: skip
    return len(rows)


def _resum_month(month: date) -> int:
    """A month's rows as the sums of its days' rows: one INSERT … SELECT … GROUP BY, in the
    database (standard SQL: PostgreSQL and SQLite). The caller holds the state row's lock."""
    MonthlyRollup.objects.filter(month=month).delete()
    dimensions = _columns(DailyRollup, [name.removesuffix("_id") for name in DIMENSIONS])
    counts = _columns(DailyRollup, COUNT_FIELDS)
    sums = ", ".join(f"SUM({column})" for column in counts.split(", "))
    with connection.cursor() as cursor:
        # nosemgrep: raw-sql-built-by-string-formatting -- only names from the models or this module are formatted in; values are parameters
        cursor.execute(
            f"INSERT INTO {_table(MonthlyRollup)} ({_columns(MonthlyRollup, ['month'])}, {dimensions}, {counts}) "  # noqa: S608  # nosec B608
            f"SELECT %s, {dimensions}, {sums} FROM {_table(DailyRollup)} "
            f"WHERE {_columns(DailyRollup, ['day'])} >= %s AND {_columns(DailyRollup, ['day'])} < %s "
            f"GROUP BY {dimensions}",
            [connection.ops.adapt_datefield_value(value) for value in (month, month, next_month(month))],
        )  # fmt: skip
        return cursor.rowcount


def _state(now: datetime) -> tuple[RollupState, bool]:
    """The state row, created (watermark `now` less the overlap, never rebuilt) if missing;
    True when this call created it."""
    return RollupState.objects.get_or_create(name=STATE_NAME, defaults={"watermark": now - OVERLAP})


def _locked_state() -> RollupState:
    """The state row, locked until the end of the current transaction: what serialises every
    recount of the rollups (the refresh's and each month of a rebuild)."""
    return RollupState.objects.select_for_update().get(name=STATE_NAME)


def rollups_rebuild(
    *, progress: Callable[[str], None] | None = None, step: Callable[[int, int], None] | None = None,
    now: datetime | None = None,
) -> RollupReport:
    """Count every daily and monthly rollup again from the complaints, month by month: each month
    is replaced in its own transaction under the state row's lock, so the dashboards keep reading
    the previous counts of the months not yet reached (never an empty page during a rebuild), and
    a concurrent refresh waits for the month in hand. Rows outside the counted range (of
    complaints since deleted outright) are dropped at the end. The watermark becomes the moment
    the rebuild started (less the overlap): what changes during the rebuild is counted by the next
    refresh. After each month, `progress(message)` gets an operator's line and `step(months done,
    months in all)` the count (a command's progress bar)."""
    clock = time.monotonic()
    now = now or timezone.now()
    report = RollupReport(rebuilt=True)
    _state(now)
    first = Complaint.objects.aggregate(first=Min("received_at"))["first"]
    kept_days, kept_months = Q(pk__in=[]), Q(pk__in=[])
    if first is not None:
        month, last_day = month_of(seoul_day(first)), max(seoul_day(now), seoul_day(first))
        kept_days = Q(day__gte=month, day__lte=last_day)
        last_month = month_of(last_day)
        kept_months = Q(month__gte=month, month__lte=last_month)
        months = (last_month.year - month.year) * 12 + last_month.month - month.month + 1
        while month <= last_day:
            month_last = min(next_month(month) - timedelta(days=1), last_day)
            with transaction.atomic():
                _locked_state()
                report.daily_rows += _recount_days(month, month_last, now=now)
                report.monthly_rows += _resum_month(month)
            report.days += [month + timedelta(days=offset) for offset in range((month_last - month).days + 1)]
            report.months.append(month)
            if progress is not None:
                progress(f"{month:%Y-%m}: {report.daily_rows} daily rows, {report.monthly_rows} monthly rows, "
                         f"{time.monotonic() - clock:.1f} s")  # fmt: skip
            if step is not None:
                step(len(report.months), months)
            month = next_month(month)
    report.watermark = now - OVERLAP
    with transaction.atomic():
        state = _locked_state()
        DailyRollup.objects.exclude(kept_days).delete()
        MonthlyRollup.objects.exclude(kept_months).delete()
        state.watermark, state.rebuilt_at = report.watermark, now
        state.save(update_fields=["watermark", "rebuilt_at"])
    report.seconds = time.monotonic() - clock
    return report


def _distinct_days(queryset, field_name: str) -> Iterable[date]:
    return (
        queryset.order_by()
        .annotate(seoul_day=TruncDate(field_name, tzinfo=SEOUL))
        .values_list("seoul_day", flat=True)
        .distinct()
    )


def days_to_recount(*, since: datetime, now: datetime) -> tuple[set[date], set[date]]:
    """The Seoul days whose counts may have changed since `since`, and among them the received
    days of the complaints written since (whose map cells may have changed): four queries,
    whatever the number of changed complaints (the database finds the days)."""
    changed = Complaint.objects.filter(updated_at__gt=since)
    received = set(_distinct_days(changed, "received_at"))
    days = set(received)
    days |= set(_distinct_days(changed.filter(finished_at__isnull=False), "finished_at"))
    # A reopened complaint is no longer finished: the day it had been finished on loses it.
    undone = ComplaintEvent.objects.filter(
        complaint__updated_at__gt=since, complaint__answer_round__gt=1, kind=ComplaintEvent.Kind.MOVE,
        to_status__in=_FINISHED,
    )  # fmt: skip
    days |= set(_distinct_days(undone, "at"))
    # Went past its deadline with no write: its cohort's "open and overdue" changed.
    overdue = Complaint.objects.filter(status__in=_OPEN, due_at__gt=since, due_at__lte=now)
    days |= set(_distinct_days(overdue, "received_at"))
    days.discard(None)
    received.discard(None)
    return days, received


def rollups_refresh(*, now: datetime | None = None) -> RollupReport:
    """Recount the days touched since the last refresh, re-sum their months, refresh the map's
    cells of their weeks and move the watermark on. Runs under the lock of the state row: two
    refreshes at once (or a refresh and a rebuild's month) wait for each other. The refresh that
    creates the state row rebuilds; one that finds it made by a rebuild still running only
    recounts what changed (a rebuild that failed part-way is run again by hand)."""
    from .cells import cells_refresh_weeks

    clock = time.monotonic()
    now = now or timezone.now()
    if _state(now)[1]:
        return rollups_rebuild(now=now)
    report = RollupReport()
    with transaction.atomic():
        state = _locked_state()
        days, received_days = days_to_recount(since=state.watermark, now=now)
        days = sorted(days)
        for day in days:
            report.daily_rows += _recount_day(day, now=now)
        report.days = days
        for month in sorted({month_of(day) for day in days}):
            report.monthly_rows += _resum_month(month)
            report.months.append(month)
        weeks = sorted({day - timedelta(days=day.weekday()) for day in received_days})
        if weeks:
            cells_refresh_weeks(weeks)
        state.watermark = max(state.watermark, now - OVERLAP)
        state.save(update_fields=["watermark"])
    report.watermark = state.watermark
    report.seconds = time.monotonic() - clock
    return report
