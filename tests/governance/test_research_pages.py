"""Research projects: the service's checks, the public list with its filters (bad input never a 500),
the detail page, and constant query counts."""

from datetime import date

import pytest
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEvent
from governance.errors import GovernanceError
from governance.models import OrgUnit, ResearchProject
from governance.services.research import research_project_save

from .test_org_support import make_project, make_tree, make_unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def units():
    units = make_tree()
    units["foundation"] = make_unit("foundation", OrgUnit.Kind.AFFILIATE, name_ko="서울디지털재단",
                                    name_en="Seoul Digital Foundation")
    return units


@pytest.fixture
def projects(units):
    return {
        "lab": make_project("living-lab", [units["institute"]], areas=["iot", "other"], title_ko="리빙랩 연구",
                            title_en="Living lab research", outputs=1),
        "chain": make_project("ledger", [units["foundation"]], areas=["blockchain"], title_ko="블록체인 연구",
                              title_en="Blockchain research"),
        "twin": make_project("twin", [units["institute"], units["foundation"]], areas=["spatial_data", "big_data"],
                             title_ko="디지털트윈 연구", title_en="Digital twin research", ends_on=None,
                             starts_on=date(2025, 1, 1)),
    }


def titles(response):
    return sorted(project.title_ko for project in response.context["projects"])


def test_the_service_saves_a_project_with_its_affiliates_and_areas(units):
    project = ResearchProject(slug="ai", title_ko="인공지능 연구", starts_on=date(2024, 1, 1), ends_on=date(2024, 12, 31),
                              budget_krw=300_000_000_000)
    research_project_save(actor=None, project=project, affiliates=[units["foundation"]], areas=["ai", "big_data"])
    project.refresh_from_db()
    assert list(project.affiliates.all()) == [units["foundation"]]
    assert sorted(project.areas.values_list("area", flat=True)) == ["ai", "big_data"]
    assert AuditEvent.objects.get(action="research_project.create").summary["areas"] == ["ai", "big_data"]
    research_project_save(actor=None, project=project, affiliates=[units["institute"]], areas=["spatial_data"])
    assert list(project.areas.values_list("area", flat=True)) == ["spatial_data"]


@pytest.mark.parametrize(("affiliates", "areas", "dates", "message"), [
    (["policy"], [], (date(2024, 1, 1), None), "Only affiliated institutions"),
    ([], [], (date(2024, 1, 1), None), "at least one affiliated institution"),
    (["institute"], [], (date(2024, 5, 1), date(2024, 4, 30)), "cannot end"),
    (["institute"], ["quantum"], (date(2024, 1, 1), None), "Unknown technology area"),
])
def test_the_service_refuses_an_invalid_project(units, affiliates, areas, dates, message):
    project = ResearchProject(slug="bad", title_ko="잘못된 연구", starts_on=dates[0], ends_on=dates[1])
    with pytest.raises(GovernanceError, match=message):
        research_project_save(actor=None, project=project, affiliates=[units[code] for code in affiliates],
                              areas=areas)
    assert not ResearchProject.objects.filter(slug="bad").exists()


def test_the_database_refuses_an_end_before_the_start(units):
    with pytest.raises(IntegrityError, match="researchproject_ends_after_start"):
        ResearchProject.objects.create(slug="x", title_ko="x", starts_on=date(2024, 5, 1), ends_on=date(2024, 1, 1))


def test_the_list_shows_every_project_in_korean_and_english(client, projects):
    response = client.get("/governance/research/")
    assert response.status_code == 200
    assert titles(response) == ["디지털트윈 연구", "리빙랩 연구", "블록체인 연구"]
    page = response.content.decode()
    assert "서울디지털재단" in page and 'href="/governance/research/twin/"' in page
    english = client.get("/en/governance/research/").content.decode()
    assert "Living lab research" in english and "Blockchain" in english


@pytest.mark.parametrize(("query", "expected"), [
    ({"affiliate": "institute"}, ["디지털트윈 연구", "리빙랩 연구"]),
    ({"affiliate": "foundation"}, ["디지털트윈 연구", "블록체인 연구"]),
    ({"area": "blockchain"}, ["블록체인 연구"]),
    ({"area": "big_data", "affiliate": "foundation"}, ["디지털트윈 연구"]),
    ({"area": "ai"}, []),
    ({"affiliate": "", "area": ""}, ["디지털트윈 연구", "리빙랩 연구", "블록체인 연구"]),
])
def test_the_list_filters_by_affiliate_and_area(client, projects, query, expected):
    response = client.get("/governance/research/", query)
    assert response.status_code == 200
    assert titles(response) == expected


@pytest.mark.parametrize(("query", "expected", "message"), [
    ({"affiliate": "nowhere"}, ["디지털트윈 연구", "리빙랩 연구", "블록체인 연구"], "no institution with this code"),
    ({"affiliate": "policy"}, ["디지털트윈 연구", "리빙랩 연구", "블록체인 연구"], "no institution with this code"),
    ({"area": "quantum"}, ["디지털트윈 연구", "리빙랩 연구", "블록체인 연구"], "not a known technology area"),
    ({"area": "quantum", "affiliate": "foundation"}, ["디지털트윈 연구", "블록체인 연구"], "not a known technology area"),
    ({"area": ["ai", "iot"], "affiliate": "x" * 5000}, ["리빙랩 연구"], "no institution"),
])
def test_bad_filters_are_left_out_with_a_message(client, projects, query, expected, message):
    response = client.get("/en/governance/research/", query)
    assert response.status_code == 400
    assert titles(response) == expected
    assert message in response.content.decode()


@pytest.mark.parametrize("page", ["abc", "0", "-1", "999", "1" * 40])
def test_a_bad_page_number_shows_a_page(client, projects, page):
    assert client.get("/governance/research/", {"page": page}).status_code == 200


def test_the_detail_page(client, projects, units):
    response = client.get("/governance/research/living-lab/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "리빙랩 연구" in page and "서울연구원" in page and "보고서 0" in page
    assert "120,000,000" in page and "https://www.si.re.kr/report/0" in page
    english = client.get("/en/governance/research/twin/").content.decode()
    assert "Digital twin research" in english and "ongoing" in english and "Seoul Digital Foundation" in english
    assert client.get("/governance/research/nothing/").status_code == 404


@pytest.mark.parametrize("url", ["/governance/research/", "/governance/research/?area=ai",
                                 "/governance/research/?affiliate=institute&area=big_data",
                                 "/governance/research/?area=bad", "/governance/research/twin/",
                                 "/en/governance/research/"])
def test_the_research_pages_do_not_grow_with_the_data(client, projects, units, url):
    make_project("ai-one", [units["institute"]], areas=["ai", "big_data"], outputs=1)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for number in range(30):
        make_project(f"more{number}", [units["institute"], units["foundation"]], areas=["ai", "big_data"],
                     outputs=2)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few), [query["sql"] for query in many.captured_queries]
    assert len(few) <= 5
