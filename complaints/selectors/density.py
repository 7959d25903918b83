"""The density map: complaints per grid cell in one week, and the hotspots among them.

The week is the Monday-to-Sunday week (Seoul time) holding the filter's end day: the weeks the
cell rollups count (services/cells.py). When the end day is in the current week, the week is
still running and its counts are partial; the page says so.

A cell is a hotspot when its count this week is significantly above its own baseline: the mean of
the same cell's counts over the previous 8 weeks (weeks without complaints count as zero). The
test is Poisson's upper tail, P(X ≥ k) for X ~ Poisson(λ = baseline), computed exactly here (a sum
of the distribution's terms, no approximation); a cell is a hotspot when that p-value is below
0.01 and it has at least 5 complaints this week. A cell that had none in 8 weeks (λ = 0) and 5 or
more this week is a hotspot (P(X ≥ k) = 0 for k ≥ 1 when λ = 0).

The public sees only cells with at least 3 complaints this week, so that no one complaint can be
placed within 500 m from the map; officials see every cell. A threshold on each map alone is not
enough once the public may filter: a cell of 4 that shows 3 with one district (or one category)
gives away the 1 complaint left over, and so would two categories under one heading, or a
category with and without a district. So, with a category or a district chosen, the public sees a
cell only when each of its rollup rows of the week (one category in one district: the atoms every
filtered count is a sum of) holds none or at least 3 complaints. Every count the public can get,
and every difference of such counts, is then a sum of atoms of 0 or 3 and more.

One query whatever the data: the rows of the 9 weeks summed per cell and district in the
database (at most a few thousand rows, one per cell and district); for the public's filtered map,
one more: the week's cells with an atom of 1 or 2.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import get_language

from ..models import CellRollup
from ..services.cells import cell_bounds, cell_centre, week_of
from .figures_cache import figures
from .stats import StatsFilter

BASELINE_WEEKS = 8
HOTSPOT_P_VALUE = 0.01
HOTSPOT_MIN_COUNT = 5
PUBLIC_MIN_COUNT = 3
BUSIEST_LIMIT = 20
LEVELS = 5


def poisson_upper_tail(k: int, expected: float) -> float:
    """P(X ≥ k) for X ~ Poisson(expected), summing the distribution's terms (in logarithms, so
    that neither e^(−λ) nor λ^k over- or underflows)."""
    if k <= 0:
        return 1.0
    if expected <= 0:
        return 0.0

    def term(i: int) -> float:
        return math.exp(-expected + i * math.log(expected) - math.lgamma(i + 1))

    if k <= expected:
        # Below the mean the tail is large: one minus the k terms under it.
        return min(1.0, max(0.0, 1.0 - math.fsum(term(i) for i in range(k))))
    # Above the mean the terms fall from the k-th on; add them until they no longer count.
    terms, i = [], k
    current = term(k)
    while current > 0 and (not terms or current > terms[0] * 1e-17):
        terms.append(current)
        i += 1
        current *= expected / i
    return min(1.0, math.fsum(terms))


def is_hotspot(count: int, p_value: float) -> bool:
    return count >= HOTSPOT_MIN_COUNT and p_value < HOTSPOT_P_VALUE


@dataclass(frozen=True)
class CellFigure:
    cell: int
    count: int  # complaints this week
    baseline: float  # weekly mean of the previous 8 weeks
    p_value: float
    is_hotspot: bool
    level: int  # 1–5: the count in fifths of the busiest cell's shown
    district_code: str  # the district with most of the cell's complaints this week ("" outside any)
    district_name: str
    south: float
    west: float
    north: float
    east: float
    latitude: float  # the centre
    longitude: float

    @property
    def p_value_display(self) -> str:
        return "< 0.0001" if self.p_value < 0.0001 else f"{self.p_value:.4f}"


@dataclass(frozen=True)
class DensityMap:
    week: date  # Monday
    week_end: date  # Sunday
    baseline_start: date  # the Monday 8 weeks before
    is_partial: bool  # the week is not over yet
    every_cell: bool  # officials: no cell left out
    cells: list[CellFigure]  # shown, busiest first
    hotspots: list[CellFigure]  # most significant first
    busiest: list[CellFigure]
    hidden_cells: int  # cells left out of the public map (fewer than 3 complaints, or a small atom)
    filtered: bool  # a category or a district was chosen (the public's stricter rule applies)
    total: int  # complaints this week in the shown cells


def _district_name(row) -> str:
    korean = row["district__name_ko"] or ""
    if (get_language() or "ko").startswith("en"):
        return row["district__name_en"] or korean
    return korean


def _rows(week: date, filters: StatsFilter):
    first = week - timedelta(weeks=BASELINE_WEEKS)
    rows = CellRollup.objects.filter(week__gte=first, week__lte=week)
    if filters.category_id is not None:
        # A heading covers its sub-categories, as everywhere on the dashboards.
        rows = rows.filter(Q(category_id=filters.category_id) | Q(category__parent_id=filters.category_id))
    if filters.district_id is not None:
        rows = rows.filter(district_id=filters.district_id)
    return (
        rows.values("cell", "district_id", "district__code", "district__name_ko", "district__name_en")
        .annotate(this_week=Sum("count", filter=Q(week=week)), before=Sum("count", filter=Q(week__lt=week)))
        .order_by()
    )


def _cells_with_small_atoms(week: date) -> frozenset[int]:
    """The cells of the week with a rollup row (one category in one district) of 1 or 2
    complaints, whatever the filter: what a filtered public map must leave out."""
    small = CellRollup.objects.filter(week=week, count__gt=0, count__lt=PUBLIC_MIN_COUNT)
    return frozenset(small.values_list("cell", flat=True).distinct().order_by())


def density_map(filters: StatsFilter, *, every_cell: bool = False, today: date | None = None) -> DensityMap:
    """The cells of the week holding `filters.end`, for the filter's category and district (its
    channel and unit do not apply: the cells are counted without them). `every_cell` (officials)
    keeps the cells the public does not see."""
    week = week_of(filters.end)
    today = today or timezone.localdate()
    per_cell: dict[int, dict] = {}
    for row in _rows(week, filters):
        this_week, before = row["this_week"] or 0, row["before"] or 0
        cell = per_cell.setdefault(row["cell"], {"count": 0, "before": 0, "district": None, "lead": (-1, -1, "")})
        cell["count"] += this_week
        cell["before"] += before
        lead = (this_week, before, row["district__code"] or "")
        if lead > cell["lead"]:
            cell["lead"], cell["district"] = lead, row

    counted = [(number, cell) for number, cell in per_cell.items() if cell["count"] > 0]
    filtered = filters.category_id is not None or filters.district_id is not None
    shown = counted
    if not every_cell:
        small_atoms = _cells_with_small_atoms(week) if filtered else frozenset()
        shown = [(number, cell) for number, cell in counted
                 if cell["count"] >= PUBLIC_MIN_COUNT and number not in small_atoms]  # fmt: skip
    busiest_count = max((cell["count"] for _number, cell in shown), default=0)
    figures = []
    for number, cell in shown:
        baseline = cell["before"] / BASELINE_WEEKS
        p_value = poisson_upper_tail(cell["count"], baseline)
        district = cell["district"]
        south, west, north, east = cell_bounds(number)
        latitude, longitude = cell_centre(number)
        figures.append(CellFigure(
            cell=number, count=cell["count"], baseline=round(baseline, 3), p_value=p_value,
            is_hotspot=is_hotspot(cell["count"], p_value),
            level=max(1, math.ceil(LEVELS * cell["count"] / busiest_count)),
            district_code=(district["district__code"] or "") if district else "",
            district_name=_district_name(district) if district else "",
            south=south, west=west, north=north, east=east, latitude=latitude, longitude=longitude,
        ))  # fmt: skip
    figures.sort(key=lambda figure: (-figure.count, figure.cell))
    hotspots = sorted((figure for figure in figures if figure.is_hotspot), key=lambda f: (f.p_value, -f.count, f.cell))
    return DensityMap(
        week=week,
        week_end=week + timedelta(days=6),
        baseline_start=week - timedelta(weeks=BASELINE_WEEKS),
        is_partial=today <= week + timedelta(days=6),
        every_cell=every_cell,
        cells=figures,
        hotspots=hotspots,
        busiest=figures[:BUSIEST_LIMIT],
        hidden_cells=len(counted) - len(shown),
        filtered=filtered,
        total=sum(figure.count for figure in figures),
    )


def density_figures(filters: StatsFilter, *, every_cell: bool = False) -> DensityMap:
    """`density_map()` as the pages ask for it: computed once per refresh of the rollups
    (selectors/figures_cache.py); the day is part of the key, as it decides whether the week is over."""
    return figures(
        "density", (filters, every_cell, timezone.localdate()), lambda: density_map(filters, every_cell=every_cell)
    )
