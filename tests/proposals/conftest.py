from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from citizens.models import Citizen, District
from governance.models import OrgAssignment, OrgUnit
from proposals.models import Category
from proposals.services import proposal_create_draft, proposal_publish

SEOUL = ZoneInfo("Asia/Seoul")
PUBLISHED_AT = datetime(2026, 3, 2, 10, 0, tzinfo=SEOUL)


@pytest.fixture
def make_citizen(db):
    counter = iter(range(1000, 99999))

    def make(*, verified=True, **fields):
        fields.setdefault("notify_by", Citizen.NotifyBy.SMS)
        citizen = Citizen.objects.create_user(phone=f"+82105{next(counter):07d}", **fields)
        if verified:
            citizen.phone_verified_at = timezone.now()
            citizen.save(update_fields=["phone_verified_at"])
        return citizen

    return make


@pytest.fixture
def unit(db):
    return OrgUnit.objects.create(code="smart-city", kind=OrgUnit.Kind.BUREAU, name_ko="스마트도시정책관", name_en="Smart City")


@pytest.fixture
def other_unit(db):
    return OrgUnit.objects.create(code="transport", kind=OrgUnit.Kind.BUREAU, name_ko="교통실", name_en="Transport")


@pytest.fixture
def category(unit):
    return Category.objects.create(slug="transport", name_ko="교통", name_en="Transport", default_unit=unit)


@pytest.fixture
def author(make_citizen):
    return make_citizen()


@pytest.fixture
def official(make_citizen, unit):
    person = make_citizen(is_staff=True)
    OrgAssignment.objects.create(unit=unit, official=person, started_on=date(2020, 1, 1))
    return person


@pytest.fixture
def superuser(db):
    return Citizen.objects.create_superuser(email="admin@seoul.example", password=None)


@pytest.fixture
def draft(author, category):
    return proposal_create_draft(
        author=author, title="심야 버스 노선 확대", body="심야 버스를 늘려 주세요.\n강남 방면이 특히 부족합니다.",
        category=category, district=District.objects.get(code="11680"),
    )


@pytest.fixture
def published(draft, author):
    return proposal_publish(author=author, proposal=draft, now=PUBLISHED_AT)


@pytest.fixture
def supporters(make_citizen):
    def make(count):
        return [make_citizen() for _ in range(count)]

    return make


@pytest.fixture(autouse=True)
def _messages_in_english():
    """The refusals are checked by their English texts (msgids); the pages' tests check Korean."""
    from django.utils import translation

    with translation.override("en"):
        yield
