"""Hotspots of the density map: a cell whose count this week is significantly above the mean of its
previous 8 weeks (Poisson upper tail, p < 0.01, at least 5 complaints), read from the cell
rollups in one query; the public does not see cells with fewer than 3 complaints."""

import math
from datetime import date

import pytest

from citizens.models import District
from complaints.models import Category, CellRollup
from complaints.selectors.density import density_map, poisson_upper_tail
from complaints.selectors.stats import StatsFilter

WEEK = date(2026, 3, 9)  # the Monday of the week shown
WEDNESDAY = date(2026, 3, 11)
BASELINE_MONDAYS = [date(2026, 1, 12), date(2026, 1, 19), date(2026, 1, 26), date(2026, 2, 2), date(2026, 2, 9),
                    date(2026, 2, 16), date(2026, 2, 23), date(2026, 3, 2)]  # fmt: skip
CELL_A, CELL_B, CELL_C, CELL_D, CELL_E, CELL_F, CELL_G = 2622, 1490, 100, 200, 300, 400, 500


@pytest.mark.parametrize(
    ("k", "expected", "p_value"),
    [
        # 1 − e^−1 (1 + 1 + 1/2 + 1/6 + 1/24) = 1 − 0.36787944 × 2.70833333
        (5, 1.0, 0.0036598468),
        # 1 − e^−2 (1 + 2 + 2 + 4/3 + 2/3) = 1 − 0.13533528 × 7
        (5, 2.0, 0.0526530173),
        # 1 − e^−1.5 (1 + 1.5 + 1.125 + 0.5625 + 0.2109375 + 0.06328125)
        (6, 1.5, 0.0044559807),
        (1, 0.5, 1 - math.exp(-0.5)),
        (0, 3.0, 1.0),  # anything is at least 0
        (5, 0.0, 0.0),  # nothing expected: 5 cannot happen by chance
        (1, 0.0, 0.0),
    ],
)
def test_poisson_upper_tail_by_hand(k, expected, p_value):
    assert poisson_upper_tail(k, expected) == pytest.approx(p_value, rel=1e-7, abs=1e-12)


def test_poisson_upper_tail_far_in_both_tails():
    # Far above a large mean the tail is tiny but not zero; far below, it is all but certain.
    assert 0 < poisson_upper_tail(200, 100.0) < 1e-15
    assert 1 - 1e-7 < poisson_upper_tail(50, 100.0) < 1
    # λ = 800: e^−800 underflows a float; the logarithms keep the median near one half.
    assert 0.45 < poisson_upper_tail(800, 800.0) < 0.55


def add(week, cell, count, *, category, district):
    CellRollup.objects.create(week=week, cell=cell, count=count, category=category,
                              district=District.objects.get(code=district) if district else None)  # fmt: skip


@pytest.fixture
def rollups(pothole, park_suggestion):
    # A: 5 this week (4 in Jung-gu, 1 in Jongno-gu), 1 a week before → λ = 1, p = 0.0037: a hotspot.
    add(WEEK, CELL_A, 4, category=pothole, district="11140")
    add(WEEK, CELL_A, 1, category=pothole, district="11110")
    for monday in BASELINE_MONDAYS:
        add(monday, CELL_A, 1, category=pothole, district="11140")
    add(date(2026, 3, 16), CELL_A, 50, category=pothole, district="11140")  # the week after: not counted
    # B: 5 this week, 2 a week before → λ = 2, p = 0.053: not a hotspot.
    add(WEEK, CELL_B, 5, category=pothole, district="11650")
    for monday in BASELINE_MONDAYS:
        add(monday, CELL_B, 2, category=pothole, district="11650")
    add(date(2026, 1, 5), CELL_B, 80, category=pothole, district="11650")  # 9 weeks before: not in the baseline
    # C: 5 out of nothing (λ = 0): a hotspot. D: 4 out of nothing: too few to be one.
    add(WEEK, CELL_C, 5, category=pothole, district="11680")
    add(WEEK, CELL_D, 4, category=pothole, district="11680")
    # E: 2 this week: the public does not see it. F: complaints before, none this week: not shown.
    add(WEEK, CELL_E, 2, category=pothole, district="11680")
    add(date(2026, 3, 2), CELL_F, 3, category=pothole, district="11680")
    # G: 6 park suggestions out of nothing: a hotspot, but not of potholes.
    add(WEEK, CELL_G, 6, category=park_suggestion, district="11140")


def shown(result):
    return {figure.cell: figure for figure in result.cells}


@pytest.mark.django_db
def test_public_map_of_every_category(rollups, django_assert_num_queries):
    with django_assert_num_queries(1):
        result = density_map(StatsFilter(start=date(2026, 2, 1), end=WEDNESDAY), today=date(2026, 3, 20))

    assert (result.week, result.week_end, result.baseline_start) == (WEEK, date(2026, 3, 15), date(2026, 1, 12))
    assert result.is_partial is False
    cells = shown(result)
    assert set(cells) == {CELL_A, CELL_B, CELL_C, CELL_D, CELL_G}
    assert result.hidden_cells == 1  # E
    assert result.total == 5 + 5 + 5 + 4 + 6
    a = cells[CELL_A]
    assert (a.count, a.baseline, a.is_hotspot, a.district_code) == (5, 1.0, True, "11140")
    assert a.p_value == pytest.approx(0.0036598468, rel=1e-7)
    assert (a.south, a.west, a.north, a.east) == (37.563, 126.9766, 37.5675, 126.9823)
    assert (a.latitude, a.longitude) == (37.56525, 126.97945)
    assert (cells[CELL_B].baseline, cells[CELL_B].is_hotspot) == (2.0, False)
    assert (cells[CELL_C].p_value, cells[CELL_C].is_hotspot) == (0.0, True)
    assert (cells[CELL_D].p_value, cells[CELL_D].is_hotspot) == (0.0, False)
    # The most significant first (p = 0: the larger count first).
    assert [figure.cell for figure in result.hotspots] == [CELL_G, CELL_C, CELL_A]
    # Busiest first; ties by cell number. Levels in fifths of the busiest (6): ⌈5 × 5/6⌉ = 5, ⌈5 × 4/6⌉ = 4.
    assert [figure.cell for figure in result.busiest] == [CELL_G, CELL_C, CELL_B, CELL_A, CELL_D]
    assert [figure.level for figure in result.busiest] == [5, 5, 5, 5, 4]


@pytest.mark.django_db
def test_officials_see_every_cell(rollups):
    result = density_map(StatsFilter(start=WEEK, end=WEDNESDAY), every_cell=True, today=WEDNESDAY)
    cells = shown(result)
    assert set(cells) == {CELL_A, CELL_B, CELL_C, CELL_D, CELL_E, CELL_G}
    assert (cells[CELL_E].count, cells[CELL_E].level, result.hidden_cells) == (2, 2, 0)
    assert result.is_partial is True  # Wednesday of the week shown


@pytest.mark.django_db
def test_a_category_and_its_heading(rollups, pothole):
    only_potholes = density_map(StatsFilter(start=WEEK, end=WEDNESDAY, category_id=pothole.pk), every_cell=True)
    assert set(shown(only_potholes)) == {CELL_A, CELL_B, CELL_C, CELL_D, CELL_E}
    assert [figure.cell for figure in only_potholes.hotspots] == [CELL_C, CELL_A]
    # The public's filtered map leaves out A too: its 1 Jongno-gu pothole is an atom under 3.
    public = density_map(StatsFilter(start=WEEK, end=WEDNESDAY, category_id=pothole.pk))
    assert set(shown(public)) == {CELL_B, CELL_C, CELL_D}
    assert (public.hidden_cells, public.filtered) == (2, True)

    roads = Category.objects.create(service_code="roads", name_ko="도로", name_en="Roads",
                                    default_unit=pothole.default_unit, complaint_type=pothole.complaint_type)  # fmt: skip
    Category.objects.filter(pk=pothole.pk).update(parent=roads)
    under_heading = density_map(StatsFilter(start=WEEK, end=WEDNESDAY, category_id=roads.pk), every_cell=True)
    assert set(shown(under_heading)) == {CELL_A, CELL_B, CELL_C, CELL_D, CELL_E}


@pytest.mark.django_db
def test_a_district(rollups):
    gangnam = District.objects.get(code="11680")
    result = density_map(StatsFilter(start=WEEK, end=WEDNESDAY, district_id=gangnam.pk), every_cell=True)
    assert {figure.cell: figure.count for figure in result.cells} == {CELL_C: 5, CELL_D: 4, CELL_E: 2}
    # Jung-gu alone: A counts its 4 Jung-gu complaints against a baseline of 1: p = 0.019, no hotspot.
    jung_filter = StatsFilter(start=WEEK, end=WEDNESDAY, district_id=District.objects.get(code="11140").pk)
    jung = density_map(jung_filter, every_cell=True)
    a = shown(jung)[CELL_A]
    assert (a.count, a.is_hotspot) == (4, False)
    assert a.p_value == pytest.approx(1 - math.exp(-1) * (1 + 1 + 1 / 2 + 1 / 6), rel=1e-7)


@pytest.mark.django_db
def test_a_week_without_complaints_is_empty(rollups):
    result = density_map(StatsFilter(start=date(2025, 1, 1), end=date(2025, 1, 1)))
    assert (result.cells, result.hotspots, result.hidden_cells, result.total) == ([], [], 0, 0)


@pytest.mark.django_db
def test_one_query_whatever_the_rollups(pothole, django_assert_num_queries):
    filters = StatsFilter(start=WEEK, end=WEDNESDAY, category_id=pothole.pk)
    # The public's filtered map: the cells and the week's small atoms.
    with django_assert_num_queries(2):
        density_map(filters)
    CellRollup.objects.bulk_create(
        CellRollup(week=monday, cell=cell, count=cell % 7 + 1, category=pothole)
        for monday in [*BASELINE_MONDAYS, WEEK] for cell in range(0, 3000, 3)
    )  # fmt: skip
    with django_assert_num_queries(2):
        result = density_map(filters)
    with django_assert_num_queries(1):
        density_map(filters, every_cell=True)
    assert len(result.cells) == sum(1 for cell in range(0, 3000, 3) if cell % 7 + 1 >= 3)


@pytest.mark.django_db
def test_filters_cannot_single_out_a_complaint(pothole, park_suggestion):
    """The bypass: a cell of 4 (3 in Jung-gu, 1 in Jongno-gu) shows 4 on the public map; had the
    Jung-gu map shown 3, the difference would place the 1 Jongno-gu complaint in the square."""
    week_filter = {"start": WEEK, "end": WEDNESDAY}
    jung, jongno = District.objects.get(code="11140"), District.objects.get(code="11110")
    add(WEEK, CELL_A, 3, category=pothole, district="11140")
    add(WEEK, CELL_A, 1, category=pothole, district="11110")
    # B: 3 potholes and 3 park suggestions, all in Jung-gu: every atom is 3, every view is safe.
    add(WEEK, CELL_B, 3, category=pothole, district="11140")
    add(WEEK, CELL_B, 3, category=park_suggestion, district="11140")

    def public(**chosen):
        return {figure.cell: figure.count for figure in density_map(StatsFilter(**week_filter, **chosen)).cells}

    assert public() == {CELL_A: 4, CELL_B: 6}
    assert public(district_id=jung.pk) == {CELL_B: 6}
    assert public(district_id=jongno.pk) == {}
    # Potholes alone would show A's 4, equal to the whole, but with the district the atoms could
    # still be told apart: the rule leaves A out of every filtered public map.
    assert public(category_id=pothole.pk) == {CELL_B: 3}
    assert public(category_id=park_suggestion.pk, district_id=jung.pk) == {CELL_B: 3}
    # Officials still see every filtered count.
    officials = density_map(StatsFilter(**week_filter, district_id=jung.pk), every_cell=True)
    assert {figure.cell: figure.count for figure in officials.cells} == {CELL_A: 3, CELL_B: 6}


@pytest.mark.django_db
def test_small_atoms_of_other_weeks_do_not_hide_a_cell(pothole):
    add(WEEK, CELL_A, 3, category=pothole, district="11140")
    add(BASELINE_MONDAYS[-1], CELL_A, 1, category=pothole, district="11110")  # the week before
    result = density_map(StatsFilter(start=WEEK, end=WEDNESDAY, category_id=pothole.pk))
    assert [(figure.cell, figure.count, figure.baseline) for figure in result.cells] == [(CELL_A, 3, 0.125)]
