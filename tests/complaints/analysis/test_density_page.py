"""The density map's page (/complaints/stats/map/), its GeoJSON and CSV: the week's squares with the
hotspots as tables (the page says everything without JavaScript), the public's suppression of small
squares, bad filters answered 400 with the reason, and a constant number of queries."""

import csv
import io
from datetime import date, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from freezegun import freeze_time

from citizens.backends import PASSWORD_BACKEND
from citizens.models import District
from complaints.deadlines import SEOUL
from complaints.models import CellRollup

WEEK = date(2026, 3, 9)
BEFORE = [date(2026, 1, 12), date(2026, 1, 19), date(2026, 1, 26), date(2026, 2, 2), date(2026, 2, 9),
          date(2026, 2, 16), date(2026, 2, 23), date(2026, 3, 2)]  # fmt: skip
CITY_HALL_CELL, GANGNAM_CELL, SMALL_CELL = 2622, 1490, 300
PERIOD = {"period": "custom", "start": "2026-03-01", "end": "2026-03-11"}


@pytest.fixture(autouse=True)
def _thursday_after():
    with freeze_time(datetime(2026, 3, 19, 12, 0, tzinfo=SEOUL)):
        yield


def add(week, cell, count, category, district):
    CellRollup.objects.create(week=week, cell=cell, count=count, category=category,
                              district=District.objects.get(code=district))  # fmt: skip


@pytest.fixture
def rollups(pothole, park_suggestion):
    # City Hall's square: 5 potholes this week against 1 a week before (p = 0.0037): a hotspot.
    add(WEEK, CITY_HALL_CELL, 5, pothole, "11140")
    for monday in BEFORE:
        add(monday, CITY_HALL_CELL, 1, pothole, "11140")
    # Gangnam's square: 3 park suggestions, none before: shown but not a hotspot (fewer than 5).
    add(WEEK, GANGNAM_CELL, 3, park_suggestion, "11680")
    # A square with 2: officials only.
    add(WEEK, SMALL_CELL, 2, pothole, "11680")


@pytest.fixture
def official(make_official, roads, client):
    client.force_login(make_official(roads), backend=PASSWORD_BACKEND)
    return client


def page(client, **params):
    return client.get(reverse("complaints:density"), {**PERIOD, **params})


def cells(client, **params):
    return client.get(reverse("complaints:density_cells"), {**PERIOD, **params})


def shown_cells(response):
    return [figure.cell for figure in response.context["figures"].cells]


@pytest.mark.django_db
def test_the_page_shows_the_week_hotspots_and_busiest_squares(client, rollups):
    response = page(client)

    assert response.status_code == 200
    figures = response.context["figures"]
    assert (figures.week, figures.week_end, figures.is_partial, figures.hidden_cells) == (
        WEEK,
        date(2026, 3, 15),
        False,
        1,
    )
    assert shown_cells(response) == [CITY_HALL_CELL, GANGNAM_CELL]
    html = response.content.decode()
    hotspots = html.split('id="density-hotspots"')[1].split("</table>")[0]
    busiest = html.split('id="density-busiest"')[1].split("</table>")[0]
    assert f'data-cell="{CITY_HALL_CELL}"' in hotspots and f'data-cell="{GANGNAM_CELL}"' not in hotspots
    assert f'data-cell="{CITY_HALL_CELL}"' in busiest and f'data-cell="{GANGNAM_CELL}"' in busiest
    assert f'data-cell="{SMALL_CELL}"' not in html
    # The centre of City Hall's square, its district and figures, in the table itself.
    row = hotspots.split(f'data-cell="{CITY_HALL_CELL}"')[1].split("</tr>")[0]
    assert "37.5653, 126.9795" in row and "중구" in row and ">5<" in row and ">1.00<" in row and "0.0037" in row
    assert 'data-cells-url="/complaints/stats/map/cells.geojson?period=custom' in html
    assert "format=csv" in html
    assert 'id="density-results"' in html


@pytest.mark.django_db
def test_the_method_and_the_suppression_are_stated(client, rollups):
    with translation.override("en"):
        html = page(client).content.decode()
    assert "at least 5 complaints" in html and "under 0.01" in html and "previous 8 weeks" in html
    assert "fewer than 3 complaints" in html and "(1 left out)" in html


@pytest.mark.django_db
def test_a_category_and_a_district(client, rollups):
    assert shown_cells(page(client, category="pothole")) == [CITY_HALL_CELL]
    assert shown_cells(page(client, district="11680")) == [GANGNAM_CELL]


@pytest.mark.django_db
def test_officials_see_every_square(official, rollups):
    response = page(official)
    assert shown_cells(response) == [CITY_HALL_CELL, GANGNAM_CELL, SMALL_CELL]
    assert f'data-cell="{SMALL_CELL}"' in response.content.decode()
    data = cells(official)
    assert [feature["id"] for feature in data.json()["features"]] == [CITY_HALL_CELL, GANGNAM_CELL, SMALL_CELL]
    assert "private" in data["Cache-Control"]


@pytest.mark.django_db
def test_the_geojson_of_the_squares(client, rollups):
    response = cells(client)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    assert "public" in response["Cache-Control"]
    data = response.json()
    assert (data["week"], data["week_end"], data["hidden_cells"], data["every_cell"]) == (
        "2026-03-09",
        "2026-03-15",
        1,
        False,
    )
    city_hall, gangnam = data["features"]
    assert city_hall["geometry"] == {"type": "Polygon", "coordinates": [[
        [126.9766, 37.563], [126.9823, 37.563], [126.9823, 37.5675], [126.9766, 37.5675], [126.9766, 37.563],
    ]]}  # fmt: skip
    properties = city_hall["properties"]
    assert (properties["count"], properties["baseline"], properties["hotspot"], properties["level"]) == (
        5,
        1.0,
        True,
        5,
    )
    assert properties["p_value"] == pytest.approx(0.0036598468, rel=1e-6)
    assert (properties["district_code"], properties["latitude"], properties["longitude"]) == (
        "11140",
        37.56525,
        126.97945,
    )
    # 3 of the busiest 5: level ⌈5 × 3/5⌉ = 3; none before: p = 0, but fewer than 5 is no hotspot.
    assert (gangnam["properties"]["level"], gangnam["properties"]["p_value"], gangnam["properties"]["hotspot"]) == (
        3,
        0.0,
        False,
    )


@pytest.mark.django_db
def test_the_csv_of_the_squares(client, rollups):
    response = cells(client, format="csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="complaint-density-2026-03-09.csv"' in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) == 3 and len(rows[0]) == 14
    assert rows[1][:2] == ["2026-03-09", str(CITY_HALL_CELL)]
    assert rows[1][2] == "11140" and rows[1][4:6] == ["37.56525", "126.97945"]
    assert rows[1][10:] == ["5", "1.0", "0.00365985", "1"]
    assert rows[2][1] == str(GANGNAM_CELL) and rows[2][10:] == ["3", "0.0", "0", "0"]


@pytest.mark.django_db
def test_the_page_link_and_csv_link_keep_the_filters(client, rollups):
    html = page(client, category="pothole", district="11140").content.decode()
    assert (
        "/complaints/stats/map/cells.geojson?period=custom&amp;start=2026-03-01&amp;end=2026-03-11&amp;category=pothole&amp;district=11140&amp;format=csv"
        in html
    )


@pytest.mark.django_db
def test_htmx_gets_the_results_alone(client, rollups):
    headers = {"HX-Request": "true", "HX-Target": "density-results"}
    response = client.get(reverse("complaints:density"), PERIOD, headers=headers)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith("<div") and 'id="density-results"' in html and "<html" not in html
    assert "HX-Request" in response["Vary"]


@pytest.mark.parametrize(
    ("params", "problem"),
    [
        ({"start": "2026-03-11", "end": "2026-03-01"}, "The period starts after it ends: swap the dates."),
        ({"category": "no-such-thing"}, None),
        ({"district": "' OR 1=1 --"}, None),
        ({"start": "1900-01-01"}, None),
        ({"start": "2026-13-45"}, None),
        ({"end": "2099-01-01"}, "The period cannot end after today."),
        ({"period": "<script>alert(1)</script>"}, None),
    ],
)
@pytest.mark.django_db
def test_bad_filters_are_a_400_with_the_reason(client, rollups, params, problem):
    with translation.override("en"):
        response = page(client, **params)
        geojson = cells(client, **params)
        as_csv = cells(client, format="csv", **params)
    assert response.status_code == 400
    assert response.context["figures"] is None and response.context["problems"]
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert 'role="alert"' in html and 'id="density-hotspots"' not in html
    assert geojson.status_code == 400 and geojson.json()["problems"]
    assert as_csv.status_code == 400 and as_csv["Content-Type"].startswith("text/plain")
    if problem:
        assert problem in html
        assert any(problem in line for line in geojson.json()["problems"])


@pytest.mark.django_db
def test_an_unknown_format_is_a_400(client, rollups):
    for params in ({"format": "xml"}, {"format": ["csv", "geojson"]}):
        response = cells(client, **params)
        assert response.status_code == 400
        with translation.override("en"):
            assert gettext("There is no such format.")[:10] in cells(client, **params).content.decode()


@pytest.mark.django_db
def test_a_week_without_complaints(client):
    response = page(client)
    assert response.status_code == 200
    assert response.context["figures"].cells == []
    assert cells(client).json()["features"] == []


@pytest.mark.django_db
def test_queries_do_not_grow_with_the_squares(client, rollups, pothole, park_suggestion):
    def count(fetch):
        with CaptureQueriesContext(connection) as queries:
            assert fetch().status_code == 200
        return len(queries)

    small = (count(lambda: page(client, category="pothole")), count(lambda: cells(client)),
             count(lambda: cells(client, format="csv")))  # fmt: skip
    CellRollup.objects.bulk_create(
        CellRollup(week=monday, cell=cell, count=cell % 9 + 1, category=category)
        for monday in [*BEFORE, WEEK] for cell in range(0, 5000, 7) for category in (pothole, park_suggestion)
    )  # fmt: skip
    large = (count(lambda: page(client, category="pothole")), count(lambda: cells(client)),
             count(lambda: cells(client, format="csv")))  # fmt: skip
    assert small == large
    assert len(page(client).context["figures"].cells) > 500


@pytest.fixture
def viewer(request, client, make_citizen, make_official, roads):
    """The density map's audience, by role: who is signed in (None: nobody)."""
    users = {
        "anonymous": lambda: None,
        "citizen": lambda: make_citizen(),
        "staff without a unit": lambda: make_official(),
        "unit official": lambda: make_official(roads),
        "any-unit official": lambda: make_official(permissions=("handle_any_unit",)),
    }
    user = users[request.param]()
    if user is not None:
        client.force_login(user, backend=PASSWORD_BACKEND)
    return client


@pytest.mark.parametrize(
    ("viewer", "sees_every_square"),
    [
        ("anonymous", False),
        ("citizen", False),
        ("staff without a unit", False),
        ("unit official", True),
        ("any-unit official", True),
    ],
    indirect=["viewer"],
)
@pytest.mark.django_db
def test_who_sees_every_square(viewer, rollups, sees_every_square):
    response = page(viewer)
    every = [CITY_HALL_CELL, GANGNAM_CELL, SMALL_CELL]
    assert shown_cells(response) == (every if sees_every_square else every[:2])
    assert response.context["figures"].every_cell is sees_every_square
    data = cells(viewer)
    assert [feature["id"] for feature in data.json()["features"]] == (every if sees_every_square else every[:2])
    assert ("private" in data["Cache-Control"]) is sees_every_square
    assert ("public" in data["Cache-Control"]) is not sees_every_square


@pytest.mark.django_db
def test_a_district_cannot_reveal_what_is_left_of_a_square(client, rollups, park_suggestion):
    """The review's bypass: City Hall's square holds 5 potholes in Jung-gu; with 1 park suggestion
    in Jongno-gu it shows 6, and a Jung-gu map showing 5 would place that one suggestion."""
    add(WEEK, CITY_HALL_CELL, 1, park_suggestion, "11110")
    assert shown_cells(page(client)) == [CITY_HALL_CELL, GANGNAM_CELL]
    assert page(client).context["figures"].cells[0].count == 6
    jung = page(client, district="11140")
    assert shown_cells(jung) == []
    assert [feature["id"] for feature in cells(client, district="11140").json()["features"]] == []
    as_csv = b"".join(cells(client, district="11140", format="csv").streaming_content).decode("utf-8")
    assert len(as_csv.strip().splitlines()) == 1  # the header alone
    with translation.override("en"):
        html = page(client, district="11140").content.decode()
        unfiltered = page(client).content.decode()
    rule = "With a category or a district chosen, a square is also left out when one category in one of its"
    assert rule in html and rule not in unfiltered
