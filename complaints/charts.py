"""The geometry of the dashboards' charts: numbers that a template draws as inline SVG.

No script draws the charts (the Content-Security-Policy allows no inline script and the figures
must show without JavaScript): the server computes every rectangle, point and tick here, pure
functions of the figures, and templates/complaints/stats/partials/ only place them. The same
numbers are in the table under each chart.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

# Drawn about as wide as a phone's screen, so that the labels keep a legible size there (the CSS
# caps how far a wide screen enlarges it).
WIDTH = 420
# The time charts: room on the left for the axis' numbers, below for the dates.
TIME_HEIGHT = 220
TIME_LEFT = 48
TIME_TOP = 12
TIME_BOTTOM = 28
TIME_RIGHT = 8
MAX_DATE_LABELS = 6
# The bar charts: one band per bar, its label above the bars (long Korean names fit on a phone).
BAND = 40
LABEL_ROOM = 15
BAR_HEIGHT = 11
PREVIOUS_HEIGHT = 5
VALUE_ROOM = 72


def nice_ticks(maximum: float, count: int = 4) -> list[float]:
    """Axis values from 0 to at least `maximum` in about `count` steps of 1, 2 or 5 × 10ⁿ
    (at least 1: the charts count complaints)."""
    if maximum <= 0:
        return [0, 1]
    raw = maximum / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(factor * magnitude for factor in (1, 2, 5, 10) if factor * magnitude >= raw)
    step = max(round(step), 1)  # whole complaints
    steps = math.ceil(maximum / step)
    return [step * index for index in range(steps + 1)]


def date_label(day: date, grain: str) -> str:
    """A period's short label under the chart: "2025-03" for a month, "03-14" for a day or week."""
    return f"{day:%Y-%m}" if grain == "month" else f"{day:%m-%d}"


def figure(value: float) -> str:
    """A number as the charts print it: digits grouped, no decimals for whole numbers."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


@dataclass(frozen=True)
class Tick:
    value: float
    y: float

    @property
    def text(self) -> str:
        return figure(self.value)


@dataclass(frozen=True)
class Column:
    x: float
    y: float
    width: float
    height: float
    centre: float
    value: float
    label: str


@dataclass(frozen=True)
class DateLabel:
    x: float
    text: str


@dataclass(frozen=True)
class TimeChart:
    """Columns (or a line through their tops) over time, with a vertical axis."""

    width: int
    height: int
    left: int
    baseline: float
    right: float
    columns: list[Column]
    ticks: list[Tick]
    dates: list[DateLabel]
    line: str  # the polyline's points: "x,y x,y ..."

    @property
    def empty(self) -> bool:
        return not self.columns


def time_chart(points: Sequence, grain: str) -> TimeChart:
    """`points`: objects with `start` (a date) and `value`, in order."""
    baseline = TIME_HEIGHT - TIME_BOTTOM
    plot_height = baseline - TIME_TOP
    plot_width = WIDTH - TIME_LEFT - TIME_RIGHT
    ticks = nice_ticks(max((point.value for point in points), default=0))
    top = ticks[-1]
    slot = plot_width / len(points) if points else plot_width
    gap = min(slot * 0.2, 6)
    columns = []
    for index, point in enumerate(points):
        height = plot_height * point.value / top
        x = TIME_LEFT + index * slot
        columns.append(Column(
            x=round(x + gap / 2, 2), y=round(baseline - height, 2), width=round(max(slot - gap, 0.5), 2),
            height=round(height, 2), centre=round(x + slot / 2, 2), value=point.value,
            label=date_label(point.start, grain),
        ))  # fmt: skip
    return TimeChart(
        width=WIDTH,
        height=TIME_HEIGHT,
        left=TIME_LEFT,
        baseline=baseline,
        right=WIDTH - TIME_RIGHT,
        columns=columns,
        ticks=[Tick(value=value, y=round(baseline - plot_height * value / top, 2)) for value in ticks],
        dates=[DateLabel(x=columns[index].centre, text=columns[index].label) for index in label_indices(len(columns))],
        line=" ".join(f"{column.centre},{column.y}" for column in columns),
    )


def label_indices(count: int, most: int = MAX_DATE_LABELS) -> list[int]:
    """Which of `count` columns get a date under them: evenly spread, the first and last included."""
    if count <= most:
        return list(range(count))
    step = (count - 1) / (most - 1)
    return sorted({round(index * step) for index in range(most)})


@dataclass(frozen=True)
class HorizontalBar:
    label: str
    value: float
    previous: float | None
    label_y: float
    y: float
    width: float
    previous_y: float
    previous_width: float
    value_x: float
    value_y: float

    @property
    def value_text(self) -> str:
        return figure(self.value)


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    left: int
    bars: list[HorizontalBar]
    has_previous: bool

    @property
    def empty(self) -> bool:
        return not self.bars


def bar_chart(rows: Sequence[tuple[str, float, float | None]]) -> BarChart:
    """`rows`: (label, value, previous value or None). The longest bar is the largest value of
    either period, so this period's and the previous one's bars compare."""
    has_previous = any(previous is not None for _, _, previous in rows)
    largest = max([value for _, value, _ in rows] + [previous or 0 for _, _, previous in rows] + [0])
    room = WIDTH - VALUE_ROOM
    bars = []
    for index, (label, value, previous) in enumerate(rows):
        top = index * BAND
        width = room * value / largest if largest else 0
        previous_width = room * (previous or 0) / largest if largest else 0
        bars.append(HorizontalBar(
            label=label, value=value, previous=previous, label_y=top + 12, y=top + LABEL_ROOM,
            width=round(width, 2), previous_y=top + LABEL_ROOM + BAR_HEIGHT + 2,
            previous_width=round(previous_width, 2), value_x=round(width + 6, 2),
            value_y=top + LABEL_ROOM + BAR_HEIGHT - 1,
        ))  # fmt: skip
    return BarChart(width=WIDTH, height=max(len(rows) * BAND, BAND), left=0, bars=bars, has_previous=has_previous)
