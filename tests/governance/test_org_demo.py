"""The organisation, research and documents demo data: the structure the issue names, idempotent."""

import pytest

from citizens.models import Citizen
from governance.demo import documents, org, research
from governance.models import (
    Document,
    DocumentVersion,
    OrgAssignment,
    OrgUnit,
    ResearchArea,
    ResearchOutput,
    ResearchProject,
)
from governance.selectors.documents import document_diff

pytestmark = pytest.mark.django_db


def seed_all():
    org.seed()
    research.seed()
    documents.seed()


def counts():
    return tuple(model.objects.count() for model in (OrgUnit, OrgAssignment, Citizen, ResearchProject, ResearchArea,
                                                    ResearchOutput, Document, DocumentVersion))


def test_the_demo_seed_is_idempotent():
    seed_all()
    first = counts()
    seed_all()
    assert counts() == first


def test_the_demo_organisation_follows_the_smart_city_policy_bureau():
    seed_all()
    bureau = OrgUnit.objects.get(code="smart-city-policy-bureau")
    assert (bureau.name_ko, bureau.kind, bureau.parent) == ("스마트도시정책관", "bureau", None)
    division = OrgUnit.objects.get(name_ko="스마트도시정책과")
    assert division.parent == bureau
    assert OrgUnit.objects.get(name_ko="디지털협력팀").parent == division
    teams = set(OrgUnit.objects.filter(kind="team").values_list("code", flat=True))
    assert {"iot-team", "blockchain-team", "ai-team", "big-data-team", "spatial-data-team"} <= teams
    assert set(OrgUnit.objects.filter(kind="affiliate").values_list("name_ko", flat=True)) == {"서울연구원", "서울디지털재단"}
    assert OrgAssignment.objects.filter(unit=bureau, role="head", ended_on__isnull=True).get().title_ko == "스마트도시정책관"
    assert not Citizen.objects.filter(org_assignments__isnull=False, is_superuser=True).exists()


def test_the_demo_research_and_documents():
    seed_all()
    assert 3 <= ResearchProject.objects.count() <= 4
    assert ResearchProject.objects.filter(affiliates__code="seoul-institute").exists()
    assert ResearchProject.objects.filter(affiliates__code="seoul-digital-foundation").exists()
    ordinance = Document.objects.get(slug="seoul-smart-city-ordinance")
    assert ordinance.title_ko == "서울특별시 스마트도시 및 정보화 조례"
    assert list(ordinance.versions.order_by("number").values_list("number", flat=True)) == [1, 2]
    assert all("데모" in version.body_ko for version in ordinance.versions.all())  # says it is illustrative
    diff = document_diff(ordinance.slug, 1, 2)
    assert diff.added and diff.removed
    plan = Document.objects.get(kind="master_plan")
    assert plan.period_end_year - plan.period_start_year == 4


def test_the_demo_pages_render(client):
    seed_all()
    for url in ["/governance/organisation/", "/governance/organisation/seoul-institute/", "/governance/research/",
                "/governance/documents/", "/governance/documents/seoul-smart-city-ordinance/",
                "/en/governance/documents/seoul-smart-city-ordinance/diff/?from=1&to=2"]:
        assert client.get(url).status_code == 200, url
