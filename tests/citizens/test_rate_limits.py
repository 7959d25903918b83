"""Every limit on sending codes answers with a clear message in the page, never an error."""

from datetime import timedelta

import pytest
from django.utils import timezone
from freezegun import freeze_time

from citizens.models import PhoneVerification, SendCounter
from seoul_portal.middleware import client_ip

pytestmark = pytest.mark.django_db

PHONE = "010-1234-5678"


def phone_error(response):
    assert response.status_code == 200, response.status_code
    return response.context["form"].errors["phone"][0]


def at_half_past(now):
    # Fixed hourly windows: start mid-hour so a test's minutes stay in one window.
    return now.replace(minute=30, second=0, microsecond=0)


def test_one_code_per_phone_per_minute(request_code, sms_outbox):
    start = at_half_past(timezone.now())
    with freeze_time(start):
        assert request_code(PHONE).status_code == 302
    with freeze_time(start + timedelta(seconds=20)):
        message = phone_error(request_code(PHONE))
    assert "40초" in message
    assert len(sms_outbox) == 1
    with freeze_time(start + timedelta(seconds=60)):
        assert request_code(PHONE).status_code == 302
    assert len(sms_outbox) == 2


def test_five_codes_per_phone_per_hour(request_code, sms_outbox):
    start = at_half_past(timezone.now())
    for minute in range(5):
        with freeze_time(start + timedelta(minutes=minute * 2)):
            assert request_code(PHONE).status_code == 302
    with freeze_time(start + timedelta(minutes=12)):
        message = phone_error(request_code(PHONE))
    assert "지난 1시간" in message and "5" in message
    assert len(sms_outbox) == 5
    # The window slides: an hour after the first code, one more may go out, and no sooner.
    with freeze_time(start + timedelta(minutes=59)):
        phone_error(request_code(PHONE))
    with freeze_time(start + timedelta(minutes=60, seconds=1)):
        assert request_code(PHONE).status_code == 302
    assert len(sms_outbox) == 6


def test_no_burst_across_the_hour(request_code, sms_outbox):
    """Five codes just before the hour and five just after would double the limit; they don't."""
    start = timezone.now().replace(minute=50, second=0, microsecond=0)
    for minute in range(0, 20, 2):
        with freeze_time(start + timedelta(minutes=minute)):
            request_code(PHONE)
    assert len(sms_outbox) == 5


def test_too_many_wrong_codes_in_a_day_stop_new_codes(client, request_code, sms_outbox):
    from django.urls import reverse

    start = at_half_past(timezone.now())
    for round_number in range(3):  # 3 codes × 5 wrong tries = the daily limit of 15
        moment = start + timedelta(minutes=round_number * 20)
        with freeze_time(moment):
            assert request_code(PHONE).status_code == 302
            for _ in range(5):
                client.post(reverse("citizens:signin_code"), {"code": "000000"})
    with freeze_time(start + timedelta(hours=2)):
        message = phone_error(request_code(PHONE))
    assert "내일" in message
    assert len(sms_outbox) == 3


def test_twenty_codes_per_ip_per_hour(request_code, sms_outbox):
    start = at_half_past(timezone.now())
    with freeze_time(start):
        for number in range(20):
            assert request_code(f"010-5555-{number:04d}").status_code == 302
        message = phone_error(request_code("010-5555-9999"))
        assert "네트워크" in message
        # Another address is not affected.
        assert request_code("010-5555-9999", REMOTE_ADDR="198.51.100.7").status_code == 302
    assert len(sms_outbox) == 21


def test_daily_global_cap(request_code, sms_outbox, settings):
    settings.PHONE_CODE_DAILY_GLOBAL_CAP = 3
    start = at_half_past(timezone.now())
    with freeze_time(start):
        for number in range(3):
            assert request_code(f"010-6666-{number:04d}", REMOTE_ADDR=f"198.51.100.{number}").status_code == 302
        message = phone_error(request_code("010-6666-0009", REMOTE_ADDR="198.51.100.99"))
    assert "120" in message
    assert len(sms_outbox) == 3


def test_a_refusal_takes_no_slot_from_the_other_limits(request_code, settings):
    """When the IP limit refuses, the phone's own counters roll back with it."""
    settings.PHONE_CODE_IP_HOURLY_LIMIT = 1
    start = at_half_past(timezone.now())
    with freeze_time(start):
        assert request_code("010-7777-0001").status_code == 302
        phone_error(request_code("010-7777-0002"))
    assert not SendCounter.objects.filter(scope="phone-hour", count__gt=0).exclude(
        key=PhoneVerification.objects.get().phone_index
    ).exists()
    assert PhoneVerification.objects.count() == 1


def test_the_client_ip_is_read_behind_trusted_proxies_only(request_code, settings):
    settings.PHONE_CODE_IP_HOURLY_LIMIT = 1
    settings.TRUSTED_PROXY_COUNT = 1
    start = at_half_past(timezone.now())
    with freeze_time(start):
        # Same proxy address, different clients: each client has its own limit.
        assert request_code("010-8888-0001", HTTP_X_FORWARDED_FOR="203.0.113.1").status_code == 302
        assert request_code("010-8888-0002", HTTP_X_FORWARDED_FOR="203.0.113.2").status_code == 302
        # A client that forges an earlier hop is still counted by the address our proxy saw.
        phone_error(request_code("010-8888-0003", HTTP_X_FORWARDED_FOR="10.9.9.9, 203.0.113.1"))


@pytest.mark.parametrize(
    ("forwarded", "proxies", "expected"),
    [
        ("", 0, "192.0.2.1"),
        ("203.0.113.5", 0, "192.0.2.1"),
        ("203.0.113.5", 1, "203.0.113.5"),
        ("198.51.100.1, 203.0.113.5", 1, "203.0.113.5"),
        ("198.51.100.1, 203.0.113.5", 2, "198.51.100.1"),
        ("203.0.113.5", 2, "192.0.2.1"),
    ],
)
def test_client_ip(forwarded, proxies, expected):
    meta = {"REMOTE_ADDR": "192.0.2.1", "HTTP_X_FORWARDED_FOR": forwarded}
    assert client_ip(meta, proxies) == expected
