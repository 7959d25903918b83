"""Builders shared by the organisation, research and documents tests (test_org*, test_research*,
test_documents*); no tests here."""

import itertools
from datetime import date

from django.contrib.auth.models import Permission

from citizens.models import Citizen
from governance.models import (
    Document,
    OrgAssignment,
    OrgUnit,
    ResearchArea,
    ResearchOutput,
    ResearchProject,
)
from governance.services.documents import document_publish_version

_numbers = itertools.count(1)
PASSWORD_BACKEND = "citizens.backends.StaffEmailBackend"


def make_official(*, superuser=False, perms=(), email=None):
    """A staff account (signs in to the admin by email and password) with the given model permissions."""
    email = email or f"official{next(_numbers)}@seoul.example"
    if superuser:
        official = Citizen.objects.create_superuser(email=email, password="a-long-enough-passphrase")
    else:
        official = Citizen.objects.create_user(email=email, password="a-long-enough-passphrase", is_staff=True,
                                               name="김주무관")
    for codename in perms:
        official.user_permissions.add(Permission.objects.get(content_type__app_label="governance", codename=codename))
    return Citizen.objects.get(pk=official.pk)  # fresh: no cached permissions


def admin_login(client, official):
    client.force_login(official, backend=PASSWORD_BACKEND)


def make_unit(code, kind, parent=None, **fields):
    values = {"name_ko": f"{code} 부서", "name_en": f"{code} unit", "mandate_ko": f"{code} 업무",
              "mandate_en": f"{code} work"}
    values.update(fields)
    return OrgUnit.objects.create(code=code, kind=kind, parent=parent, **values)


def make_tree(prefix=""):
    """A bureau with two divisions, a team in each, and an affiliate: {name: unit}."""
    bureau = make_unit(f"{prefix}bureau", OrgUnit.Kind.BUREAU, name_ko=f"{prefix}스마트도시정책관",
                       name_en=f"{prefix}Smart City Policy Bureau")
    policy = make_unit(f"{prefix}policy", OrgUnit.Kind.DIVISION, bureau, name_ko=f"{prefix}스마트도시정책과",
                       name_en=f"{prefix}Smart City Policy Division")
    data = make_unit(f"{prefix}data", OrgUnit.Kind.DIVISION, bureau, name_ko=f"{prefix}데이터정책과",
                     name_en=f"{prefix}Data Policy Division")
    iot = make_unit(f"{prefix}iot", OrgUnit.Kind.TEAM, policy, name_ko=f"{prefix}사물인터넷팀",
                    name_en=f"{prefix}IoT Team")
    ai = make_unit(f"{prefix}ai", OrgUnit.Kind.TEAM, data, name_ko=f"{prefix}인공지능팀", name_en=f"{prefix}AI Team")
    institute = make_unit(f"{prefix}institute", OrgUnit.Kind.AFFILIATE, name_ko=f"{prefix}서울연구원",
                          name_en=f"{prefix}The Seoul Institute", website="https://www.si.re.kr")
    return {"bureau": bureau, "policy": policy, "data": data, "iot": iot, "ai": ai, "institute": institute}


def assign(unit, official, role=OrgAssignment.Role.MEMBER, title_ko="", title_en="", ended_on=None):
    return OrgAssignment.objects.create(unit=unit, official=official, role=role, title_ko=title_ko,
                                        title_en=title_en, started_on=date(2024, 1, 1), ended_on=ended_on)


def make_project(slug, affiliates, areas=(), outputs=0, **fields):
    values = {"title_ko": f"{slug} 연구", "title_en": f"{slug} research", "starts_on": date(2024, 3, 1),
              "ends_on": date(2024, 12, 31), "budget_krw": 120_000_000}
    values.update(fields)
    project = ResearchProject.objects.create(slug=slug, **values)
    project.affiliates.set(affiliates)
    for area in areas:
        ResearchArea.objects.create(project=project, area=area)
    for number in range(outputs):
        ResearchOutput.objects.create(project=project, kind="report", title_ko=f"보고서 {number}",
                                      url=f"https://www.si.re.kr/report/{number}", order=number)
    return project


def make_document(slug, owner_unit, versions=("첫 줄\n둘째 줄",), kind=Document.Kind.ORDINANCE, actor=None, **fields):
    values = {"title_ko": f"{slug} 조례", "title_en": f"{slug} ordinance"}
    values.update(fields)
    document = Document.objects.create(slug=slug, kind=kind, owner_unit=owner_unit, **values)
    for number, body in enumerate(versions, start=1):
        document_publish_version(actor=actor, document=document, body_ko=body, changelog_ko=f"{number}차 개정",
                                 changelog_en=f"Amendment {number}")
    return document
