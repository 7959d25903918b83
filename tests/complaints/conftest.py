"""Shared fixtures of the complaints tests: units and their officials, the intake desk and a
coordinator, categories of each type, citizens and guests, and complaints filed through the
services (so that every complaint has its tracking number, deadline, event and follower)."""

from datetime import date

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from citizens.backends import PASSWORD_BACKEND
from citizens.consents import purposes
from citizens.models import Citizen, District
from citizens.services import consent_record
from complaints.models import Category, ComplaintType
from complaints.services.intake import Filer, Location, complaint_file
from governance.models import OrgAssignment, OrgUnit
from notifications.services import contact_for_phone

# A point in Jung-gu (Seoul City Hall) and one in Gangnam-gu; Incheon is outside Seoul.
CITY_HALL = (37.566535, 126.977969)
GANGNAM_STATION = (37.497942, 127.027621)
INCHEON = (37.456256, 126.705206)


@pytest.fixture
def make_citizen(db):
    counter = iter(range(1000, 99999))

    def make(*, district="11680", **fields):
        fields.setdefault("notify_by", Citizen.NotifyBy.SMS)
        citizen = Citizen.objects.create_user(phone=f"+82108{next(counter):07d}", **fields)
        citizen.district = District.objects.get(code=district) if district else None
        citizen.residence_basis = Citizen.ResidenceBasis.LIVES if district else ""
        citizen.birth_date = date(1985, 3, 1)
        citizen.profile_completed_at = timezone.now()
        citizen.phone_verified_at = timezone.now()
        citizen.save()
        return citizen

    return make


@pytest.fixture
def participant(make_citizen):
    """A citizen who consented and completed their profile."""

    def make(**fields):
        citizen = make_citizen(**fields)
        consent_record(citizen=citizen, answers={item.key: True for item in purposes()})
        return Citizen.objects.get(pk=citizen.pk)

    return make


@pytest.fixture
def citizen(participant):
    return participant()


@pytest.fixture
def guest(db):
    """A guest's verified phone, as the outbox keeps it."""
    return contact_for_phone("+821055501234", language="ko")


@pytest.fixture
def admin_client(client):
    """The back office opens only to a password session."""

    def login(user):
        client.force_login(user, backend=PASSWORD_BACKEND)
        return client

    return login


@pytest.fixture
def roads(db):
    bureau = OrgUnit.objects.create(code="transport-bureau", kind=OrgUnit.Kind.BUREAU, name_ko="교통실",
                                    name_en="Transportation Office")  # fmt: skip
    return OrgUnit.objects.create(code="road-management", kind=OrgUnit.Kind.DIVISION, parent=bureau,
                                  name_ko="도로관리과", name_en="Road Management Division")  # fmt: skip


@pytest.fixture
def parks(db):
    bureau = OrgUnit.objects.create(code="parks-bureau", kind=OrgUnit.Kind.BUREAU, name_ko="푸른도시여가국",
                                    name_en="Parks and Leisure Bureau")  # fmt: skip
    return OrgUnit.objects.create(code="parks", kind=OrgUnit.Kind.DIVISION, parent=bureau, name_ko="공원조성과",
                                  name_en="Parks Division")  # fmt: skip


@pytest.fixture
def make_official(make_citizen):
    def make(unit=None, *, permissions=(), role=OrgAssignment.Role.MEMBER, **fields):
        person = make_citizen(is_staff=True, **fields)
        if unit is not None:
            OrgAssignment.objects.create(unit=unit, official=person, role=role, started_on=date(2020, 1, 1))
        for codename in permissions:
            person.user_permissions.add(Permission.objects.get(content_type__app_label="complaints", codename=codename))
        return Citizen.objects.get(pk=person.pk)

    return make


@pytest.fixture
def roads_official(make_official, roads):
    return make_official(roads)


@pytest.fixture
def parks_official(make_official, parks):
    return make_official(parks)


@pytest.fixture
def intake_desk(make_official):
    """A 120 call-centre operator: triages, files for callers, handles every unit's complaints."""
    return make_official(permissions=("triage_complaint", "file_for_caller", "handle_any_unit"))


@pytest.fixture
def coordinator(make_official):
    return make_official(permissions=("coordinate_transfer",))


@pytest.fixture
def pothole(roads):
    return Category.objects.create(service_code="pothole", name_ko="도로 파손", name_en="Pothole",
                                   complaint_type=ComplaintType.GRIEVANCE, default_unit=roads, needs_location=True,
                                   notice_ko="긴급한 위험은 119에 신고하세요.", notice_en="Call 119 for emergencies.")  # fmt: skip


@pytest.fixture
def park_suggestion(parks):
    return Category.objects.create(service_code="park-idea", name_ko="공원 제안", name_en="Park suggestion",
                                   complaint_type=ComplaintType.SUGGESTION, default_unit=parks)  # fmt: skip


@pytest.fixture
def file_complaint(citizen, pothole):
    """A complaint filed through the service (defaults: the citizen, a pothole at City Hall, web)."""

    def file(*, category=None, filer=None, channel="web", location=CITY_HALL, description="보도블록이 깨져 있습니다.",
             **fields):  # fmt: skip
        category = category or pothole
        where = Location(latitude=location[0], longitude=location[1]) if location else None
        return complaint_file(channel=channel, category=category, description=description,
                              filer=filer or Filer(citizen=citizen), location=where, **fields)  # fmt: skip

    return file
