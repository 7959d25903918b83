"""The officials' dashboard in the admin: who sees which figures (a grid of roles × page and CSV),
the scope applied whatever the filter says, and constant queries. Rollups: dashboard_data.py
(roads: 3 received in the period, 2 before; parks: 1)."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext
from freezegun import freeze_time

from citizens.backends import PASSWORD_BACKEND
from governance.models import OrgUnit

from .dashboard_data import NOW, write_rollups

PAGE = "/admin/complaints/complaint/stats/"


def csv_url(table, query=""):
    return f"/admin/complaints/complaint/stats/{table}.csv" + (f"?{query}" if query else "")


@pytest.fixture
def figures(db, settings, pothole, park_suggestion, roads, parks):
    settings.COMPLAINT_STATS_UNIT_MIN_SAMPLE = 2
    with freeze_time(NOW):
        write_rollups(pothole=pothole, park_suggestion=park_suggestion, roads=roads, parks=parks)
        yield


@pytest.fixture
def people(roads_official, intake_desk, make_official, citizen):
    return {
        "unit official": roads_official,
        "any-unit official": intake_desk,
        "staff without unit": make_official(),
        "citizen": citizen,
        "anonymous": None,
    }


def client_for(client, person):
    """The client signed in as `person` (None: anonymous). The admin is in Korean (no /en/ prefix):
    names are compared with their Korean form."""
    if person is not None:
        client.force_login(person, backend=PASSWORD_BACKEND)
    return client


def read_csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


@pytest.mark.parametrize(
    ("role", "status"),
    [("unit official", 200), ("any-unit official", 200), ("staff without unit", 403), ("citizen", 302),
     ("anonymous", 302)],
)  # fmt: skip
@pytest.mark.parametrize("url", [PAGE, csv_url("volume")])
def test_who_may_see_the_officials_dashboard(client, figures, people, role, status, url):
    response = client_for(client, people[role]).get(url)
    assert response.status_code == status
    if status == 302:
        assert "/admin/login/" in response["Location"]


def test_a_unit_official_sees_their_units_figures_only(client, figures, roads_official):
    response = client_for(client, roads_official).get(PAGE)
    page = response.context["page"]
    assert (page.total.text, page.previous_total.text) == ("3", "2")
    # roads alone: 1 on time ÷ (2 handled + 1 overdue).
    assert page.handling["on_time_rate"].text == "33.3%"
    assert response.context["city_wide"] is False
    assert [unit.code for unit in response.context["scope_units"]] == ["road-management"]
    # The unit filter offers their unit only.
    assert [code for code, _ in response.context["form"].fields["unit"].choices] == ["", "road-management"]
    categories = read_csv(client.get(csv_url("categories")))
    assert [row[0] for row in categories[1:]] == ["도로 파손"]
    units = read_csv(client.get(csv_url("units")))
    assert [row[0] for row in units[1:]] == ["도로관리과"]


def test_a_unit_official_cannot_widen_the_scope(client, figures, roads_official):
    signed_in = client_for(client, roads_official)
    assert signed_in.get(PAGE + "?unit=parks").status_code == 400
    assert signed_in.get(csv_url("units", "unit=parks")).status_code == 400
    # Their own unit is a filter like any other.
    assert signed_in.get(PAGE + "?unit=road-management").context["page"].total.text == "3"
    # A category of another unit gives nothing of that unit's.
    assert signed_in.get(PAGE + "?category=park-idea").context["page"].total.text == "0"


def test_a_unit_official_sees_the_units_below_theirs(client, figures, make_official, roads):
    bureau = OrgUnit.objects.get(code="transport-bureau")
    head = make_official(bureau)
    response = client_for(client, head).get(PAGE + "?unit=road-management")
    assert response.status_code == 200
    assert response.context["page"].total.text == "3"


def test_the_any_unit_official_sees_the_city_and_filters_any_unit(client, figures, intake_desk):
    signed_in = client_for(client, intake_desk)
    response = signed_in.get(PAGE)
    assert response.context["city_wide"] is True
    assert response.context["page"].total.text == "4"
    assert signed_in.get(PAGE + "?unit=parks").context["page"].total.text == "1"
    units = read_csv(signed_in.get(csv_url("units", "unit=parks")))
    assert units[1:] == [["공원조성과", "", "1", "100.0", "0", "4.00", "0.0"]]


def test_the_admin_page_links_its_csv_downloads_with_the_filters(client, figures, intake_desk):
    html = client_for(client, intake_desk).get(PAGE + "?period=7d&unit=parks").content.decode()
    assert f'href="{csv_url("satisfaction", "period=7d&amp;unit=parks")}"' in html


def test_the_admin_answers_htmx_with_the_figures(client, figures, intake_desk):
    response = client_for(client, intake_desk).get(PAGE + "?period=7d", headers={"HX-Request": "true"})
    assert response.content.decode().lstrip().startswith('<div id="stats-figures"')


def test_bad_filters_in_the_admin_are_400_with_the_message(client, figures, intake_desk):
    response = client_for(client, intake_desk).get(PAGE + "?start=2025-06-10&end=2025-06-01")
    assert response.status_code == 400
    html = response.content.decode()
    assert 'role="img"' not in html
    assert response.context["page"] is None
    with translation.override("ko"):
        assert escape(gettext("The period starts after it ends: swap the dates.")) in html
    assert client.get(csv_url("salaries")).status_code == 404


def test_the_changelist_links_to_the_dashboard(client, figures, roads_official):
    html = client_for(client, roads_official).get("/admin/complaints/complaint/").content.decode()
    assert f'href="{PAGE}"' in html


def test_admin_queries_do_not_grow_with_the_period_or_filters(client, figures, roads_official):
    signed_in = client_for(client, roads_official)

    def queries(url):
        with CaptureQueriesContext(connection) as captured:
            assert signed_in.get(url).status_code == 200
        return len(captured)

    default = queries(PAGE)
    worst = "start=2015-06-16&end=2025-06-15&category=pothole&district=11140&channel=web&unit=road-management"
    assert queries(f"{PAGE}?{worst}") == default
