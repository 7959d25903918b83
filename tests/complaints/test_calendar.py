"""The officials' holiday changes move deadlines: a temporary holiday added in the admin (audited)
pushes a due date back; a cancelled public holiday counts again."""

from datetime import date, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEvent
from complaints.calendar import work_calendar
from complaints.deadlines import SEOUL, Period, due_at
from complaints.models import HolidayChange

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    from citizens.models import Citizen

    client.force_login(Citizen.objects.create_superuser(email="calendar@seoul.example", password=None))
    return client

RECEIVED = datetime(2026, 11, 23, 10, 0, tzinfo=SEOUL)


def test_without_changes_the_public_holidays_alone_count():
    assert due_at(RECEIVED, Period(days=7), work_calendar()) == datetime(2026, 12, 1, 18, 0, tzinfo=SEOUL)


def test_a_temporary_holiday_and_a_cancelled_one_come_from_the_table():
    HolidayChange.objects.create(day=date(2026, 11, 27), kind=HolidayChange.Kind.ADDED, name="임시공휴일")
    assert due_at(RECEIVED, Period(days=7), work_calendar()) == datetime(2026, 12, 2, 18, 0, tzinfo=SEOUL)
    HolidayChange.objects.create(day=date(2026, 9, 24), kind=HolidayChange.Kind.CANCELLED, name="추석 전날 근무")
    chuseok = datetime(2026, 9, 21, 10, 0, tzinfo=SEOUL)
    assert due_at(chuseok, Period(days=7), work_calendar()) == datetime(2026, 9, 30, 18, 0, tzinfo=SEOUL)


def test_the_calendar_is_one_query_however_many_changes():
    for day in range(1, 20):
        HolidayChange.objects.create(day=date(2027, 3, day), kind=HolidayChange.Kind.ADDED, name=f"휴일 {day}")
    with CaptureQueriesContext(connection) as queries:
        work_calendar()
    assert len(queries) == 1


def test_an_official_adds_a_change_in_the_admin_and_it_is_audited(admin_client):
    response = admin_client.post(reverse("admin:complaints_holidaychange_add"), {
        "day": "2026-12-24", "kind": "added", "name": "임시공휴일", "basis": "대통령령 제00000호",
    })
    assert response.status_code == 302
    change = HolidayChange.objects.get(day=date(2026, 12, 24))
    assert AuditEvent.objects.filter(action="complaints.holiday_change.save", target_id=str(change.pk)).exists()


def test_a_day_is_changed_once_and_a_bad_kind_is_a_form_error(admin_client):
    HolidayChange.objects.create(day=date(2026, 12, 24), kind=HolidayChange.Kind.ADDED, name="임시공휴일")
    twice = admin_client.post(reverse("admin:complaints_holidaychange_add"), {
        "day": "2026-12-24", "kind": "cancelled", "name": "다시",
    })
    bad = admin_client.post(reverse("admin:complaints_holidaychange_add"), {
        "day": "2026-12-25", "kind": "whatever", "name": "x",
    })
    assert twice.status_code == 200 and bad.status_code == 200
    assert HolidayChange.objects.count() == 1
