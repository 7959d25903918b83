"""The figures of the complaints dashboards (issue 8), read from the rollups (models/analytics.py),
never from the complaints: the same queries whatever the number of complaints.

`dashboard(filters)` answers one filter (a period of Seoul days, optionally a category, a district,
a channel and a unit); the public page and the officials' page ask the same function, the latter
with `unit_ids` (an official's units) or city-wide. Every figure is a count or derived from counts:
nothing here names a person.

Queries: five, whatever the period, the filter and the number of complaints (the series with the
opening balance of the backlog, then the totals by category, by district, by channel and by
unit). Each reads MonthlyRollup for the whole months of the period and DailyRollup for the days
at its edges (one UNION ALL query), so that ten years sum about 120 monthly rows per dimension
value, not 3,650 daily ones.

Durations: median and 90th percentile are the smallest bucket bound of the duration histogram
that reaches 50 % / 90 % of it; the last bucket (more than 60 days) reads `MORE_THAN_60_DAYS`
(61): the pages show it as "more than 60".
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Q, Sum
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ..models.analytics import COUNT_FIELDS, DURATION_BOUNDS, DURATION_FIELDS, DailyRollup, MonthlyRollup
from ..models.complaints import Channel
from .figures_cache import figures

# The preset periods the filter offers (days ending today in Seoul), and the one shown first.
PRESET_DAYS = {"7d": 7, "28d": 28, "90d": 90, "365d": 365}
DEFAULT_PERIOD = "28d"
# Periods up to this many days are charted per day, up to a year per week, longer per month.
DAILY_UP_TO = 62
WEEKLY_UP_TO = 366
# The days a period may cover: a filter beyond them is cut to them (no date arithmetic overflows,
# and no period reaches back before any complaint could exist).
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2099, 12, 31)
# What the median or the 90th percentile reads when it falls in the last bucket (> 60 days).
MORE_THAN_60_DAYS = 61


@dataclass(frozen=True)
class StatsFilter:
    """A period of Seoul days (`start` to `end`, both included) and optional dimensions."""

    start: date
    end: date
    category_id: int | None = None
    district_id: str | None = None  # a District's primary key is its code
    channel: str = ""
    unit_id: int | None = None

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def grain(self) -> str:
        """How the volume chart groups the period: "day", "week" (Mondays) or "month"."""
        if self.days <= DAILY_UP_TO:
            return "day"
        return "week" if self.days <= WEEKLY_UP_TO else "month"

    def previous(self) -> StatsFilter:
        """The period of the same length just before, with the same dimensions."""
        return replace(self, start=self.start - timedelta(days=self.days), end=self.start - timedelta(days=1))


@dataclass(frozen=True)
class Point:
    """One period of a series (`start`: its first day) and its value."""

    start: date
    value: float


@dataclass(frozen=True)
class Bar:
    """One category, district or channel: its count in the period and in the previous one."""

    key: str  # what the filter takes: a category's service code, a district's code, a channel
    label: str
    count: int
    previous: int


@dataclass(frozen=True)
class Handling:
    """How the complaints received in the period are being handled, as of the last refresh."""

    received: int
    open_now: int
    open_overdue: int
    handled: int
    handled_on_time: int
    # handled_on_time ÷ (handled + open_overdue); None when both are zero.
    on_time_rate: float | None
    median_days: int | None  # whole days from receipt to answer, from the histogram
    p90_days: int | None
    backlog: list[Point] = field(default_factory=list)  # open complaints at the end of each period


@dataclass(frozen=True)
class UnitRow:
    """One org unit's record in the period; ranked only with at least the minimum sample handled."""

    unit_id: int
    name: str
    handled: int
    on_time_rate: float | None
    median_days: int | None
    satisfaction_average: float | None
    # handled after an additional answer was requested ÷ handled (one population: at most 1)
    reopened_rate: float | None
    rank: int | None  # 1 = best on-time rate; None below the minimum sample


@dataclass(frozen=True)
class SatisfactionFigures:
    counts: dict[int, int]  # stars (1–5) → ratings
    rated: int
    average: float | None
    # handled after an additional answer was requested ÷ handled (one population: at most 1; a
    # complaint whose additional answer is pending is open, in neither count)
    additional_answer_share: float | None


@dataclass(frozen=True)
class Dashboard:
    filters: StatsFilter
    volume: list[Point]  # received per day, week or month (filters.grain)
    total: int
    previous_total: int
    change: float | None  # (total − previous_total) ÷ previous_total; None without a previous total
    by_category: list[Bar]
    by_district: list[Bar]
    by_channel: list[Bar]
    handling: Handling
    units: list[UnitRow]
    satisfaction: SatisfactionFigures


def dashboard(filters: StatsFilter, *, unit_ids: Collection[int] | None = None) -> Dashboard:
    """Every figure of the dashboards for `filters`; `unit_ids` limits them to those units (an
    official's scope), None is city-wide. A period beyond FIRST_DAY–LAST_DAY is cut to it; a
    reversed one (end before start) gives empty figures."""
    filters = replace(filters, start=min(max(filters.start, FIRST_DAY), LAST_DAY),
                      end=min(max(filters.end, FIRST_DAY), LAST_DAY))  # fmt: skip
    current, previous = _Span.of(filters.start, filters.end), _Span.of(filters.previous().start, filters.previous().end)
    dims = _dimensions(filters, unit_ids)
    volume, backlog = _series(filters, dims)
    by_category = _bars(dims, current, previous, "category_id", "category__service_code", "category__name")
    by_district = _bars(dims, current, previous, "district_id", "district__code", "district__name")
    by_channel = _bars(dims, current, previous, "channel", None, None)
    unit_sums = _unit_sums(dims, current)
    totals = dict.fromkeys(COUNT_FIELDS, 0)
    for sums in unit_sums.values():
        for name in COUNT_FIELDS:
            totals[name] += sums[name]
    total = sum(bar.count for bar in by_channel)
    previous_total = sum(bar.previous for bar in by_channel)
    handling = Handling(
        received=totals["received"], open_now=totals["open_now"], open_overdue=totals["open_overdue"],
        handled=totals["handled"], handled_on_time=totals["handled_on_time"], on_time_rate=on_time_rate(totals),
        median_days=percentile_days(totals, 50), p90_days=percentile_days(totals, 90), backlog=backlog,
    )  # fmt: skip
    return Dashboard(
        filters=filters,
        volume=volume,
        total=total,
        previous_total=previous_total,
        change=(total - previous_total) / previous_total if previous_total else None,
        by_category=by_category,
        by_district=by_district,
        by_channel=by_channel,
        handling=handling,
        units=_unit_rows(unit_sums),
        satisfaction=satisfaction_figures(totals),
    )


def unit_min_sample() -> int:
    """Handled complaints a unit needs before it is ranked (a unit with three answers, all on time,
    must not top the table)."""
    return getattr(settings, "COMPLAINT_STATS_UNIT_MIN_SAMPLE", 30)


def _ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def on_time_rate(counts) -> float | None:
    """handled_on_time ÷ (handled + open_overdue): what is still open past its deadline counts
    against the rate at once."""
    return _ratio(counts["handled_on_time"], counts["handled"] + counts["open_overdue"])


def percentile_days(counts, percent: int) -> int | None:
    """The smallest bucket bound of the duration histogram reaching `percent` % of its total."""
    total = sum(counts[name] for name in DURATION_FIELDS)
    if not total:
        return None
    running = 0
    for bound, name in zip((*DURATION_BOUNDS, MORE_THAN_60_DAYS), DURATION_FIELDS, strict=True):
        running += counts[name]
        if running * 100 >= percent * total:
            return bound
    raise AssertionError("unreachable: the running sum reaches the total")


def satisfaction_figures(counts) -> SatisfactionFigures:
    stars = {rating: counts[f"rating_{rating}"] for rating in range(1, 6)}
    rated = sum(stars.values())
    return SatisfactionFigures(
        counts=stars,
        rated=rated,
        average=_ratio(sum(rating * number for rating, number in stars.items()), rated),
        additional_answer_share=_ratio(counts["reopened"], counts["handled"]),
    )


# Periods and the rollups that cover them.


def _month_of(day: date) -> date:
    return day.replace(day=1)


def _next_month(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1)


@dataclass(frozen=True)
class _Span:
    """A period as rollup filters: the whole months inside it (MonthlyRollup) and the days at its
    edges (DailyRollup)."""

    days: Q
    months: Q

    @classmethod
    def of(cls, start: date, end: date) -> _Span:
        first = start if start.day == 1 else _next_month(_month_of(start))
        stop = _month_of(end + timedelta(days=1))  # the month after the last whole month
        if first >= stop:
            # No whole month: every day is read from the daily rows; the monthly filter matches
            # nothing (a real, empty range, so the query count does not depend on the period).
            return cls(days=Q(day__gte=start, day__lte=end), months=Q(month__gte=first, month__lt=first))
        edges = Q(day__gte=start, day__lt=first) | Q(day__gte=stop, day__lte=end)
        return cls(days=edges, months=Q(month__gte=first, month__lt=stop))

    @classmethod
    def daily(cls, start: date, end: date) -> _Span:
        return cls(days=Q(day__gte=start, day__lte=end), months=Q(month__gte=start, month__lt=start))


def _dimensions(filters: StatsFilter, unit_ids: Collection[int] | None) -> Q:
    """The filter's dimensions as a Q both rollup models understand."""
    dims = Q()
    if filters.category_id is not None:
        # A parent category takes in its sub-categories.
        dims &= Q(category_id=filters.category_id) | Q(category__parent_id=filters.category_id)
    if filters.district_id is not None:
        dims &= Q(district_id=filters.district_id)
    if filters.channel:
        dims &= Q(channel=filters.channel)
    if filters.unit_id is not None:
        dims &= Q(unit_id=filters.unit_id)
    if unit_ids is not None:
        # An empty scope still runs its (empty) queries: no primary key is 0.
        dims &= Q(unit_id__in=sorted(unit_ids) or [0])
    return dims


def _union(dims: Q, span_days: Q, span_months: Q, values: tuple[str, ...], annotations):
    """One query: the daily rows of `span_days` and the monthly rows of `span_months`, each
    grouped by `values` (the monthly part groups by "month" where the daily part has "day")."""
    daily = (
        DailyRollup.objects.filter(dims, span_days)
        .order_by()
        .values(*values)
        .annotate(**annotations(lambda q: Q(q.days)))
    )
    monthly = (
        MonthlyRollup.objects.filter(dims, span_months)
        .order_by()
        .values(*("month" if name == "day" else name for name in values))
        .annotate(**annotations(lambda q: Q(q.months)))
    )
    return daily.union(monthly, all=True)


def _series(filters: StatsFilter, dims: Q) -> tuple[list[Point], list[Point]]:
    """Received per grain period (zero-filled) and the backlog at the end of each: the opening
    balance (received − finished before the period) plus running sums. One query, reading the
    months before the period's first month too (for the balance)."""
    start, end, grain = filters.start, filters.end, filters.grain
    span = _Span.of(start, end) if grain == "month" else _Span.daily(start, end)
    before_days = Q(day__gte=_month_of(start), day__lt=start)
    before_months = Q(month__lt=_month_of(start))
    rows = _union(
        dims, span.days | before_days, span.months | before_months, ("day",),
        lambda _part: {"s_received": Sum("received"), "s_finished": Sum("finished")},
    )  # fmt: skip
    buckets = _grain_starts(start, end, grain)
    received = dict.fromkeys(buckets, 0)
    net = dict.fromkeys(buckets, 0)
    opening = 0
    for row in rows:
        day, came, went = row["day"], row["s_received"] or 0, row["s_finished"] or 0
        if day < start:
            opening += came - went
            continue
        bucket = _grain_start(day, grain, start)
        received[bucket] += came
        net[bucket] += came - went
    volume, backlog, balance = [], [], opening
    for bucket in buckets:
        balance += net[bucket]
        volume.append(Point(start=bucket, value=received[bucket]))
        backlog.append(Point(start=bucket, value=balance))
    return volume, backlog


def _grain_start(day: date, grain: str, start: date) -> date:
    if grain == "day":
        return day
    if grain == "week":
        return day - timedelta(days=day.weekday())
    return _month_of(day)


def _grain_starts(start: date, end: date, grain: str) -> list[date]:
    """The first day of every grain period of [start, end]: days, Mondays or first days of months
    (the first period may begin before `start`; it counts only the period's days)."""
    starts, current = [], _grain_start(start, grain, start)
    while current <= end:
        starts.append(current)
        if grain == "day":
            current += timedelta(days=1)
        elif grain == "week":
            current += timedelta(days=7)
        else:
            current = _next_month(current)
    return starts


def _localized(row, prefix: str) -> str:
    korean = row[f"{prefix}_ko"] or ""
    if (get_language() or "ko").startswith("en"):
        return row[f"{prefix}_en"] or korean
    return korean


def _bars(dims: Q, current: _Span, previous: _Span, column: str, code: str | None, name: str | None) -> list[Bar]:
    """Received per value of one dimension in the period and in the previous one (one query)."""
    values = (column,) if code is None else (column, code, f"{name}_ko", f"{name}_en")

    def sums(part):
        here, before = part(current), part(previous)
        return {"s_count": Sum("received", filter=here), "s_previous": Sum("received", filter=before)}

    rows = _union(dims, current.days | previous.days, current.months | previous.months, values, sums)
    merged: dict[str, list] = {}
    for row in rows:
        if code is None:
            key, label = row[column], str(Channel(row[column]).label) if row[column] in Channel.values else row[column]
        elif row[column] is None:
            key = ""
            label = _("Not yet categorised") if column == "category_id" else _("No location")
        else:
            key, label = row[code], _localized(row, name)
        bar = merged.setdefault(key, [label, 0, 0])
        bar[1] += row["s_count"] or 0
        bar[2] += row["s_previous"] or 0
    bars = [Bar(key=key, label=label, count=count, previous=before) for key, (label, count, before) in merged.items()]
    return sorted(
        (bar for bar in bars if bar.count or bar.previous), key=lambda bar: (-bar.count, -bar.previous, bar.label)
    )


def _unit_sums(dims: Q, current: _Span) -> dict[int | None, dict]:
    """Every count of the period per unit (one query); the unit None holds unrouted complaints."""
    rows = _union(
        dims, current.days, current.months, ("unit_id", "unit__name_ko", "unit__name_en"),
        lambda _part: {f"s_{name}": Sum(name) for name in COUNT_FIELDS},
    )  # fmt: skip
    units: dict[int | None, dict] = {}
    for row in rows:
        sums = units.setdefault(row["unit_id"], {"name": _localized(row, "unit__name") if row["unit_id"] else "",
                                                 **dict.fromkeys(COUNT_FIELDS, 0)})  # fmt: skip
        for name in COUNT_FIELDS:
            sums[name] += row[f"s_{name}"] or 0
    return units


def _unit_rows(units: dict[int | None, dict]) -> list[UnitRow]:
    """One row per unit; units with at least the minimum sample handled are ranked by on-time
    rate (ties: fewer median days, then name), the others follow unranked, by name."""
    minimum = unit_min_sample()
    rows = [
        UnitRow(
            unit_id=unit_id,
            name=sums["name"],
            handled=sums["handled"],
            on_time_rate=on_time_rate(sums),
            median_days=percentile_days(sums, 50),
            satisfaction_average=satisfaction_figures(sums).average,
            reopened_rate=_ratio(sums["reopened"], sums["handled"]),
            rank=None,
        )  # fmt: skip
        for unit_id, sums in units.items()
        if unit_id is not None
    ]
    ranked = sorted(
        (row for row in rows if row.handled >= minimum and row.handled > 0),
        key=lambda row: (-(row.on_time_rate or 0), row.median_days if row.median_days is not None else 10**6, row.name),
    )
    others = sorted((row for row in rows if not (row.handled >= minimum and row.handled > 0)), key=lambda row: row.name)
    return [replace(row, rank=position) for position, row in enumerate(ranked, start=1)] + others


def dashboard_figures(filters: StatsFilter, *, unit_ids: Collection[int] | None = None) -> Dashboard:
    """`dashboard()` as the pages ask for it: computed once per refresh of the rollups
    (selectors/figures_cache.py)."""
    scope = None if unit_ids is None else tuple(sorted(unit_ids))
    return figures("dashboard", (filters, scope), lambda: dashboard(filters, unit_ids=unit_ids))
