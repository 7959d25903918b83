"""Builders shared by the committee, lottery and meeting tests (test_committee*, test_lottery*,
test_meeting*); no tests here."""

import itertools
from datetime import date, timedelta

from django.utils import timezone

from citizens.models import Citizen, District
from governance.models import Committee, Membership
from governance.services import committees as services

_numbers = itertools.count(1)

DISTRICTS = [
    ("11110", "종로구", "Jongno-gu"), ("11140", "중구", "Jung-gu"), ("11170", "용산구", "Yongsan-gu"),
    ("11200", "성동구", "Seongdong-gu"), ("11215", "광진구", "Gwangjin-gu"), ("11440", "마포구", "Mapo-gu"),
    ("11650", "서초구", "Seocho-gu"), ("11680", "강남구", "Gangnam-gu"),
]


def make_districts():
    """The districts the tests use (with --nomigrations the citizens app's data migration does not run)."""
    return [District.objects.get_or_create(code=code, defaults={"name_ko": ko, "name_en": en})[0]
            for code, ko, en in DISTRICTS]


def make_person(*, birth_date=None, district=None, gender="", name=None):
    number = next(_numbers)
    return Citizen.objects.create_user(
        email=f"person{number}@test.seoul.example", name=name or f"시험 {number}", birth_date=birth_date,
        district=district, gender=gender,
        residence_basis=Citizen.ResidenceBasis.LIVES if district else "",
    )


def make_committee(slug="smart-city-committee", **fields):
    """Seoul's Smart City Committee rules by default: 22 seats, 5 ex officio, 2-year terms, renewable once."""
    values = {
        "kind": Committee.Kind.SMART_CITY, "name_ko": "스마트도시위원회", "name_en": "Smart City Committee",
        "legal_basis_ko": "서울특별시 스마트도시 및 정보화 조례",
        "legal_basis_en": "Seoul Smart City and Informatisation Ordinance",
        "mandate_ko": "스마트도시 기본계획을 심의합니다.", "mandate_en": "Deliberates on the smart city master plan.",
        "max_members": 22, "max_ex_officio": 5, "term_years": 2, "max_terms": 2,
    }
    values.update(fields)
    return Committee.objects.create(slug=slug, **values)


def appoint(committee, person=None, *, kind=Membership.Kind.COMMISSIONED, role=Membership.Role.MEMBER,
            term_start=None, term_end=None, public_name=None, actor=None):
    person = person or make_person()
    return services.membership_appoint(
        actor=actor, committee=committee, person=person, public_name=public_name or f"위원 {person.pk}", kind=kind,
        role=role, term_start=term_start or timezone.localdate() - timedelta(days=30), term_end=term_end,
        affiliation_ko="가상대학교", affiliation_en="Example University", expertise_ko="도시계획",
        expertise_en="Urban planning",
    )


def fill(committee, count, **kwargs):
    return [appoint(committee, **kwargs) for _ in range(count)]


def years_before(day: date, years: int) -> date:
    return services.add_years(day, -years)


def english():
    """Messages are checked in English (their msgids), whatever the Korean catalogue holds."""
    from django.utils import translation

    return translation.override("en")


def path(name, *args, language="ko"):
    """A URL in the given language (Korean at the root), whatever language the test runs in."""
    from django.urls import reverse
    from django.utils import translation

    with translation.override(language):
        return reverse(f"governance:{name}", args=args)
