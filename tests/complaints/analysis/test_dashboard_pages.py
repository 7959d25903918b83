"""The public dashboard (/complaints/stats/) and its CSV tables, on the hand-computed rollups of
dashboard_data.py; the chart geometry (complaints/charts.py); bad filters; query counts."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext, pgettext
from freezegun import freeze_time

from complaints import charts
from complaints.models import Category, ComplaintType
from complaints.models.analytics import DailyRollup
from complaints.selectors.stats import Point

from .dashboard_data import NOW, write_more_rollups, write_rollups

PAGE = "/en/complaints/stats/"


def csv_url(table, query="", language="en"):
    prefix = "/en" if language == "en" else ""
    return f"{prefix}/complaints/stats/{table}.csv" + (f"?{query}" if query else "")


@pytest.fixture
def frozen():
    with freeze_time(NOW):
        yield


@pytest.fixture
def figures(db, frozen, settings, pothole, park_suggestion, roads, parks):
    settings.COMPLAINT_STATS_UNIT_MIN_SAMPLE = 2
    write_rollups(pothole=pothole, park_suggestion=park_suggestion, roads=roads, parks=parks)


def read_csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff"), "Excel needs the byte-order mark to read UTF-8"
    return list(csv.reader(io.StringIO(body[1:])))


# --- The page ---------------------------------------------------------------------------------


def test_the_page_shows_every_figure(client, figures):
    response = client.get(PAGE)
    assert response.status_code == 200
    page = response.context["page"]
    assert (page.total.text, page.previous_total.text, page.change.text) == ("4", "2", "+100.0%")
    assert {name: cell.text for name, cell in page.handling.items()} == {
        "open_now": "1", "open_overdue": "1", "handled": "3", "on_time_rate": "50.0%", "median_days": "3",
        "p90_days": "3",
    }  # fmt: skip
    assert {name: cell.text for name, cell in page.satisfaction.items()} == {
        "rated": "3", "average": "3.67", "additional_answer_share": "33.3%",
    }  # fmt: skip
    assert page.unit_min_sample == 2
    assert page.unranked_units == 1
    html = response.content.decode()
    # Six charts (volume, categories, districts, channels, backlog, satisfaction), each an image with a
    # title; eight tables (those and handling, units), each with its caption.
    assert html.count('role="img"') == 6
    assert html.count("<title id=") == 6
    assert html.count("<caption>") == 8
    assert html.count('scope="col"') > 8
    assert "50.0%" in html


def test_each_csv_download_carries_the_filters(client, figures):
    response = client.get(PAGE + "?period=7d&channel=web")
    html = response.content.decode()
    for table in ("volume", "categories", "districts", "channels", "handling", "backlog", "units", "satisfaction"):
        assert f'href="{csv_url(table, "period=7d&amp;channel=web")}"' in html
    assert 'href="/en/complaints/stats/trends/?period=7d&amp;channel=web"' in html
    assert 'href="/en/complaints/stats/map/?period=7d&amp;channel=web"' in html


def test_a_filter_narrows_the_figures(client, figures):
    page = client.get(PAGE + "?channel=phone").context["page"]
    assert (page.total.text, page.previous_total.text, page.change.missing) == ("1", "0", True)
    assert page.handling["on_time_rate"].text == "100.0%"


def test_htmx_gets_only_the_figures(client, figures):
    response = client.get(PAGE + "?period=7d", headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="stats-figures"')
    assert "<html" not in html
    assert "HX-Request" in response["Vary"]


def test_the_page_without_any_rollup_says_so(client, db, frozen):
    response = client.get(PAGE)
    assert response.status_code == 200
    page = response.context["page"]
    assert page.total.text == "0"
    assert page.handling["on_time_rate"].missing
    with translation.override("en"):
        assert gettext("No complaints in this period.") in response.content.decode()


def test_answers_beyond_sixty_days_read_more_than_60(client, figures, pothole, roads):
    DailyRollup.objects.filter(day=date(2025, 6, 10)).update(days_3=0, days_more=2)
    response = client.get(PAGE)
    assert response.context["page"].handling["median_days"].text == "more than 60"
    rows = read_csv(client.get(csv_url("handling")))
    assert ["Median days to answer", ">60"] in rows


# --- The CSV tables ---------------------------------------------------------------------------


def test_csv_tables(client, figures):
    assert read_csv(client.get(csv_url("categories"))) == [
        ["Category", "This period", "Previous period", "Change"],
        ["Pothole", "3", "2", "+50.0"],
        ["Park suggestion", "1", "0", ""],
    ]
    assert read_csv(client.get(csv_url("districts"))) == [
        ["District", "This period", "Previous period", "Change"],
        ["Jung-gu", "3", "2", "+50.0"],
        ["Gangnam-gu", "1", "0", ""],
    ]
    assert read_csv(client.get(csv_url("channels")))[1:] == [["Web", "3", "2", "+50.0"],
                                                           ["Phone (120 Dasan call centre)", "1", "0", ""]]  # fmt: skip
    assert read_csv(client.get(csv_url("handling"))) == [
        ["Measure", "Value"],
        ["Received", "4"],
        ["Still open", "1"],
        ["Open and overdue", "1"],
        ["Handled (answered, closed or rejected)", "3"],
        ["Handled on time", "2"],
        ["Answered on time", "50.0"],
        ["Median days to answer", "3"],
        ["90th percentile of days to answer", "3"],
    ]
    assert read_csv(client.get(csv_url("units"))) == [
        ["Unit", "Rank", "Handled", "Answered on time", "Median days to answer", "Average satisfaction",
         "Additional answers requested"],
        # roads: 1 on time ÷ (2 handled + 1 overdue); ratings 5 and 2; 1 additional answer ÷ 2 handled.
        ["Road Management Division", "1", "2", "33.3", "3", "3.50", "50.0"],
        # parks: 1 handled, under the minimum sample of 2: unranked.
        ["Parks Division", "", "1", "100.0", "0", "4.00", "0.0"],
    ]  # fmt: skip
    assert read_csv(client.get(csv_url("satisfaction"))) == [
        ["Stars", "Ratings", "Share"],
        ["5", "1", "33.3"], ["4", "1", "33.3"], ["3", "0", "0.0"], ["2", "1", "33.3"], ["1", "0", "0.0"],
    ]  # fmt: skip


def test_volume_and_backlog_per_day(client, figures):
    volume = read_csv(client.get(csv_url("volume")))
    assert volume[0] == ["Period from", "Received"]
    assert len(volume) == 1 + 28
    days = dict(volume[1:])
    assert (days["2025-05-19"], days["2025-06-10"], days["2025-06-12"], days["2025-06-15"]) == ("0", "3", "1", "0")
    backlog = dict(read_csv(client.get(csv_url("backlog")))[1:])
    assert [backlog[f"2025-06-{day:02d}"] for day in range(9, 16)] == ["0", "3", "3", "3", "1", "1", "1"]


def test_a_year_is_charted_per_week(client, figures):
    volume = read_csv(client.get(csv_url("volume", "period=365d")))
    # 2024-06-16 (a Sunday) to 2025-06-15: the weeks from Monday 2024-06-10 to Monday 2025-06-09.
    assert (volume[1][0], volume[-1][0], len(volume) - 1) == ("2024-06-10", "2025-06-09", 53)
    weeks = dict(volume[1:])
    assert (weeks["2025-04-28"], weeks["2025-06-09"]) == ("2", "4")


def test_the_csv_header_is_in_the_active_language(client, figures):
    rows = read_csv(client.get(csv_url("handling", language="ko")))
    with translation.override("ko"):
        assert rows[0] == [pgettext("complaint statistics", "Measure"), pgettext("complaint statistics", "Value")]
        assert rows[0] == ["항목", "값"]
        assert rows[1][0] == gettext("Received")


def test_the_csv_is_a_download(client, figures):
    response = client.get(csv_url("volume", "period=7d"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="complaints-volume-2025-06-09-2025-06-15.csv"'


def test_an_unknown_table_is_404_with_a_reason(client, figures):
    response = client.get(csv_url("salaries"))
    assert response.status_code == 404
    assert "volume, categories, districts" in response.content.decode()


# --- Bad input --------------------------------------------------------------------------------

BAD_QUERIES = [
    "category=no-such-category",
    "district=99999",
    "channel=pigeon",
    "start=2025-13-01&end=2025-06-01",
    "start=2025-06-10&end=2025-06-01",
    "start=1990-01-01&end=1990-06-01",
    "start=2000-01-01&end=2025-06-01",
    "start=2025-06-01&end=2099-01-01",
    "period=custom",
    "category=%27%20OR%201%3D1%20--",
    "district=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "period=" + "9" * 5000,
    "channel=web&channel=sms",
]


@pytest.mark.parametrize("query", BAD_QUERIES)
def test_bad_filters_get_400_with_the_message_and_no_chart(client, figures, query):
    response = client.get(f"{PAGE}?{query}")
    assert response.status_code == 400
    html = response.content.decode()
    assert "<svg" not in html
    assert response.context["page"] is None
    assert response.context["problems"]
    for problem in response.context["problems"]:
        assert escape(problem) in html
    assert "<script>alert(1)" not in html
    # A refused value is not echoed back in the message (the language links keep the address, escaped).
    assert not [problem for problem in response.context["problems"] if "9" * 100 in problem]


@pytest.mark.parametrize("query", BAD_QUERIES)
def test_bad_filters_of_a_csv_get_400_with_the_message(client, figures, query):
    response = client.get(csv_url("volume", query))
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "The filters were not understood:" in response.content.decode()


def test_bad_filters_through_htmx_show_the_message_in_the_figures(client, figures):
    response = client.get(PAGE + "?district=nowhere", headers={"HX-Request": "true"})
    assert response.status_code == 400  # htmx-config swaps 400 answers
    assert response.content.decode().lstrip().startswith('<div id="stats-figures"')
    assert 'role="alert"' in response.content.decode()


# --- Queries ----------------------------------------------------------------------------------


def queries_of(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_queries_do_not_grow_with_rollups_or_the_period(client, figures, pothole, park_suggestion, roads, parks):
    default = queries_of(client, PAGE)
    more = [
        Category.objects.create(service_code=f"extra-{n}", name_ko=f"기타 {n}", name_en=f"Extra {n}",
                                complaint_type=ComplaintType.INQUIRY, default_unit=roads)
        for n in range(3)
    ]  # fmt: skip
    written = write_more_rollups(categories=[pothole, park_suggestion, *more], units=[roads, parks],
                                 days=[date(2025, 6, 15) - timedelta(days=n) for n in range(0, 400, 7)])  # fmt: skip
    assert written > 4000
    assert queries_of(client, PAGE) == default
    # The worst valid filter: ten years and every dimension.
    worst = "start=2015-06-16&end=2025-06-15&category=pothole&district=11140&channel=web"
    assert queries_of(client, f"{PAGE}?{worst}") == default
    assert queries_of(client, f"{PAGE}?period=365d") == default
    assert queries_of(client, csv_url("units", worst)) == queries_of(client, csv_url("units"))


def test_a_refused_filter_reads_no_rollup(client, figures):
    with CaptureQueriesContext(connection) as queries:
        client.get(PAGE + "?start=1990-01-01&end=2025-06-01")
    assert not [query for query in queries.captured_queries if "rollup" in query["sql"]]


def test_the_channel_page_links_to_the_dashboard(client, db):
    assert 'href="/en/complaints/stats/"' in client.get("/en/complaints/").content.decode()


# --- Chart geometry ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("maximum", "ticks"),
    [(0, [0, 1]), (3, [0, 1, 2, 3]), (7, [0, 2, 4, 6, 8]), (100, [0, 50, 100]), (1234, [0, 500, 1000, 1500])],
)
def test_nice_ticks(maximum, ticks):
    assert charts.nice_ticks(maximum) == ticks


def test_time_chart_geometry():
    chart = charts.time_chart([Point(date(2025, 6, 1), 10), Point(date(2025, 6, 2), 5)], "day")
    # Plot: x from 48 to 412 (two slots of 182, a gap of 6), y from 12 to the baseline at 192.
    assert [tick.value for tick in chart.ticks] == [0, 5, 10]
    assert [tick.y for tick in chart.ticks] == [192, 102, 12]
    first, second = chart.columns
    assert (first.x, first.width, first.y, first.height) == (51, 176, 12, 180)
    assert (second.x, second.y, second.height) == (233, 102, 90)
    assert chart.line == "139.0,12.0 321.0,102.0"
    assert [label.text for label in chart.dates] == ["06-01", "06-02"]


def test_month_labels_and_spread_dates():
    assert charts.date_label(date(2025, 3, 1), "month") == "2025-03"
    assert charts.label_indices(10) == [0, 2, 4, 5, 7, 9]
    assert charts.label_indices(3) == [0, 1, 2]


def test_bar_chart_compares_with_the_larger_of_both_periods():
    chart = charts.bar_chart([("a", 10, 20), ("b", 5, None)])
    # The longest bar (348 wide: 420 less the room for the value) is the previous 20.
    first, second = chart.bars
    assert (first.width, first.previous_width, second.width) == (174, 348, 87)
    assert second.previous is None and chart.has_previous
    assert (first.y, second.y, chart.height) == (15, 55, 80)
    assert first.value_text == "10"


def test_htmx_puts_the_canonical_filter_in_the_address(client, figures):
    """The form sends every field, empty ones too; the address bar gets the filter's own query."""
    response = client.get(PAGE, {"period": "7d", "start": "", "end": "", "category": "pothole", "district": "",
                                 "channel": ""}, headers={"HX-Request": "true"})  # fmt: skip
    assert response["HX-Push-Url"] == PAGE + "?period=7d&category=pothole"


def test_refused_filters_push_no_address(client, figures):
    response = client.get(PAGE + "?district=nowhere", headers={"HX-Request": "true"})
    assert response.status_code == 400 and "HX-Push-Url" not in response
