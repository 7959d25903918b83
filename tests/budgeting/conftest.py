"""Shared fixtures of the participatory-budgeting tests: citizens, officials, the PB committee,
and cycles in any phase (the pure tally tests under this folder use none of them)."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from budgeting.models import PHASE_ORDER, Cycle, Phase, Pot, Sector
from citizens.backends import PASSWORD_BACKEND
from citizens.consents import purposes
from citizens.models import Citizen, District
from citizens.services import consent_record
from governance.models import Committee, Membership, OrgAssignment, OrgUnit

PHASE_DAYS = 10


@pytest.fixture
def make_citizen(db):
    counter = iter(range(1000, 99999))

    def make(*, verified=True, district="11680", birth_date=date(1990, 5, 1), gender="female", **fields):
        fields.setdefault("notify_by", Citizen.NotifyBy.SMS)
        citizen = Citizen.objects.create_user(phone=f"+82107{next(counter):07d}", **fields)
        citizen.district = District.objects.get(code=district) if district else None
        citizen.residence_basis = Citizen.ResidenceBasis.LIVES if district else ""
        citizen.birth_date = birth_date
        citizen.gender = gender or ""
        citizen.profile_completed_at = timezone.now()
        if verified:
            citizen.phone_verified_at = timezone.now()
        citizen.save()
        return citizen

    return make


@pytest.fixture
def citizen(make_citizen):
    return make_citizen()


@pytest.fixture
def participant(make_citizen):
    """A citizen who consented and completed their profile (verified, Gangnam, born 1990 unless told)."""

    def make(**fields):
        citizen = make_citizen(**fields)
        consent_record(citizen=citizen, answers={item.key: True for item in purposes()})
        return Citizen.objects.get(pk=citizen.pk)

    return make


@pytest.fixture
def admin_client(client):
    """The back office opens only to a password session."""

    def login(user):
        client.force_login(user, backend=PASSWORD_BACKEND)
        return client

    return login


@pytest.fixture
def bureau(db):
    return OrgUnit.objects.create(code="planning-bureau", kind=OrgUnit.Kind.BUREAU, name_ko="기획조정실",
                                  name_en="Planning and Coordination Office")


@pytest.fixture
def unit(bureau):
    return OrgUnit.objects.create(code="pb-office", kind=OrgUnit.Kind.DIVISION, parent=bureau,
                                  name_ko="시민참여예산과", name_en="Participatory Budgeting Division")


@pytest.fixture
def department(db):
    parks = OrgUnit.objects.create(code="parks-bureau", kind=OrgUnit.Kind.BUREAU, name_ko="푸른도시여가국",
                                   name_en="Parks and Leisure Bureau")
    return OrgUnit.objects.create(code="parks", kind=OrgUnit.Kind.DIVISION, parent=parks, name_ko="공원조성과",
                                  name_en="Parks Division")


@pytest.fixture
def official(make_citizen, unit):
    person = make_citizen(is_staff=True)
    OrgAssignment.objects.create(unit=unit, official=person, started_on=date(2020, 1, 1))
    return person


@pytest.fixture
def department_official(make_citizen, department):
    person = make_citizen(is_staff=True)
    OrgAssignment.objects.create(unit=department, official=person, started_on=date(2020, 1, 1))
    return person


@pytest.fixture
def superuser(db):
    return Citizen.objects.create_superuser(email="admin@seoul.example", password=None)


@pytest.fixture
def committee(db):
    parent = Committee.objects.create(slug="pb-committee", kind=Committee.Kind.BUDGET, name_ko="시민참여예산위원회",
                                      name_en="Participatory Budget Committee", max_members=300)
    Committee.objects.create(slug="pb-welfare", kind=Committee.Kind.SUBCOMMITTEE, parent=parent, name_ko="복지분과",
                             name_en="Welfare subcommittee", max_members=40)
    Committee.objects.create(slug="pb-environment", kind=Committee.Kind.SUBCOMMITTEE, parent=parent, name_ko="환경분과",
                             name_en="Environment subcommittee", max_members=40)
    return parent


@pytest.fixture
def make_member(make_citizen):
    def make(committee, **fields):
        person = make_citizen(**fields)
        today = timezone.localdate()
        Membership.objects.create(
            committee=committee, person=person, public_name=f"위원{person.pk}", kind=Membership.Kind.COMMISSIONED,
            term_start=today - timedelta(days=30), term_end=today + timedelta(days=700),
        )
        return person

    return make


def shift_to_phase(cycle, phase, *, now=None):
    """Move the cycle's phases so that `phase` runs now ("before" / "after": before the first or
    after the last): each phase lasts PHASE_DAYS, the current one started half-way back."""
    now = now or timezone.now()
    target = {"before": -1, "after": len(PHASE_ORDER)}.get(phase)
    if target is None:
        target = PHASE_ORDER.index(phase)
    for position, kind in enumerate(PHASE_ORDER):
        starts_at = now - timedelta(days=PHASE_DAYS / 2) + timedelta(days=PHASE_DAYS * (position - target))
        if target == len(PHASE_ORDER):
            starts_at -= timedelta(days=PHASE_DAYS)
        Phase.objects.update_or_create(
            cycle=cycle, kind=kind,
            defaults={"starts_at": starts_at, "ends_at": starts_at + timedelta(days=PHASE_DAYS)},
        )
    return Cycle.objects.prefetch_related("phases").get(pk=cycle.pk)


@pytest.fixture
def make_cycle(db, unit, committee):
    """A cycle in `phase` with a city-wide pot (KRW 1 bn, cap 300 m), two district pots
    (Gangnam 11680, Jongno 11110: 300 m, cap 100 m) and two sectors tied to the subcommittees."""

    def make(phase="proposal", *, year=None, **fields):
        year = year or timezone.localdate().year
        cycle = Cycle.objects.create(year=year, title_ko=f"{year}년 시민참여예산", title_en=f"{year} Participatory Budget",
                                     org_unit=unit, committee=committee, **fields)
        Pot.objects.create(cycle=cycle, name_ko="시 전체", name_en="City-wide", total=1_000_000_000,
                           project_cap=300_000_000)
        for code, name_ko, name_en in [("11680", "강남구", "Gangnam-gu"), ("11110", "종로구", "Jongno-gu")]:
            Pot.objects.create(cycle=cycle, district_id=code, name_ko=name_ko, name_en=name_en,
                               total=300_000_000, project_cap=100_000_000)
        Sector.objects.create(cycle=cycle, slug="welfare", name_ko="복지", name_en="Welfare",
                              subcommittee=committee.subcommittees.get(slug="pb-welfare"))
        Sector.objects.create(cycle=cycle, slug="environment", name_ko="환경", name_en="Environment",
                              subcommittee=committee.subcommittees.get(slug="pb-environment"))
        return shift_to_phase(cycle, phase)

    return make


@pytest.fixture
def city_pot():
    def pot_of(cycle):
        return cycle.pots.get(district__isnull=True)

    return pot_of
