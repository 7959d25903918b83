"""Limits on sign-in codes with the clock moved forward: a limit refuses, then after its window the
next request passes. Also the code's own rules: single use, five minutes, five tries."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from freezegun import freeze_time

from citizens.models import PhoneVerification, SendCounter
from citizens.throttling import prefix_key
from citizens.verification import SmsCodeVerifier, VerificationFailed

pytestmark = pytest.mark.django_db

SEOUL = ZoneInfo("Asia/Seoul")


def phone_error(response):
    assert response.status_code == 200, response.status_code
    return response.context["form"].errors["phone"][0]


def half_past(now):
    return now.replace(minute=30, second=0, microsecond=0)


# --- Per number range (SMS pumping) ---------------------------------------------------------------


def test_codes_to_one_number_range_are_limited_per_hour(request_code, sms_outbox, settings):
    settings.PHONE_CODE_PREFIX_HOURLY_LIMIT = 3
    start = half_past(timezone.now())
    with freeze_time(start):
        # Each from its own address, as a pumping botnet would: the IP limit never sees them.
        for number in range(3):
            assert request_code(f"010-4444-{number:04d}", REMOTE_ADDR=f"198.51.100.{number}").status_code == 302
        message = phone_error(request_code("010-4444-0099", REMOTE_ADDR="198.51.100.99"))
        assert "번호대" in message and "120" in message
        next_hour = timezone.localtime(start.replace(minute=0) + timedelta(hours=1))
        assert f"{next_hour:%H:%M}" in message
        # Another range is not affected.
        assert request_code("010-4445-0099", REMOTE_ADDR="198.51.100.99").status_code == 302
    assert len(sms_outbox) == 4
    with freeze_time(start + timedelta(minutes=29)):
        phone_error(request_code("010-4444-0098", REMOTE_ADDR="198.51.100.98"))
    # The next hour's window: the range may be sent codes again.
    with freeze_time(start + timedelta(minutes=31)):
        assert request_code("010-4444-0098", REMOTE_ADDR="198.51.100.98").status_code == 302
    assert len(sms_outbox) == 5


def test_the_range_counter_holds_no_part_of_the_number(request_code, settings):
    with freeze_time(half_past(timezone.now())):
        assert request_code("010-4446-1234").status_code == 302
    counter = SendCounter.objects.get(scope="prefix-hour")
    assert counter.key == prefix_key("+821044461234") == prefix_key("+821044460000")
    assert counter.key != prefix_key("+821044471234")
    assert "4446" not in counter.key and "+82" not in counter.key


def test_a_range_refusal_takes_no_slot_from_the_other_limits(request_code, settings):
    """Taken in the same transaction as the other limits: the IP's and the site's bumps roll back."""
    settings.PHONE_CODE_PREFIX_HOURLY_LIMIT = 1
    with freeze_time(half_past(timezone.now())):
        assert request_code("010-4447-0001").status_code == 302
        phone_error(request_code("010-4447-0002"))
    assert SendCounter.objects.get(scope="ip-hour").count == 1
    assert SendCounter.objects.get(scope="global-day").count == 1
    assert SendCounter.objects.get(scope="prefix-hour").count == 1
    assert PhoneVerification.objects.count() == 1


# --- Per IP and for the whole site: the window passes ----------------------------------------------


def test_the_ip_limit_lifts_when_its_hour_is_over(request_code, sms_outbox, settings):
    settings.PHONE_CODE_IP_HOURLY_LIMIT = 2
    start = half_past(timezone.now())
    with freeze_time(start):
        assert request_code("010-5151-0001").status_code == 302
        assert request_code("010-5252-0002").status_code == 302
    with freeze_time(start + timedelta(minutes=29, seconds=59)):
        assert "네트워크" in phone_error(request_code("010-5353-0003"))
    with freeze_time(start + timedelta(minutes=30)):
        assert request_code("010-5353-0003").status_code == 302
    assert len(sms_outbox) == 3


def test_the_global_cap_lifts_at_midnight_in_seoul(request_code, sms_outbox, settings):
    settings.PHONE_CODE_DAILY_GLOBAL_CAP = 2
    evening = datetime(2026, 3, 10, 23, 30, tzinfo=SEOUL)
    with freeze_time(evening):
        assert request_code("010-6161-0001", REMOTE_ADDR="198.51.100.1").status_code == 302
        assert request_code("010-6262-0002", REMOTE_ADDR="198.51.100.2").status_code == 302
    # 23:59 in Seoul is 14:59 UTC: still the same Seoul day, still refused.
    with freeze_time(datetime(2026, 3, 10, 23, 59, tzinfo=SEOUL)):
        assert "120" in phone_error(request_code("010-6363-0003", REMOTE_ADDR="198.51.100.3"))
    with freeze_time(datetime(2026, 3, 11, 0, 0, 1, tzinfo=SEOUL)):
        assert request_code("010-6363-0003", REMOTE_ADDR="198.51.100.3").status_code == 302
    assert len(sms_outbox) == 3


def test_the_daily_wrong_code_limit_slides_off_after_a_day(client, request_code, sms_outbox, settings):
    from django.urls import reverse

    settings.PHONE_CODE_PHONE_DAILY_FAILED_LIMIT = 5
    start = half_past(timezone.now())
    with freeze_time(start):
        assert request_code("010-7171-0001").status_code == 302
        for _ in range(5):
            client.post(reverse("citizens:signin_code"), {"code": "000000"})
    with freeze_time(start + timedelta(hours=23, minutes=59)):
        assert "내일" in phone_error(request_code("010-7171-0001"))
    with freeze_time(start + timedelta(days=1, seconds=1)):
        assert request_code("010-7171-0001").status_code == 302
    assert len(sms_outbox) == 2


# --- The code itself: single use, five minutes, five tries ----------------------------------------


@pytest.fixture
def send_code(django_capture_on_commit_callbacks, last_code):
    """Send a code through the verifier as sign-in does; returns the code the SMS carried."""

    def send(phone):
        with django_capture_on_commit_callbacks(execute=True):
            SmsCodeVerifier().begin(phone=phone, ip="192.0.2.10")
        return last_code(phone)

    return send


def refusal(phone, code):
    with pytest.raises(VerificationFailed) as failed:
        SmsCodeVerifier().confirm(phone=phone, code=code)
    return failed.value.code


def test_a_code_works_once(send_code):
    phone = "+821080800001"
    start = half_past(timezone.now())
    with freeze_time(start):
        code = send_code(phone)
    with freeze_time(start + timedelta(seconds=30)):
        SmsCodeVerifier().confirm(phone=phone, code=code)
    with freeze_time(start + timedelta(seconds=40)):
        assert refusal(phone, code) == "no_code"
    assert PhoneVerification.objects.get().confirmed_at == start + timedelta(seconds=30)


def test_a_code_expires_at_five_minutes_and_stays_dead(send_code):
    phone = "+821080800002"
    start = half_past(timezone.now())
    with freeze_time(start):
        code = send_code(phone)
    with freeze_time(start + timedelta(minutes=5)):
        assert refusal(phone, code) == "expired"
    # Once refused as expired it is closed: no second chance at a later instant either.
    with freeze_time(start + timedelta(minutes=6)):
        assert refusal(phone, code) == "no_code"


def test_five_wrong_tries_kill_the_code_however_slowly_they_come(send_code):
    phone = "+821080800003"
    start = half_past(timezone.now())
    with freeze_time(start):
        code = send_code(phone)
    wrong = "000000" if code != "000000" else "111111"
    for attempt in range(4):
        with freeze_time(start + timedelta(seconds=50 * attempt + 1)):
            assert refusal(phone, wrong) == "wrong_code"
    with freeze_time(start + timedelta(minutes=4)):
        assert refusal(phone, wrong) == "too_many_attempts"
    with freeze_time(start + timedelta(minutes=4, seconds=30)):
        assert refusal(phone, code) == "no_code"
    verification = PhoneVerification.objects.get()
    assert verification.failed_attempts == 5 and verification.confirmed_at is None
