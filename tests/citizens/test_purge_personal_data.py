"""`manage.py purge_personal_data`: each kind destroyed after its period, with the clock moved on."""

from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from freezegun import freeze_time

from audit.access_log import personal_data_access_record
from audit.models import PersonalDataAccess
from citizens import services
from citizens.models import Citizen, PhoneVerification
from complaints.models import Complaint
from notifications.models import Contact
from notifications.services import contact_for_phone

pytestmark = pytest.mark.django_db

# Well in the past, so that the database's own clock (which freezegun does not move) agrees
# that these rows are old.
T0 = datetime(2020, 3, 2, 9, 0, tzinfo=ZoneInfo("UTC"))


def purge():
    out = StringIO()
    call_command("purge_personal_data", stdout=out)
    return dict(line.split(": ") for line in out.getvalue().splitlines())


def removed(report, kind):
    (key,) = [key for key in report if key.startswith(f"{kind} ")]
    return int(report[key].split()[0])


@pytest.fixture
def official(db):
    return Citizen.objects.create_superuser(email="privacy-officer@seoul.example", password="a-long-enough-passphrase")


def test_the_staff_access_log_is_kept_two_years_whatever_the_setting(settings, official):
    settings.PERSONAL_DATA_RETENTION = {**settings.PERSONAL_DATA_RETENTION, "staff_access_log": 30}
    target = Citizen.objects.create_user(phone="+821012340000")
    with freeze_time(T0):
        personal_data_access_record(actor=official, target=target, items=["phone"], ip="192.0.2.1")
    with freeze_time(T0 + timedelta(days=400)):
        personal_data_access_record(actor=official, target=target, items=["email"], ip="192.0.2.1")

    with freeze_time(T0 + timedelta(days=729)):
        assert removed(purge(), "staff_access_log") == 0
    assert PersonalDataAccess.objects.count() == 2
    with freeze_time(T0 + timedelta(days=731)):
        report = purge()
        assert removed(report, "staff_access_log") == 1
        assert "staff_access_log (kept 730 days)" in " ".join(report)
        assert removed(purge(), "staff_access_log") == 0  # idempotent
    assert list(PersonalDataAccess.objects.values_list("items", flat=True)) == ["email"]


@pytest.mark.postgres
def test_the_database_refuses_to_delete_a_young_entry_or_change_one(official):
    target = Citizen.objects.create_user(phone="+821012340001")
    personal_data_access_record(actor=official, target=target, items=["phone"])
    with pytest.raises(DatabaseError), transaction.atomic():
        PersonalDataAccess.objects.all().delete()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_personaldataaccess SET items = ''")
    assert PersonalDataAccess.objects.count() == 1


def finished_guest_complaint(*, number, finished_at, status="rejected"):
    contact = contact_for_phone(f"+8210555500{number:02d}", language="ko")
    return Complaint.objects.create(
        tracking_number=f"2020-00000{number:02d}", channel="web", description="가로등이 꺼졌어요",
        contact=contact, contact_name="홍길동", tracking_last4=f"00{number:02d}", status=status,
        rejection_reason="중복", rejection_remedy="이의신청", finished_at=finished_at,
    )  # fmt: skip


def test_a_finished_complaint_loses_its_filer_contact_after_the_period(settings):
    days = settings.PERSONAL_DATA_RETENTION["complaint_contacts"]
    with freeze_time(T0):
        old = finished_guest_complaint(number=1, finished_at=T0)
        recent = finished_guest_complaint(number=2, finished_at=T0 + timedelta(days=days - 10))
        still_open = finished_guest_complaint(number=3, finished_at=None, status="received")

    with freeze_time(T0 + timedelta(days=days + 1)):
        report = purge()
        assert removed(report, "complaint_contacts") == 1
        old.refresh_from_db()
        assert (old.contact_id, old.contact_name, old.tracking_last4) == (None, "", "")
        # The complaint itself stays; the others keep their filer.
        for complaint in (recent, still_open):
            complaint.refresh_from_db()
            assert complaint.contact_id and complaint.contact_name == "홍길동"
        # The unlinked contact, referred to by nothing else now, is gone with the outbox's contacts.
        assert not Contact.objects.filter(phone_index__isnull=False, complaints_filed__isnull=True).exists()
        assert Contact.objects.count() == 2
        second = purge()
        assert removed(second, "complaint_contacts") == 0
        assert removed(second, "notifications") == 0


def test_sign_in_records_and_erased_accounts(settings, official):
    citizen, _ = services.citizen_sign_in_by_phone(phone="+821012349999")
    with freeze_time(T0):
        PhoneVerification.objects.create(phone_index="x" * 64, code_hash="y" * 64, expires_at=T0)
        erased = Citizen.objects.create_user(phone="+821012348888", name="김철수")
        Citizen.objects.filter(pk=erased.pk).update(last_login=T0)
        LogEntry.objects.create(
            user_id=official.pk, content_type_id=ContentType.objects.get_for_model(Citizen).pk,
            object_id=str(erased.pk), object_repr="김철수", action_flag=CHANGE, change_message="[]",
        )  # fmt: skip
        services.citizen_erase(citizen=erased)

    with freeze_time(T0 + timedelta(days=2)):
        report = purge()
        assert removed(report, "sign_in_records") >= 1
        assert not PhoneVerification.objects.filter(phone_index="x" * 64).exists()
        assert removed(report, "erased_accounts") == 0  # not 30 days yet
    with freeze_time(T0 + timedelta(days=31)):
        assert removed(purge(), "erased_accounts") == 2
        assert Citizen.objects.get(pk=erased.pk).last_login is None
        assert not LogEntry.objects.filter(object_repr="김철수").exists()
        assert removed(purge(), "erased_accounts") == 0
    assert Citizen.objects.get(pk=citizen.pk).phone == "+821012349999"  # nobody else touched


def test_it_is_scheduled_daily_on_the_bulk_queue():
    from seoul_portal.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["purge-personal-data"]
    assert (entry["task"], entry["schedule"]) == ("seoul_portal.tasks.purge_personal_data", 24 * 60 * 60.0)
    assert app.amqp.router.route({}, entry["task"], args=(), kwargs={})["queue"].name == "bulk"


def test_the_task_runs_the_purge(official):
    from seoul_portal.tasks import purge_personal_data

    result = purge_personal_data()
    assert set(result) == set(settings.PERSONAL_DATA_RETENTION)


@pytest.mark.parametrize(("language", "text"), [("ko", "직원이 개인정보를 열람한 기록"), ("en", "Records of City staff opening")])
def test_the_privacy_page_lists_the_periods_of_the_setting(client, settings, language_isolated, language, text):
    settings.PERSONAL_DATA_RETENTION = {**settings.PERSONAL_DATA_RETENTION, "complaint_contacts": 1234}
    url = reverse("privacy") if language == "ko" else "/en" + reverse("privacy")
    page = client.get(url).content.decode()
    table = page[page.index('id="retention-periods"'):]
    assert text in table
    assert "1234" in table or "1,234" in table
    assert ("730일" if language == "ko" else "730 days") in table
