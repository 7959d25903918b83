"""The public organisation pages: the chart and a unit's page, in Korean and English, at a fixed query count."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from governance.models import Committee, OrgUnit
from governance.services.org import org_unit_deactivate

from .test_org_support import assign, make_official, make_project, make_tree, make_unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    units = make_tree()
    head = make_official(email="head.bureau@seoul.example")
    assign(units["bureau"], head, role="head", title_ko="스마트도시정책관", title_en="Director General for Smart City")
    units["policy"].phone, units["policy"].email = "02-120", "smartcity@seoul.example"
    units["policy"].save()
    return units


def grow(size, prefix):
    """More units, heads and research: the pages must not issue more queries for them."""
    units = make_tree(prefix)
    for number in range(size):
        team = make_unit(f"{prefix}team{number}", OrgUnit.Kind.TEAM, units["policy"])
        assign(team, make_official(), role="head", title_ko=f"팀장 {number}")
        make_project(f"{prefix}project{number}", [units["institute"]], areas=["ai"])
    return units


def test_the_chart_shows_the_tree_with_mandates_contact_and_head_titles(client, tree):
    page = client.get("/governance/organisation/").content.decode()
    assert "스마트도시정책관" in page and "스마트도시정책과" in page and "사물인터넷팀" in page
    assert "bureau 업무" in page  # the mandate
    assert 'href="tel:02120"' in page and "smartcity@seoul.example" in page  # the unit's public contact
    assert "서울연구원" in page and "https://www.si.re.kr" in page
    assert page.index("스마트도시정책과") < page.index("사물인터넷팀")  # a team is inside its division
    # The head's position only: never the official's name or their own address.
    assert "김주무관" not in page and "head.bureau@seoul.example" not in page


def test_the_chart_in_english(client, tree):
    page = client.get("/en/governance/organisation/").content.decode()
    assert "Smart City Policy Bureau" in page and "Director General for Smart City" in page
    assert "Affiliated institutions" in page
    assert '<html lang="en"' in page


def test_a_unit_page_shows_its_place_children_and_committees(client, tree):
    Committee.objects.create(slug="smart-city-committee", kind=Committee.Kind.SMART_CITY, name_ko="스마트도시위원회",
                             name_en="Smart City Committee", max_members=22, secretariat=tree["policy"])
    response = client.get("/governance/organisation/policy/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "사물인터넷팀" in page and "스마트도시위원회" in page
    assert 'href="/governance/organisation/bureau/"' in page  # the breadcrumb and "part of"
    english = client.get("/en/governance/organisation/policy/").content.decode()
    assert "Smart City Committee" in english and "IoT Team" in english


def test_an_affiliate_page_lists_its_research(client, tree):
    make_project("living-lab", [tree["institute"]], areas=["iot"], title_ko="리빙랩 연구")
    page = client.get("/governance/organisation/institute/").content.decode()
    assert "리빙랩 연구" in page and "/governance/research/living-lab/" in page


def test_unknown_and_inactive_units_are_not_found(client, tree):
    org_unit_deactivate(actor=None, unit=tree["ai"])
    assert client.get("/governance/organisation/ai/").status_code == 404
    assert client.get("/governance/organisation/nowhere/").status_code == 404
    assert "인공지능팀" not in client.get("/governance/organisation/").content.decode()


@pytest.mark.parametrize("url", ["/governance/organisation/", "/governance/organisation/policy/",
                                 "/governance/organisation/institute/", "/en/governance/organisation/"])
def test_the_organisation_pages_do_not_grow_with_the_data(client, tree, url):
    grow(2, "a-")
    make_project("own", [tree["institute"]], areas=["iot"], outputs=1)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    grow(15, "b-")
    for number in range(10):
        make_unit(f"more{number}", OrgUnit.Kind.TEAM, tree["policy"])
        make_project(f"more-project{number}", [tree["institute"]], areas=["ai", "big_data"], outputs=2)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few), [query["sql"] for query in many.captured_queries]
    assert len(few) <= 7  # unit, outline, children, committees; an affiliate: projects + 2 prefetches
