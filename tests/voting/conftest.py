"""Shared fixtures of the M-Voting tests: citizens, officials, and polls in each state."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from citizens.models import Citizen, District
from governance.models import OrgAssignment, OrgUnit
from voting.models import Poll
from voting.services import poll_approve, poll_create, poll_publish

SEOUL = ZoneInfo("Asia/Seoul")


@pytest.fixture
def now():
    return timezone.now()


@pytest.fixture
def make_citizen(db):
    counter = iter(range(1000, 99999))

    def make(*, verified=True, district="11680", birth_date=date(1990, 5, 1), gender="female", **fields):
        fields.setdefault("notify_by", Citizen.NotifyBy.SMS)
        citizen = Citizen.objects.create_user(phone=f"+82106{next(counter):07d}", **fields)
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
def voter(make_citizen):
    return make_citizen()


@pytest.fixture
def unit(db):
    return OrgUnit.objects.create(code="smart-city", kind=OrgUnit.Kind.BUREAU, name_ko="스마트도시정책관", name_en="Smart City")


@pytest.fixture
def official(make_citizen, unit):
    person = make_citizen(is_staff=True)
    OrgAssignment.objects.create(unit=unit, official=person, started_on=date(2020, 1, 1))
    return person


@pytest.fixture
def superuser(db):
    return Citizen.objects.create_superuser(email="admin@seoul.example", password=None)


OPTIONS = [{"label": "찬성"}, {"label": "반대"}, {"label": "모르겠음"}]


@pytest.fixture
def make_poll(official, unit, now):
    """A published poll (open unless opens_at is in the future); kind="citizen" goes through
    screening with `proposer` (a verified citizen)."""

    def make(*, kind="policy", proposer=None, options=OPTIONS, opens_at=None, closes_at=None, publish=True, **fields):
        opens_at = opens_at or now - timedelta(hours=1)
        closes_at = closes_at or now + timedelta(days=7)
        actor = proposer if kind == Poll.Kind.CITIZEN else official
        poll = poll_create(
            actor=actor, kind=kind, title=fields.pop("title", "시내버스 심야 노선 확대"), options=options,
            opens_at=opens_at, closes_at=closes_at, org_unit=unit if kind == Poll.Kind.POLICY else None,
            now=min(now, opens_at), **fields,
        )
        if publish:
            if kind == Poll.Kind.CITIZEN:
                poll = poll_approve(actor=official, poll=poll, now=now)
            else:
                poll = poll_publish(actor=official, poll=poll, now=now)
        return poll

    return make


@pytest.fixture
def open_poll(make_poll):
    return make_poll()


@pytest.fixture
def ranked_poll(make_poll):
    return make_poll(
        question_type="ranked", max_choices=4,
        options=[{"label": "Memphis"}, {"label": "Nashville"}, {"label": "Chattanooga"}, {"label": "Knoxville"}],
    )


__all__ = ["SEOUL", "datetime"]
