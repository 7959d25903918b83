"""The dashboards' filter form (complaints/forms/stats.py): presets and custom periods, the
dimensions as the selector takes them, the canonical query, and every kind of bad input refused
with a message. Today is frozen (Seoul): 2025-06-15."""

from datetime import date

import pytest
from django.http import QueryDict
from django.urls import reverse
from django.utils import translation
from freezegun import freeze_time

from citizens.models import District
from complaints.forms.stats import StatsFilterForm
from complaints.selectors.stats import StatsFilter

from .dashboard_data import GANGNAM_GU, NOW

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


@pytest.fixture
def frozen():
    with freeze_time(NOW):
        yield


def form_for(query: str, **kwargs) -> StatsFilterForm:
    return StatsFilterForm(QueryDict(query), **kwargs)


def errors_of(form) -> dict[str, list[str]]:
    with translation.override("en"):
        return {name: [str(error) for error in errors] for name, errors in form.errors.items()}


def test_the_default_is_the_last_four_weeks_ending_today():
    form = form_for("")
    assert form.is_valid()
    assert form.stats_filter() == StatsFilter(start=date(2025, 5, 19), end=date(2025, 6, 15))
    assert form.query_string() == ""


@pytest.mark.parametrize(
    ("period", "start"),
    [("7d", date(2025, 6, 9)), ("28d", date(2025, 5, 19)), ("90d", date(2025, 3, 18)), ("365d", date(2024, 6, 16))],
)
def test_a_preset_ends_today(period, start):
    form = form_for(f"period={period}")
    assert form.is_valid(), form.errors
    figures_filter = form.stats_filter()
    assert (figures_filter.start, figures_filter.end) == (start, date(2025, 6, 15))


def test_a_preset_ignores_the_custom_dates():
    form = form_for("period=7d&start=2020-01-01&end=2020-02-01")
    assert form.is_valid()
    assert form.stats_filter().start == date(2025, 6, 9)
    assert form.query_string() == "period=7d"


def test_custom_dates_and_every_dimension(pothole, roads, parks):
    gangnam = District.objects.get(code=GANGNAM_GU)
    form = form_for(
        "period=custom&start=2024-01-01&end=2024-03-31&category=pothole&district=11680&channel=phone"
        "&unit=road-management",
        units=[roads, parks],
    )
    assert form.is_valid(), form.errors
    assert form.stats_filter() == StatsFilter(
        start=date(2024, 1, 1), end=date(2024, 3, 31), category_id=pothole.pk, district_id=gangnam.pk,
        channel="phone", unit_id=roads.pk,
    )  # fmt: skip
    assert form.query_string() == (
        "period=custom&start=2024-01-01&end=2024-03-31&category=pothole&district=11680&channel=phone"
        "&unit=road-management"
    )


def test_dates_alone_mean_a_custom_period():
    form = form_for("start=2025-06-01&end=2025-06-15")
    assert form.is_valid()
    assert form.stats_filter().days == 15
    assert form.query_string() == "period=custom&start=2025-06-01&end=2025-06-15"


def test_exactly_ten_years_is_allowed_a_day_more_is_not():
    assert form_for("start=2015-06-16&end=2025-06-15").is_valid()
    form = form_for("start=2015-06-15&end=2025-06-15")
    assert not form.is_valid()
    assert errors_of(form) == {"__all__": ["A period can be at most 10 years long."]}


def test_without_units_the_unit_filter_is_not_offered(roads):
    form = form_for("unit=road-management")
    assert "unit" not in form.fields
    assert form.is_valid()
    assert form.stats_filter().unit_id is None


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("category=no-such-category", {"category": ["There is no such category."]}),
        ("district=99999", {"district": ["There is no such district."]}),
        ("channel=pigeon", {"channel": ["There is no such channel."]}),
        ("unit=parks", {"unit": ["There is no such unit among those you may see."]}),
        ("period=400d", {"period": ["Choose one of the periods offered."]}),
        ("start=2025-13-01&end=2025-06-01", {"start": ["Enter a date as year-month-day, for example 2025-06-01."]}),
        ("end=06/01/2025", {"end": ["Enter a date as year-month-day, for example 2025-06-01."]}),
        ("start=2025-06-10&end=2025-06-01", {"__all__": ["The period starts after it ends: swap the dates."]}),
        ("start=2025-06-01&end=2025-06-16", {"end": ["The period cannot end after today."]}),
        ("start=1999-12-31&end=2000-06-01", {"start": ["The figures start on 2000-01-01; choose a later date."]}),
        ("start=2000-01-01&end=2025-06-01", {"__all__": ["A period can be at most 10 years long."]}),
        ("period=custom&start=2025-06-01", {"__all__": ["A custom period needs both dates, from and to."]}),
        ("category=pothole&category=park-idea", {"category": ["Give this filter only once."]}),
        ("period=7d&period=28d", {"period": ["Give this filter only once."]}),
    ],  # fmt: skip
)
def test_bad_filters_are_refused_with_a_reason(query, expected, pothole, park_suggestion, roads):
    form = form_for(query, units=[roads])
    assert not form.is_valid()
    assert errors_of(form) == expected
    assert form.problems()


@pytest.mark.parametrize(
    "value",
    ["' OR 1=1 --", "<script>alert(1)</script>", "x" * 10_000, "pothole'; DROP TABLE complaints_complaint; --",
     "%00", "\x00pothole", "../../etc/passwd"],
)  # fmt: skip
@pytest.mark.parametrize("name", ["period", "start", "end", "category", "district", "channel", "unit"])
def test_injection_attempts_in_any_parameter_are_refused(name, value, pothole, roads):
    query = QueryDict(mutable=True)
    query[name] = value
    form = StatsFilterForm(query, units=[roads])
    assert not form.is_valid()
    assert name in form.errors
    assert form.query().get(name) is None


def test_the_query_keeps_only_what_validated(pothole):
    form = form_for("period=7d&category=pothole&district=nowhere")
    assert not form.is_valid()
    assert form.query() == {"period": "7d", "category": "pothole"}


def test_the_form_shows_the_period_it_uses():
    assert 'value="28d" selected' in str(form_for("")["period"])
    assert 'value="custom" selected' in str(form_for("start=2025-06-01&end=2025-06-15")["period"])


def test_a_blank_period_beside_a_preset_is_still_given_twice():
    form = form_for("period=7d&period=")
    assert not form.is_valid()
    assert errors_of(form) == {"period": ["Give this filter only once."]}


def test_dates_in_the_first_years_of_the_calendar_are_refused_not_a_crash():
    # Ten years before 0005-06-01 is no date at all: the form must not count back that far.
    form = form_for("start=0001-01-01&end=0005-06-01")
    assert not form.is_valid()
    assert errors_of(form) == {"start": ["The figures start on 2000-01-01; choose a later date."]}


@pytest.mark.parametrize(
    "page", [("complaints:stats", []), ("complaints:stats_csv", ["volume"]), ("complaints:density", [])]
)
def test_the_pages_answer_400_with_a_message_for_dates_in_the_year_5(client, page):
    name, args = page
    with translation.override("en"):
        response = client.get(reverse(name, args=args), {"start": "0001-01-01", "end": "0005-06-01"})
    assert response.status_code == 400
    assert "The figures start on 2000-01-01; choose a later date." in response.content.decode()
