from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from freezegun import freeze_time

from citizens import services
from citizens.models import PhoneVerification, SendCounter

pytestmark = pytest.mark.django_db


def test_sign_in_records_older_than_a_day_are_purged(request_code):
    start = timezone.now().replace(minute=30, second=0, microsecond=0)
    with freeze_time(start):
        request_code("010-1357-0001")
    with freeze_time(start + timedelta(hours=23)):
        request_code("010-1357-0002")
        codes, _counters = services.sign_in_records_purge()
        assert codes == 0
        assert SendCounter.objects.filter(scope="phone-cooldown").count() == 2
    with freeze_time(start + timedelta(hours=25)):
        codes, counters = services.sign_in_records_purge()
        # Counters of windows still open are kept: the limits keep counting.
        now = timezone.now()
        assert SendCounter.objects.filter(scope="ip-hour", window_start__gt=now - timedelta(hours=3)).exists()
    assert codes == 1 and counters >= 2  # its code, its cool-down and its hour's counters
    assert PhoneVerification.objects.count() == 1
    assert SendCounter.objects.filter(scope="phone-cooldown").count() == 1


def test_the_purge_command_reports_counts(request_code, capsys):
    call_command("purge_sign_in_records")
    assert "Deleted 0 verification code(s)" in capsys.readouterr().out


def test_profile_changes_are_audited_by_field_name_only(make_citizen):
    from audit.models import AuditEvent
    from citizens.models import Citizen, District

    citizen = make_citizen(phone="010-1357-0003")
    services.citizen_update_profile(
        citizen=citizen, birth_date=citizen.birth_date, district=District.objects.get(code="11110"),
        residence_basis=Citizen.ResidenceBasis.LIVES, gender="", language="en", notify_by="sms", email="",
    )
    event = AuditEvent.objects.filter(action="citizen.profile_update").latest("occurred_at")
    assert event.summary == {"fields": "district_id,language"}
