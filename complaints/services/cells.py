"""The density map's grid and its weekly cell rollups (`CellRollup`).

The grid covers Seoul's bounding box (`geography.SEOUL_BOX`, the box static/complaints/map.js
draws) with cells of about 500 m: 0.0045° of latitude (501 m) by 0.0057° of longitude (502 m at
Seoul's latitude, 37.56° N), 69 rows of 76 columns. A cell's number is `row × COLUMNS + column`,
counted from the south-west corner.

The arithmetic runs on whole micro-degrees (latitude and longitude are stored with six decimals):
integer division then gives the same cell in the database (PostgreSQL or SQLite, whose decimals
are floats) as in Python, where a float division could put a point on a cell's edge on either side.

A week is Monday to Sunday in Seoul time (`CellRollup.week` is its Monday). Recounting a week
replaces its rows in one transaction: the map never shows a week half counted. On PostgreSQL that
transaction first takes an advisory lock on the week, then counts: two recounts of the same week
at once (the rollups' refresh and `complaints_rollup --rebuild`) run one after the other, where
the second would have crashed on the rows' unique constraint, or written a count older than the
first's (SQLite serialises writers anyway).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count, F, IntegerField, Max, Min, Value
from django.db.models.functions import Cast, Round
from django.utils import timezone

from ..deadlines import SEOUL
from ..geography import SEOUL_BOX
from ..models import CellRollup, Complaint

MICRO = 1_000_000
WEST_MICRO, SOUTH_MICRO, EAST_MICRO, NORTH_MICRO = (round(Decimal(str(edge)) * MICRO) for edge in SEOUL_BOX)
LATITUDE_STEP_MICRO = 4_500  # 0.0045° ≈ 501 m
LONGITUDE_STEP_MICRO = 5_700  # 0.0057° ≈ 502 m at 37.56° N
ROWS = -(-(NORTH_MICRO - SOUTH_MICRO) // LATITUDE_STEP_MICRO)
COLUMNS = -(-(EAST_MICRO - WEST_MICRO) // LONGITUDE_STEP_MICRO)
CELL_COUNT = ROWS * COLUMNS
# The class of the weeks' advisory locks (the first of the two 32-bit keys; the week is the other).
WEEK_LOCK_CLASS = int.from_bytes(hashlib.sha256(b"seoul-portal:complaints:cell-week").digest()[:4], "big", signed=True)


class OutsideGrid(ValueError):
    pass


def _micro(value) -> int:
    return round(Decimal(str(value)) * MICRO)


def cell_of(latitude, longitude) -> int:
    """The cell holding the point; OutsideGrid when it is outside Seoul's box (the south and west
    edges belong to the grid, the north and east edges do not)."""
    lat, lon = _micro(latitude), _micro(longitude)
    if not (SOUTH_MICRO <= lat < NORTH_MICRO and WEST_MICRO <= lon < EAST_MICRO):
        raise OutsideGrid(f"{latitude}, {longitude} is outside the map's grid")
    return (lat - SOUTH_MICRO) // LATITUDE_STEP_MICRO * COLUMNS + (lon - WEST_MICRO) // LONGITUDE_STEP_MICRO


def cell_bounds(cell: int) -> tuple[float, float, float, float]:
    """(south, west, north, east) of the cell, in degrees."""
    if not (isinstance(cell, int) and 0 <= cell < CELL_COUNT):
        raise OutsideGrid(f"no cell {cell!r}")
    row, column = divmod(cell, COLUMNS)
    south = SOUTH_MICRO + row * LATITUDE_STEP_MICRO
    west = WEST_MICRO + column * LONGITUDE_STEP_MICRO
    return (south / MICRO, west / MICRO, (south + LATITUDE_STEP_MICRO) / MICRO, (west + LONGITUDE_STEP_MICRO) / MICRO)


def cell_centre(cell: int) -> tuple[float, float]:
    """(latitude, longitude) of the cell's centre, rounded to six decimals."""
    south, west, north, east = cell_bounds(cell)
    return round((south + north) / 2, 6), round((west + east) / 2, 6)


def week_of(day: date) -> date:
    """The Monday of the day's week."""
    return day - timedelta(days=day.weekday())


def _micro_expression(field: str):
    # ROUND first: on SQLite a decimal is a float, and 37.566535 × 10⁶ may come out a hair below.
    return Cast(Round(F(field) * Value(MICRO)), IntegerField())


def _cell_expression():
    row = (_micro_expression("latitude") - Value(SOUTH_MICRO)) / Value(LATITUDE_STEP_MICRO)
    column = (_micro_expression("longitude") - Value(WEST_MICRO)) / Value(LONGITUDE_STEP_MICRO)
    # Integer division of non-negative integers on both backends: the floor.
    return Cast(row * Value(COLUMNS) + column, IntegerField())


def _located_in_grid():
    return Complaint.objects.filter(
        latitude__gte=Decimal(SOUTH_MICRO) / MICRO, latitude__lt=Decimal(NORTH_MICRO) / MICRO,
        longitude__gte=Decimal(WEST_MICRO) / MICRO, longitude__lt=Decimal(EAST_MICRO) / MICRO,
    )  # fmt: skip


def _week_span(monday: date) -> tuple[datetime, datetime]:
    start = datetime.combine(monday, time.min, tzinfo=SEOUL)
    return start, start + timedelta(days=7)


def _count_week(monday: date) -> list[CellRollup]:
    start, end = _week_span(monday)
    rows = (
        _located_in_grid()
        .filter(received_at__gte=start, received_at__lt=end)
        .annotate(cell=_cell_expression())
        .values("cell", "category_id", "district_id")
        .annotate(complaints=Count("id"))
        .order_by()
    )
    return [
        CellRollup(week=monday, cell=row["cell"], category_id=row["category_id"], district_id=row["district_id"],
                   count=row["complaints"])
        for row in rows
    ]  # fmt: skip


def _lock_week(monday: date) -> None:
    """Hold the week until the current transaction ends (PostgreSQL)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [WEEK_LOCK_CLASS, monday.toordinal()])


def cells_refresh_weeks(weeks: Iterable[date]) -> int:
    """Recount the cell rollups of these weeks (any day of a week stands for its Monday) from the
    complaints with a location received in them. Each week is locked, counted and replaced in one
    transaction (weeks in date order, so two callers never wait for each other in a cycle).
    Returns the number of rows written."""
    written = 0
    for monday in sorted({week_of(day) for day in weeks}):
        with transaction.atomic():
            _lock_week(monday)
            rows = _count_week(monday)
            CellRollup.objects.filter(week=monday).delete()
            CellRollup.objects.bulk_create(rows, batch_size=2_000)
        written += len(rows)
    return written


def cells_rebuild(
    *, progress: Callable[[str], None] | None = None, step: Callable[[int, int], None] | None = None
) -> int:
    """Recount every week from the first complaint's to the current one, a week at a time (one
    grouped query each: memory holds one week's rows, a few thousand at most), then drop the rows
    of weeks outside that span. `progress(message)` (as rollups_rebuild's: an operator's line) is
    told each week done, and `step(weeks done, weeks in all)` (a command's progress bar). Returns
    the number of rows written."""
    span = Complaint.objects.filter(latitude__isnull=False).aggregate(first=Min("received_at"), last=Max("received_at"))
    if span["first"] is None:
        CellRollup.objects.all().delete()
        return 0
    first = week_of(timezone.localtime(span["first"], SEOUL).date())
    last = week_of(max(timezone.localtime(span["last"], SEOUL).date(), timezone.localdate(timezone=SEOUL)))
    total = (last - first).days // 7 + 1
    written = 0
    for index in range(total):
        monday = first + timedelta(weeks=index)
        written += cells_refresh_weeks([monday])
        if progress is not None:
            progress(f"cells {monday:%Y-%m-%d}: week {index + 1} of {total}, {written} rows")
        if step is not None:
            step(index + 1, total)
    CellRollup.objects.exclude(week__range=(first, last)).delete()
    return written
