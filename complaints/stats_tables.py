"""The dashboards' figures as tables: what each chart's accessible table shows and what its CSV
download holds, built once from `selectors.stats.Dashboard` so the page and the file always give
the same numbers.

Each cell carries two forms: `text` for the page (grouped digits, "12.5%", "more than 60") and
`raw` for the CSV (plain numbers a spreadsheet computes with, rates in percent).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from .models import Channel
from .models.analytics import DURATION_BOUNDS
from .selectors.stats import Dashboard

# The duration histogram ends at 60 days; its figures say 61 for "more than that".
LONGEST_BOUND = DURATION_BOUNDS[-1]

# Column titles whose Korean depends on the context (literal calls: makemessages reads them).
CHANGE = pgettext_lazy("complaint statistics", "Change")
CHANNEL = pgettext_lazy("complaint statistics", "Channel")
MEASURE = pgettext_lazy("complaint statistics", "Measure")
VALUE = pgettext_lazy("complaint statistics", "Value")
UNIT = pgettext_lazy("complaint statistics", "Unit")
STARS = pgettext_lazy("complaint statistics", "Stars")
RATINGS = pgettext_lazy("complaint statistics", "Ratings")
SHARE = pgettext_lazy("complaint statistics", "Share")

# The tables a page shows and a CSV gives, by their name in the URL.
TABLE_NAMES = ("volume", "categories", "districts", "channels", "handling", "backlog", "units", "satisfaction")


@dataclass(frozen=True)
class Cell:
    text: str
    raw: str
    missing: bool = False


@dataclass(frozen=True)
class Table:
    name: str
    caption: str | Promise
    header: list
    rows: list[list[Cell]]


def count(value) -> Cell:
    return Cell(text=f"{int(value):,}", raw=str(int(value)))


def text(value) -> Cell:
    return Cell(text=str(value), raw=str(value))


def missing() -> Cell:
    return Cell(text="–", raw="", missing=True)


def percent(rate: float | None) -> Cell:
    """A rate (0–1) in percent, one decimal."""
    if rate is None:
        return missing()
    figure = f"{rate * 100:.1f}"
    return Cell(text=f"{figure}%", raw=figure)


def change(rate: float | None) -> Cell:
    """A change (−1 …) in percent with its sign."""
    if rate is None:
        return missing()
    figure = f"{rate * 100:+.1f}"
    return Cell(text=f"{figure}%", raw=figure)


def days(value: int | None) -> Cell:
    if value is None:
        return missing()
    if value > LONGEST_BOUND:
        return Cell(text=gettext("more than %(days)d") % {"days": LONGEST_BOUND}, raw=f">{LONGEST_BOUND}")
    return count(value)


def average(value: float | None) -> Cell:
    if value is None:
        return missing()
    return Cell(text=f"{value:.2f}", raw=f"{value:.2f}")


def change_between(current: int, previous: int) -> float | None:
    return (current - previous) / previous if previous else None


def channel_label(key: str) -> str:
    try:
        return str(Channel(key).label)
    except ValueError:
        return key


def _bars(name, caption, first_column, bars, *, labels=None) -> Table:
    return Table(
        name=name,
        caption=caption,
        header=[first_column, _("This period"), _("Previous period"), CHANGE],
        rows=[
            [
                text(labels(bar) if labels else bar.label),
                count(bar.count),
                count(bar.previous),
                change(change_between(bar.count, bar.previous)),
            ]
            for bar in bars
        ],  # fmt: skip
    )


def dashboard_tables(figures: Dashboard) -> dict[str, Table]:
    """Every table of the dashboards, by name (TABLE_NAMES)."""
    handling = figures.handling
    satisfaction = figures.satisfaction
    period = _("Period from")
    tables = [
        Table("volume", _("Complaints received per period"), [period, _("Received")],
              [[text(point.start.isoformat()), count(point.value)] for point in figures.volume]),
        _bars("categories", _("Complaints by category"), _("Category"), figures.by_category),
        _bars("districts", _("Complaints by district"), _("District"), figures.by_district),
        _bars("channels", _("Complaints by channel"), CHANNEL, figures.by_channel,
              labels=lambda bar: bar.label or channel_label(bar.key)),
        Table("handling", _("How the complaints of the period are handled"), [MEASURE, VALUE], [
            [text(_("Received")), count(handling.received)],
            [text(_("Still open")), count(handling.open_now)],
            [text(_("Open and overdue")), count(handling.open_overdue)],
            [text(_("Handled (answered, closed or rejected)")), count(handling.handled)],
            [text(_("Handled on time")), count(handling.handled_on_time)],
            [text(_("Answered on time")), percent(handling.on_time_rate)],
            [text(_("Median days to answer")), days(handling.median_days)],
            [text(_("90th percentile of days to answer")), days(handling.p90_days)],
        ]),
        Table("backlog", _("Open complaints at the end of each period"), [period, _("Open")],
              [[text(point.start.isoformat()), count(point.value)] for point in handling.backlog]),
        Table("units", _("Org units"), [
            UNIT, _("Rank"), _("Handled"), _("Answered on time"), _("Median days to answer"),
            _("Average satisfaction"), _("Additional answers requested"),
        ], [
            [text(row.name), count(row.rank) if row.rank is not None else missing(), count(row.handled),
             percent(row.on_time_rate), days(row.median_days), average(row.satisfaction_average),
             percent(row.reopened_rate)]
            for row in figures.units
        ]),
        Table("satisfaction", _("Satisfaction ratings"), [STARS, RATINGS, SHARE], [
            [count(stars), count(satisfaction.counts.get(stars, 0)),
             percent(satisfaction.counts.get(stars, 0) / satisfaction.rated if satisfaction.rated else None)]
            for stars in range(5, 0, -1)
        ]),
    ]  # fmt: skip
    return {table.name: table for table in tables}
