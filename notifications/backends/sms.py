"""SMS backends, chosen by settings.SMS_BACKEND (a dotted path).

Each backend's `send(message)` hands one message to its provider and returns the provider's
message id ("" when there is none); it raises on failure (SendError when it can tell whether
a retry could help).
"""

import os
import random
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string

from . import SendError


@dataclass(frozen=True)
class SmsMessage:
    to: str
    body: str
    # Our notification id, so that a provider callback or a file can be traced to its row.
    reference: str = ""


class BaseSmsBackend:
    def send(self, message: SmsMessage) -> str:
        raise NotImplementedError


def get_sms_backend() -> BaseSmsBackend:
    return import_string(settings.SMS_BACKEND)()


class ConsoleSmsBackend(BaseSmsBackend):
    """Development: the message is printed where `make run` shows its log, so a developer reads
    the sign-in code there."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stdout

    def send(self, message):
        rule = "-" * 60
        self.stream.write(f"{rule}\nSMS to {message.to}\n{message.body}\n{rule}\n")
        self.stream.flush()
        return ""


class FileSmsBackend(BaseSmsBackend):
    """Development and end-to-end tests: one file per message in settings.SMS_FILE_PATH."""

    def send(self, message):
        directory = Path(settings.SMS_FILE_PATH)
        directory.mkdir(parents=True, exist_ok=True)
        message_id = f"{timezone.now():%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex[:12]}"
        content = f"To: {message.to}\nReference: {message.reference}\n\n{message.body}\n"
        # Written under a temporary name and renamed, so a reader never sees half a message.
        fd, temporary = tempfile.mkstemp(dir=directory, prefix=".partial-", suffix=".txt")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(content)
            os.replace(temporary, directory / f"{message_id}.txt")
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return message_id


class MemorySmsBackend(BaseSmsBackend):
    """Tests: messages collect in `MemorySmsBackend.outbox` (cleared by conftest per test)."""

    outbox: list[SmsMessage] = []

    def send(self, message):
        type(self).outbox.append(message)
        return f"memory-{uuid.uuid4().hex}"


def twilio_status_callback_url(reference: str) -> str:
    # The callback carries our row id, so a status that arrives before the worker recorded the
    # Message SID still finds its row. Twilio signs the whole URL, query included.
    url = settings.PUBLIC_BASE_URL + reverse("notifications:twilio_status")
    return f"{url}?{urlencode({'notification': reference})}" if reference else url


_twilio_http_clients = {}  # process id → its TwilioHttpClient
TWILIO_API_URL = "https://api.twilio.com/"


def twilio_http_client(timeout: float):
    """This process's TwilioHttpClient: one requests Session, so that consecutive messages reuse
    the kept-alive HTTPS connection to Twilio instead of paying a TCP and TLS handshake (several
    round trips to the US) each. Per process id: a pool child forked from a parent that had sent
    something must open its own connection, not share the parent's socket."""
    from twilio.http.http_client import TwilioHttpClient

    pid = os.getpid()
    client = _twilio_http_clients.get(pid)
    if client is None:
        _twilio_http_clients.clear()
        # The environment's proxy settings (HTTPS_PROXY, NO_PROXY) are read once here: requests
        # would otherwise read every environment variable again for each message.
        from requests.utils import get_environ_proxies

        client = TwilioHttpClient(timeout=timeout, proxy=get_environ_proxies(TWILIO_API_URL))
        client.session.trust_env = False
        _twilio_http_clients[pid] = client
    return client


class TwilioSmsBackend(BaseSmsBackend):
    """Production: Twilio's Messages API, from a Messaging Service or a From number.

    A 429 (Twilio's rate limit) is waited out here, within the attempt: Twilio refused the
    message, so asking again cannot send it twice, while handing it back to the outbox would park
    it for the retry backoff (30 s, then doubling) and cost it one of its attempts. In a mass send
    every sender meets the limit again and again: parked rows leave the provider idle for
    minutes, and an unlucky row fails after its sixth 429. The waits are short and jittered (the
    senders spread over the free slots) and end after `rate_limit_wait_seconds`; then the 429 is
    a retryable failure like any other.
    """

    # Tests inject a twilio.http.HttpClient here, to answer at Twilio's HTTP boundary.
    http_client = None
    # Well under the sending lease: a hung API call must end before the sweep takes the row back.
    timeout_seconds = 15
    # Waiting for the rate limit, at most, per attempt; this plus one API call stays well under
    # the sending lease (NOTIFICATION_SENDING_LEASE_SECONDS, 120 s by default).
    rate_limit_wait_seconds = 30.0
    # The first waits are up to this long, doubling after each 429 up to the longest.
    rate_limit_first_wait_seconds = 0.05
    rate_limit_longest_wait_seconds = 1.0
    sleep = staticmethod(time.sleep)  # tests record the waits instead

    def client(self):
        from twilio.rest import Client

        http_client = self.http_client or twilio_http_client(self.timeout_seconds)
        return Client(settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN, http_client=http_client)

    def send(self, message):
        from twilio.base.exceptions import TwilioRestException

        sender = (
            {"messaging_service_sid": settings.TWILIO_MESSAGING_SERVICE_SID}
            if settings.TWILIO_MESSAGING_SERVICE_SID
            else {"from_": settings.TWILIO_FROM_NUMBER}
        )
        client = self.client()
        waited, refusals = 0.0, 0
        while True:
            try:
                created = client.messages.create(
                    to=message.to,
                    body=message.body,
                    status_callback=twilio_status_callback_url(message.reference),
                    **sender,
                )
            except TwilioRestException as error:
                if error.status == 429 and waited < self.rate_limit_wait_seconds:
                    # Full jitter: a random wait up to a bound that doubles with each refusal.
                    longest = min(self.rate_limit_longest_wait_seconds,
                                  self.rate_limit_first_wait_seconds * 2**refusals)  # fmt: skip
                    wait = min(random.uniform(0, longest), self.rate_limit_wait_seconds - waited)  # noqa: S311
                    self.sleep(wait)
                    waited += wait
                    refusals += 1
                    continue
                # 4xx means Twilio refused this message (bad number, blocked): sending it again
                # cannot help, except after rate limiting (429).
                permanent = 400 <= error.status < 500 and error.status != 429
                raise SendError(
                    f"Twilio {error.status} error {error.code}: {error.msg}", permanent=permanent
                ) from error
            return created.sid
