"""The density map's grid (cells of about 500 m over Seoul's box) and the weekly cell rollups,
recounted per week (Mondays, Seoul time) from the complaints with a location."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from freezegun import freeze_time

from complaints.deadlines import SEOUL
from complaints.models import CellRollup, Complaint
from complaints.services import cells
from complaints.services.cells import OutsideGrid, cell_bounds, cell_centre, cell_of, cells_rebuild, cells_refresh_weeks

from ..conftest import CITY_HALL, GANGNAM_STATION

# Hand-computed: City Hall is 156,535 µ° north of the box's south edge (row 34 of 4,500 µ°) and
# 217,969 µ° east of its west edge (column 38 of 5,700 µ°); 76 columns: 34 × 76 + 38 = 2622.
CITY_HALL_CELL = 2622
# Gangnam station: 87,942 µ° → row 19; 267,621 µ° → column 46; 19 × 76 + 46 = 1490.
GANGNAM_CELL = 1490
MONDAY = date(2026, 3, 2)
NEXT_MONDAY = date(2026, 3, 9)


def test_the_grid_is_69_rows_of_76_columns():
    assert (cells.ROWS, cells.COLUMNS, cells.CELL_COUNT) == (69, 76, 5244)


@pytest.mark.parametrize(
    ("latitude", "longitude", "cell"),
    [
        (*CITY_HALL, CITY_HALL_CELL),
        (*GANGNAM_STATION, GANGNAM_CELL),
        ("37.410000", "126.760000", 0),  # the south-west corner belongs to the first cell
        ("37.414499", "126.765699", 0),  # a micro-degree short of the next row and column
        ("37.414500", "126.760000", 76),  # the next row starts exactly 0.0045° north
        ("37.410000", "126.765700", 1),  # the next column exactly 0.0057° east
        (Decimal("37.719999"), Decimal("127.189999"), 68 * 76 + 75),  # the last cell
    ],
)
def test_cell_of_a_point(latitude, longitude, cell):
    assert cell_of(latitude, longitude) == cell


@pytest.mark.parametrize(
    ("latitude", "longitude"), [(37.72, 127.0), (37.5, 127.19), (37.409999, 127.0), (37.456256, 126.705206)]
)
def test_a_point_outside_the_box_has_no_cell(latitude, longitude):
    with pytest.raises(OutsideGrid):
        cell_of(latitude, longitude)


def test_cell_bounds_and_centre():
    assert cell_bounds(CITY_HALL_CELL) == (37.563, 126.9766, 37.5675, 126.9823)
    assert cell_centre(CITY_HALL_CELL) == (37.56525, 126.97945)
    south, west, north, east = cell_bounds(CITY_HALL_CELL)
    assert south <= CITY_HALL[0] < north and west <= CITY_HALL[1] < east
    with pytest.raises(OutsideGrid):
        cell_bounds(cells.CELL_COUNT)
    with pytest.raises(OutsideGrid):
        cell_bounds(-1)


def seoul(*args):
    return datetime(*args, tzinfo=SEOUL)


@pytest.fixture
def week_of_complaints(file_complaint, park_suggestion):
    """Week of 2 March 2026: two potholes at City Hall, one at Gangnam station, a park suggestion at
    City Hall, one without a place; and one pothole the next Monday just after midnight."""
    filed = [
        file_complaint(now=seoul(2026, 3, 2, 0, 0)),
        file_complaint(now=seoul(2026, 3, 8, 23, 59)),  # Sunday night: still the week of 2 March
        file_complaint(location=GANGNAM_STATION, now=seoul(2026, 3, 4, 12, 0)),
        file_complaint(category=park_suggestion, now=seoul(2026, 3, 5, 9, 0)),
        file_complaint(category=park_suggestion, location=None, now=seoul(2026, 3, 5, 10, 0)),
        file_complaint(now=seoul(2026, 3, 9, 0, 1)),  # Monday after: the next week
    ]
    return filed


def rows_of(week):
    return sorted(
        CellRollup.objects.filter(week=week).values_list("cell", "category__service_code", "district__code", "count")
    )


@pytest.mark.django_db
def test_refresh_counts_a_week_by_cell_category_and_district(week_of_complaints):
    # A stale row of the week is replaced; another week's row is left alone.
    CellRollup.objects.create(week=MONDAY, cell=5, count=9)
    CellRollup.objects.create(week=date(2026, 2, 23), cell=5, count=4)

    written = cells_refresh_weeks([date(2026, 3, 4)])  # any day stands for its week

    assert written == 3
    assert rows_of(MONDAY) == [
        (GANGNAM_CELL, "pothole", "11650", 1),  # the station sits in Seocho-gu
        (CITY_HALL_CELL, "park-idea", "11140", 1),
        (CITY_HALL_CELL, "pothole", "11140", 2),
    ]
    assert rows_of(date(2026, 2, 23)) == [(5, None, None, 4)]
    assert rows_of(NEXT_MONDAY) == []


@pytest.mark.django_db
def test_refresh_twice_counts_once_and_drops_what_moved_away(week_of_complaints):
    cells_refresh_weeks([MONDAY, NEXT_MONDAY])
    assert rows_of(NEXT_MONDAY) == [(CITY_HALL_CELL, "pothole", "11140", 1)]
    Complaint.objects.filter(pk=week_of_complaints[2].pk).update(latitude=None, longitude=None)

    cells_refresh_weeks([MONDAY, MONDAY])

    assert rows_of(MONDAY) == [(CITY_HALL_CELL, "park-idea", "11140", 1), (CITY_HALL_CELL, "pothole", "11140", 2)]


@pytest.mark.django_db
def test_the_database_puts_a_point_on_an_edge_in_the_same_cell_as_python(file_complaint):
    complaint = file_complaint(now=seoul(2026, 3, 3, 9, 0))
    # Exactly on the line between rows 34 and 35 and columns 38 and 39: the north-east cell.
    Complaint.objects.filter(pk=complaint.pk).update(latitude=Decimal("37.567500"), longitude=Decimal("126.982300"))
    cells_refresh_weeks([MONDAY])
    assert cell_of("37.567500", "126.982300") == 35 * 76 + 39
    assert list(CellRollup.objects.values_list("cell", flat=True)) == [35 * 76 + 39]


@pytest.mark.django_db
def test_rebuild_recounts_every_week_and_drops_the_rest(week_of_complaints):
    CellRollup.objects.create(week=date(2020, 1, 6), cell=7, count=3)
    CellRollup.objects.create(week=MONDAY, cell=7, count=3)
    seen = []

    with freeze_time(seoul(2026, 3, 18, 12, 0)):  # a Wednesday: the weeks of 2, 9 and 16 March
        written = cells_rebuild(progress=seen.append)

    assert written == 4
    assert seen == [
        "cells 2026-03-02: week 1 of 3, 3 rows",
        "cells 2026-03-09: week 2 of 3, 4 rows",
        "cells 2026-03-16: week 3 of 3, 4 rows",
    ]
    assert sorted(CellRollup.objects.values_list("week", flat=True).distinct()) == [MONDAY, NEXT_MONDAY]
    assert sum(CellRollup.objects.values_list("count", flat=True)) == 5


@pytest.mark.django_db
def test_rebuild_without_complaints_empties_the_cells():
    CellRollup.objects.create(week=MONDAY, cell=7, count=3)
    assert cells_rebuild() == 0
    assert not CellRollup.objects.exists()


@pytest.mark.django_db
def test_rebuild_issues_a_query_per_week_whatever_the_complaints(week_of_complaints, django_assert_max_num_queries):
    # 3 weeks: the span (1) + per week a count, a delete and an insert (and savepoints) + the cleanup.
    with freeze_time(seoul(2026, 3, 18, 12, 0)), django_assert_max_num_queries(1 + 3 * 6 + 1):
        cells_rebuild()
