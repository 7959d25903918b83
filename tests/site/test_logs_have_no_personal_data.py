"""Logs never contain a phone number, an email address or a sign-in code.

Every record logged while the main flows run (root logger at DEBUG, the other loggers as
settings.LOGGING leaves them) is formatted as the site's handler would, traceback included, and
searched for the test's phone numbers, emails and codes: sign-in by SMS code, a profile change
with an email, an Open311 complaint with a phone and one with an email, and notifications through
the SMS (Twilio) and email backends, whose providers refuse them naming the recipient.
"""

import logging
import re

import pytest
from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse

from citizens.log_redaction import RedactContactData
from citizens.models import Citizen
from notifications import delivery
from notifications.backends.sms import TwilioSmsBackend
from notifications.models import Notification
from notifications.services import notify
from tests.citizens.conftest import last_code, plain_notification_kind, request_code, sms_outbox  # noqa: F401
from tests.complaints.conftest import pothole, roads  # noqa: F401
from tests.complaints.open311.conftest import _fresh_cache, _media_in_tmp, api_key, open311_post  # noqa: F401
from tests.notifications.test_sms_backends import FakeTwilioHttp

pytestmark = pytest.mark.django_db

PHONE, E164 = "010-5555-1234", "+821055551234"
OPEN311_PHONE, OPEN311_E164 = "010-5550-9876", "+821055509876"
EMAIL = "leaky.person@example.com"
OPEN311_EMAIL = "open311.reporter@example.org"
CITY_HALL = {"lat": "37.566535", "long": "126.977969"}


def forbidden_strings(codes):
    strings = {EMAIL, OPEN311_EMAIL, EMAIL.split("@")[0], OPEN311_EMAIL.split("@")[0]}
    for national, e164 in ((PHONE, E164), (OPEN311_PHONE, OPEN311_E164)):
        digits = national.replace("-", "")
        strings |= {national, e164, digits, digits[3:], national[4:], e164[3:]}
    return strings | set(codes)


class RefusingEmailBackend(BaseEmailBackend):
    """An ESP that refuses the message and names the recipient in its error, as ESPs do."""

    def send_messages(self, email_messages):
        raise RuntimeError(f"ESP refused: recipient {email_messages[0].to[0]} is on the suppression list")


def formatted(record):
    formatter = logging.Formatter(settings.LOGGING["formatters"]["plain"]["format"])
    return formatter.format(record)


def test_the_main_flows_log_no_contact_data_and_no_code(
    client, caplog, request_code, last_code, settings, monkeypatch, plain_notification_kind, open311_post, pothole,  # noqa: F811
):
    caplog.set_level(logging.DEBUG)
    codes = []

    # Sign-in with an SMS code (a wrong code first), consent and profile with an email.
    assert request_code(PHONE).status_code == 302
    codes.append(last_code(E164))
    wrong = f"{(int(codes[0]) + 1) % 1_000_000:06d}"
    client.post(reverse("citizens:signin_code"), {"code": wrong})
    codes.append(wrong)
    assert client.post(reverse("citizens:signin_code"), {"code": codes[0]}).status_code == 302
    client.post(reverse("citizens:consent"), {"participation": "on"})
    response = client.post(reverse("citizens:profile"), {
        "birth_date": "1990-05-17", "residence_basis": "lives", "district": "11680", "gender": "",
        "language": "ko", "notify_by": "both", "email": EMAIL,
    })  # fmt: skip
    assert response.status_code == 302
    citizen = Citizen.objects.get_by_phone(E164)
    assert citizen.email == EMAIL

    # Open311 complaints with a phone and with an email (the providers below refuse their notices).
    for contact in ({"phone": OPEN311_PHONE}, {"email": OPEN311_EMAIL}):
        response = open311_post("json", {"service_code": "pothole", **CITY_HALL}, description="도로가 파였어요", **contact)
        assert response.status_code == 200, response.content

    # Notifications through Twilio and the email backend, both refused naming the recipient.
    settings.SMS_BACKEND = "notifications.backends.sms.TwilioSmsBackend"
    settings.TWILIO_ACCOUNT_SID = "AC00000000000000000000000000000000"
    settings.TWILIO_AUTH_TOKEN = "secret-token"
    settings.TWILIO_MESSAGING_SERVICE_SID = "MG00000000000000000000000000000000"
    settings.PUBLIC_BASE_URL = "https://participation.seoul.go.kr"
    settings.EMAIL_BACKEND = f"{__name__}.RefusingEmailBackend"
    twilio = FakeTwilioHttp(status=400, payload={
        "code": 21211, "message": f"Invalid 'To' Phone Number: {E164}", "status": 400,
    })  # fmt: skip
    monkeypatch.setattr(TwilioSmsBackend, "http_client", twilio)
    rows = list(notify(recipient=citizen, kind=plain_notification_kind, context={"text": "안녕하세요"}, key="log-test"))
    # With the complaints' notices to the Open311 reporters, still waiting.
    rows += list(Notification.objects.filter(status=Notification.Status.PENDING).exclude(pk__in=[r.pk for r in rows]))
    for row in rows:
        delivery.deliver(row.pk)
    assert twilio.requests, "the SMS went to the (fake) provider"
    assert Notification.objects.filter(citizen=citizen, channel="email").exclude(last_error="").exists()

    # The flows logged something (else this test would prove nothing), and nothing of the above.
    messages = [formatted(record) for record in caplog.records]
    assert any("failed" in message for message in messages), messages
    forbidden = forbidden_strings(codes)
    leaks = [(text, message) for message in messages for text in forbidden if text in message]
    assert not leaks, leaks


def test_the_site_handler_redacts_what_a_log_call_lets_through():
    handler_config = settings.LOGGING["handlers"]["console"]
    assert "redact_contact_data" in handler_config["filters"]
    assert settings.LOGGING["filters"]["redact_contact_data"]["()"] == "citizens.log_redaction.RedactContactData"

    record = logging.LogRecord("x", logging.INFO, __file__, 1, "sent to %s and %s (complaint %s)",
                               (E164, EMAIL, "2026-0001234"), None)  # fmt: skip
    try:
        raise ValueError(f"provider says {PHONE} bounced")
    except ValueError:
        import sys

        record.exc_info = sys.exc_info()
    assert RedactContactData().filter(record) is True
    text = formatted(record)
    assert E164 not in text and EMAIL not in text and PHONE not in text
    assert "[phone]" in text and "[email]" in text
    assert "2026-0001234" in text  # tracking numbers stay readable
    assert re.search(r"ValueError: provider says \[phone\] bounced", text)
