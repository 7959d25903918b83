from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from freezegun import freeze_time

from citizens.models import Citizen
from notifications import delivery
from notifications.backends import SendError
from notifications.backends.sms import MemorySmsBackend
from notifications.models import Notification
from notifications.services import notify
from notifications.sweep import sweep_outbox

pytestmark = pytest.mark.django_db


class FlakySmsBackend(MemorySmsBackend):
    """Fails with `error` as long as it is set."""

    error = None

    def send(self, message):
        if FlakySmsBackend.error:
            raise FlakySmsBackend.error
        return super().send(message)


@pytest.fixture
def flaky_sms(settings):
    settings.SMS_BACKEND = f"{__name__}.FlakySmsBackend"
    FlakySmsBackend.error = SendError("Twilio 503 error 20500: Service unavailable")
    yield FlakySmsBackend
    FlakySmsBackend.error = None


@pytest.fixture
def sms_row(make_citizen, greeting, greeting_context):
    citizen = make_citizen()
    (row,) = notify(recipient=citizen, kind="test_greeting", context=greeting_context, key="k")
    return row


def test_a_claim_is_exclusive(sms_row):
    first = delivery.claim(sms_row.pk)
    second = delivery.claim(sms_row.pk)

    assert first is not None and first.status == "sending" and first.attempts == 1
    assert first.lease_expires_at > timezone.now()
    assert second is None
    assert Notification.objects.get(pk=sms_row.pk).attempts == 1


def test_a_row_is_not_claimed_before_its_next_attempt(sms_row):
    Notification.objects.filter(pk=sms_row.pk).update(next_attempt_at=timezone.now() + timedelta(minutes=1))
    assert delivery.claim(sms_row.pk) is None
    assert delivery.deliver(sms_row.pk) == "skipped"


def test_a_row_past_its_validity_is_not_claimed(sms_row):
    Notification.objects.filter(pk=sms_row.pk).update(valid_until=timezone.now() - timedelta(seconds=1))
    assert delivery.claim(sms_row.pk) is None
    row = Notification.objects.get(pk=sms_row.pk)
    assert (row.status, row.attempts) == ("pending", 0)


def test_a_send_costs_three_statements(sms_row, sms_outbox, django_assert_num_queries):
    # The claim (UPDATE), loading the row with its recipient (SELECT), the outcome (UPDATE): a
    # mass send runs these for every message, so none more.
    with django_assert_num_queries(3):
        assert delivery.deliver(sms_row.pk) == "sent"


def test_a_sent_row_is_not_sent_again(sms_row, sms_outbox):
    assert delivery.deliver(sms_row.pk) == "sent"
    assert delivery.deliver(sms_row.pk) == "skipped"
    assert len(sms_outbox) == 1
    row = Notification.objects.get(pk=sms_row.pk)
    assert row.status == "sent" and row.sent_at and row.provider_message_id.startswith("memory-")
    assert row.body  # not sensitive: kept for the citizen's "My Seoul" list


def test_failures_back_off_exponentially_and_end_in_failed_keeping_the_error(sms_row, flaky_sms, settings):
    settings.NOTIFICATION_MAX_ATTEMPTS = 4
    settings.NOTIFICATION_RETRY_BASE_SECONDS = 30
    start = timezone.now()
    delays = []
    with freeze_time(start) as clock:
        for _ in range(3):
            assert delivery.deliver(sms_row.pk) == "retrying"
            row = Notification.objects.get(pk=sms_row.pk)
            assert row.status == "pending" and row.lease_expires_at is None
            assert "Service unavailable" in row.last_error
            delays.append((row.next_attempt_at - timezone.now()).total_seconds())
            assert delivery.deliver(sms_row.pk) == "skipped"  # not due yet
            clock.tick(timedelta(seconds=delays[-1]))

        assert delivery.deliver(sms_row.pk) == "failed"

    assert delays == [30, 60, 120]
    row = Notification.objects.get(pk=sms_row.pk)
    assert (row.status, row.attempts) == ("failed", 4)
    assert row.failed_at is not None and row.next_attempt_at is None
    assert row.last_error == "SendError: Twilio 503 error 20500: Service unavailable"
    assert flaky_sms.outbox == []


def test_a_permanent_error_fails_at_once(sms_row, flaky_sms):
    flaky_sms.error = SendError("Twilio 400 error 21211: Invalid 'To' Phone Number", permanent=True)
    assert delivery.deliver(sms_row.pk) == "failed"
    row = Notification.objects.get(pk=sms_row.pk)
    assert (row.status, row.attempts) == ("failed", 1)
    assert "21211" in row.last_error


def test_a_retry_succeeds_once_the_provider_is_back(sms_row, flaky_sms):
    with freeze_time(timezone.now()) as clock:
        assert delivery.deliver(sms_row.pk) == "retrying"
        flaky_sms.error = None
        clock.tick(timedelta(minutes=1))
        assert delivery.deliver(sms_row.pk) == "sent"
    row = Notification.objects.get(pk=sms_row.pk)
    assert (row.status, row.attempts) == ("sent", 2)
    assert "Service unavailable" in row.last_error  # the failed first attempt stays on record
    assert len(flaky_sms.outbox) == 1


def test_a_sensitive_text_is_erased_once_sent_and_once_failed(flaky_sms, db):
    from citizens import registry

    registry.send_code(phone="+821012340001", code="111111", language="ko", reference="a")
    registry.send_code(phone="+821012340002", code="222222", language="ko", reference="b")
    sent, failed = Notification.objects.order_by("pk")
    assert "111111" in sent.body

    flaky_sms.error = None
    delivery.deliver(sent.pk)
    flaky_sms.error = SendError("refused", permanent=True)
    delivery.deliver(failed.pk)

    assert list(Notification.objects.order_by("pk").values_list("status", "body")) == [("sent", ""), ("failed", "")]
    assert "111111" in flaky_sms.outbox[0].body


def test_a_worker_that_lost_its_claim_does_not_overwrite_the_new_one(sms_row, settings):
    settings.NOTIFICATION_SENDING_LEASE_SECONDS = 60
    start = timezone.now()
    with freeze_time(start) as clock:
        stale = delivery.claim(sms_row.pk)
        clock.tick(timedelta(seconds=61))
        sweep_outbox()
        current = delivery.claim(sms_row.pk)
        delivery.record_success(stale, "SM-stale")

    row = Notification.objects.get(pk=sms_row.pk)
    assert (row.status, row.attempts, row.provider_message_id) == ("sending", current.attempts, "")


def test_email_stores_the_esp_message_id(make_citizen, greeting, greeting_context, settings):
    settings.EMAIL_BACKEND = "anymail.backends.test.EmailBackend"
    citizen = make_citizen(notify_by=Citizen.NotifyBy.EMAIL, email="a@example.com")
    (row,) = notify(recipient=citizen, kind="test_greeting", context=greeting_context, key="k")

    assert delivery.deliver(row.pk) == "sent"

    row.refresh_from_db()
    assert row.provider_message_id == "0"  # anymail's test backend numbers messages from 0
    assert mail.outbox[0].subject == row.subject and mail.outbox[0].to == ["a@example.com"]


def test_a_recipient_without_a_phone_fails_without_retry(sms_row):
    Citizen.objects.filter(pk=sms_row.citizen_id).update(phone="", phone_index=None, notify_by="sms")
    assert delivery.deliver(sms_row.pk) == "failed"
    assert "no phone" in Notification.objects.get(pk=sms_row.pk).last_error


@pytest.mark.parametrize(
    "error",
    [
        SendError("Twilio 400 error 21211: The 'To' number +821055551234 is not a valid phone number.",
                  permanent=True),
        SendError("550 5.1.1 <someone@example.com>: Recipient address rejected", permanent=True),
        ConnectionError("timeout talking to the gateway for +82 10-5555-1234 (someone@example.com)"),
    ],
)
def test_provider_errors_are_stored_and_logged_without_contact_data(sms_row, flaky_sms, error, caplog):
    flaky_sms.error = error

    with caplog.at_level("WARNING", logger="notifications.delivery"):
        delivery.deliver(sms_row.pk)

    row = Notification.objects.get(pk=sms_row.pk)
    assert row.last_error  # the reason is kept...
    for stored in (row.last_error, caplog.text):
        # ... the recipient's number and address are not
        assert "5555" not in stored  # in every spelling of the number above
        assert "someone@example.com" not in stored
    assert "[phone]" in row.last_error or "[email]" in row.last_error


def test_a_sign_in_code_is_valid_for_the_code_lifetime(db, settings):
    from citizens import registry

    settings.PHONE_CODE_TTL_SECONDS = 300
    with freeze_time("2025-03-01 09:00:00"):
        registry.send_code(phone="+821012340001", code="111111", language="ko", reference="a")
        row = Notification.objects.get()
        assert row.valid_until == timezone.now() + timedelta(seconds=300)


def test_a_code_past_its_validity_is_failed_without_calling_the_provider(db, sms_outbox):
    from citizens import registry

    with freeze_time("2025-03-01 09:00:00") as clock:
        registry.send_code(phone="+821012340001", code="111111", language="ko", reference="late")
        registry.send_code(phone="+821012340002", code="222222", language="ko", reference="in-time")
        late, in_time = Notification.objects.order_by("pk")
        clock.tick(timedelta(minutes=4, seconds=59))
        assert delivery.deliver(in_time.pk) == "sent"
        clock.tick(timedelta(seconds=1))  # the first code stops working now
        assert delivery.deliver(late.pk) == "expired"

    late.refresh_from_db()
    assert (late.status, late.attempts, late.body) == ("failed", 0, "")
    assert late.failed_at is not None and late.next_attempt_at is None
    assert late.last_error.startswith("Expired before it could be sent")
    assert [message.reference for message in sms_outbox] == [str(in_time.pk)]


def test_a_notification_without_valid_until_never_expires(sms_row, sms_outbox):
    assert sms_row.valid_until is None
    with freeze_time(timezone.now() + timedelta(days=30)):
        assert delivery.deliver(sms_row.pk) == "sent"
