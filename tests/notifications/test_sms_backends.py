import io
import json
import logging
from urllib.parse import parse_qs, urlsplit

import pytest
from twilio.http import HttpClient
from twilio.http.response import Response

from notifications import delivery
from notifications.backends import SendError
from notifications.backends.sms import (
    ConsoleSmsBackend,
    FileSmsBackend,
    MemorySmsBackend,
    SmsMessage,
    TwilioSmsBackend,
    get_sms_backend,
)
from notifications.models import Notification
from notifications.services import notify

MESSAGE = SmsMessage(to="+821012345678", body="[서울시] 인증번호 123456 (5분 이내 입력)", reference="42")


def test_the_backend_comes_from_settings(settings):
    settings.SMS_BACKEND = "notifications.backends.sms.FileSmsBackend"
    assert isinstance(get_sms_backend(), FileSmsBackend)


def test_console_prints_the_phone_and_the_text():
    stream = io.StringIO()
    ConsoleSmsBackend(stream=stream).send(MESSAGE)
    assert "SMS to +821012345678\n[서울시] 인증번호 123456 (5분 이내 입력)\n" in stream.getvalue()


def test_the_file_backend_writes_one_whole_file_per_message(settings, tmp_path):
    settings.SMS_FILE_PATH = str(tmp_path / "sms")
    backend = FileSmsBackend()

    ids = [backend.send(MESSAGE), backend.send(SmsMessage(to="+821099998888", body="second", reference="43"))]

    files = sorted((tmp_path / "sms").iterdir())
    assert [path.name for path in files] == sorted(f"{message_id}.txt" for message_id in ids)
    contents = [path.read_text(encoding="utf-8") for path in files]
    assert "To: +821012345678\nReference: 42\n\n[서울시] 인증번호 123456 (5분 이내 입력)\n" in contents
    assert "To: +821099998888\nReference: 43\n\nsecond\n" in contents


def test_memory_collects_messages():
    MemorySmsBackend().send(MESSAGE)
    assert MemorySmsBackend.outbox == [MESSAGE]


RATE_LIMITED = (429, {"code": 20429, "message": "Too Many Requests", "status": 429})


class FakeTwilioHttp(HttpClient):
    """Answers at Twilio's HTTP boundary: records each request, returns a canned response (the
    answers queued in `script` first, one per request)."""

    def __init__(self, status=201, payload=None):
        super().__init__(logger=logging.getLogger("tests.twilio"), is_async=False)
        self.status = status
        self.payload = payload or {"sid": "SM0123456789abcdef0123456789abcdef", "status": "accepted"}
        self.script = []
        self.requests = []

    def request(self, method, uri, params=None, data=None, headers=None, auth=None, timeout=None,
                allow_redirects=False):
        self.requests.append({"method": method, "uri": uri, "data": data, "auth": auth})
        status, payload = self.script.pop(0) if self.script else (self.status, self.payload)
        return Response(status, json.dumps(payload))


@pytest.fixture
def twilio(settings, monkeypatch):
    settings.SMS_BACKEND = "notifications.backends.sms.TwilioSmsBackend"
    settings.TWILIO_ACCOUNT_SID = "AC00000000000000000000000000000000"
    settings.TWILIO_AUTH_TOKEN = "secret-token"
    settings.TWILIO_MESSAGING_SERVICE_SID = "MG00000000000000000000000000000000"
    settings.TWILIO_FROM_NUMBER = ""
    settings.PUBLIC_BASE_URL = "https://participation.seoul.go.kr"
    fake = FakeTwilioHttp()
    monkeypatch.setattr(TwilioSmsBackend, "http_client", fake)
    # The waits after a 429 are recorded, not slept.
    fake.waits = []
    monkeypatch.setattr(TwilioSmsBackend, "sleep", staticmethod(fake.waits.append))
    return fake


def test_twilio_sends_from_the_messaging_service_with_a_status_callback(twilio):
    sid = TwilioSmsBackend().send(MESSAGE)

    assert sid == "SM0123456789abcdef0123456789abcdef"
    (request,) = twilio.requests
    assert request["method"] == "POST"
    assert urlsplit(request["uri"]).path == "/2010-04-01/Accounts/AC00000000000000000000000000000000/Messages.json"
    assert request["auth"] == ("AC00000000000000000000000000000000", "secret-token")
    assert request["data"]["To"] == "+821012345678"
    assert request["data"]["Body"] == MESSAGE.body
    assert request["data"]["MessagingServiceSid"] == "MG00000000000000000000000000000000"
    assert "From" not in request["data"]
    callback = urlsplit(request["data"]["StatusCallback"])
    assert (callback.scheme, callback.netloc, callback.path) == (
        "https", "participation.seoul.go.kr", "/notifications/twilio/status/"
    )
    assert parse_qs(callback.query) == {"notification": ["42"]}


def test_twilio_without_a_messaging_service_sends_from_the_number(twilio, settings):
    settings.TWILIO_MESSAGING_SERVICE_SID = ""
    settings.TWILIO_FROM_NUMBER = "+15005550006"
    TwilioSmsBackend().send(MESSAGE)
    assert twilio.requests[0]["data"]["From"] == "+15005550006"
    assert "MessagingServiceSid" not in twilio.requests[0]["data"]


@pytest.mark.parametrize(("status", "permanent"), [(400, True), (429, False), (503, False)])
def test_twilio_errors_say_whether_a_retry_can_help(twilio, status, permanent):
    twilio.status = status
    twilio.payload = {"code": 21211, "message": "Invalid 'To' Phone Number", "status": status}
    with pytest.raises(SendError) as raised:
        TwilioSmsBackend().send(MESSAGE)
    assert raised.value.permanent is permanent
    assert "21211" in str(raised.value)


def test_a_rate_limited_message_is_sent_once_the_limit_lets_it_through(twilio):
    twilio.script = [RATE_LIMITED, RATE_LIMITED]

    sid = TwilioSmsBackend().send(MESSAGE)

    assert sid == "SM0123456789abcdef0123456789abcdef"
    assert len(twilio.requests) == 3
    assert [request["data"] for request in twilio.requests[1:]] == [twilio.requests[0]["data"]] * 2
    # Short jittered waits: the first within 50 ms, the next within 100 ms.
    assert len(twilio.waits) == 2
    assert 0 <= twilio.waits[0] <= 0.05 and 0 <= twilio.waits[1] <= 0.1


def test_a_rate_limit_that_lasts_fails_the_attempt_retryably_after_a_bounded_wait(twilio):
    twilio.status, twilio.payload = RATE_LIMITED

    with pytest.raises(SendError) as raised:
        TwilioSmsBackend().send(MESSAGE)

    assert raised.value.permanent is False
    assert "429" in str(raised.value) and "20429" in str(raised.value)
    assert sum(twilio.waits) == pytest.approx(TwilioSmsBackend.rate_limit_wait_seconds)
    assert max(twilio.waits) <= TwilioSmsBackend.rate_limit_longest_wait_seconds
    assert len(twilio.requests) == len(twilio.waits) + 1


def test_other_errors_are_not_waited_out(twilio):
    twilio.script = [(503, {"code": 20500, "message": "Service unavailable", "status": 503})]

    with pytest.raises(SendError):
        TwilioSmsBackend().send(MESSAGE)

    assert (len(twilio.requests), twilio.waits) == (1, [])


def test_each_process_keeps_one_http_client_to_twilio(monkeypatch):
    from notifications.backends import sms

    monkeypatch.setattr(sms, "_twilio_http_clients", {})
    first = sms.twilio_http_client(15)
    assert sms.twilio_http_client(15) is first  # one Session: the connection is kept alive
    # A pool child forked from this process opens its own.
    monkeypatch.setattr(sms.os, "getpid", lambda: -1)
    assert sms.twilio_http_client(15) is not first


@pytest.mark.django_db
def test_a_twilio_delivery_stores_the_message_sid(twilio, make_citizen, greeting, greeting_context):
    (row,) = notify(recipient=make_citizen(), kind="test_greeting", context=greeting_context, key="k")

    assert delivery.deliver(row.pk) == "sent"

    row = Notification.objects.get(pk=row.pk)
    assert row.provider_message_id == "SM0123456789abcdef0123456789abcdef"
    assert twilio.requests[0]["data"]["Body"] == row.body


@pytest.mark.django_db
def test_a_refused_twilio_message_fails_with_twilios_reason(twilio, make_citizen, greeting, greeting_context):
    twilio.status = 400
    twilio.payload = {"code": 21211, "message": "Invalid 'To' Phone Number", "status": 400}
    (row,) = notify(recipient=make_citizen(), kind="test_greeting", context=greeting_context, key="k")

    assert delivery.deliver(row.pk) == "failed"

    row = Notification.objects.get(pk=row.pk)
    assert row.status == "failed"
    assert "Invalid 'To' Phone Number" in row.last_error and "21211" in row.last_error


def test_the_twilio_client_reads_the_proxy_settings_once(monkeypatch):
    from notifications.backends import sms

    monkeypatch.setattr(sms, "_twilio_http_clients", {})
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.city.example:3128")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)

    client = sms.twilio_http_client(15)

    assert client.proxy == {"https": "http://proxy.city.example:3128"}
    assert client.session.trust_env is False  # not read again for every message


def test_twilio_is_left_out_of_the_proxy_when_no_proxy_names_it(monkeypatch):
    from notifications.backends import sms

    monkeypatch.setattr(sms, "_twilio_http_clients", {})
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.city.example:3128")
    monkeypatch.setenv("NO_PROXY", "api.twilio.com")

    assert sms.twilio_http_client(15).proxy == {}


def test_the_twilio_library_logs_no_request_headers():
    import logging

    assert not logging.getLogger("twilio.http_client").isEnabledFor(logging.INFO)
