"""The outbox with real processes: a Celery worker on the test database, a private Redis."""

import re
import time
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from citizens import registry
from citizens.models import PhoneVerification
from notifications.models import Notification

from .conftest import sms_files, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

SLOW_BACKEND = "tests.integration.slow_sms.SlowFileSmsBackend"


def send_code(number, reference):
    """What the sign-in view does: the code is written to the outbox in its transaction."""
    with transaction.atomic():
        registry.send_code(phone=f"+82105550{number:04d}", code=f"{number:06d}", language="ko", reference=reference)
    return Notification.objects.get(key=f"verification:{reference}")


def test_a_worker_delivers_a_committed_notification(workers):
    workers.start()

    row = send_code(1, "worker-a")

    files = wait_until(lambda: sms_files(workers.sms_dir), timeout=30, what="the SMS file")
    assert list(files.values()) == [(str(row.pk), files[next(iter(files))][1])]
    assert "000001" in next(iter(files.values()))[1]
    row = wait_until(lambda: Notification.objects.filter(pk=row.pk, status="sent").first(), timeout=30,
                     what="the row to be recorded as sent")
    assert (row.attempts, row.body) == (1, "")  # the code is not kept once sent
    assert row.provider_message_id and f"{row.provider_message_id}.txt" in files


def test_a_killed_worker_delays_messages_but_loses_none(workers, settings):
    count = 8
    first = workers.start(sms_backend=SLOW_BACKEND,
                          env={"SLOW_SMS_SECONDS": "2", "NOTIFICATION_SENDING_LEASE_SECONDS": "3"})
    rows = [send_code(number, f"kill-{number}") for number in range(count)]

    # Kill while both pool processes wait on the slow provider, their messages already sent.
    wait_until(lambda: Notification.objects.filter(status="sending").count() == 2
               and len(sms_files(workers.sms_dir)) >= 2, timeout=30, what="two sends in flight")
    first.kill()
    in_flight = set(Notification.objects.filter(status="sending").values_list("pk", flat=True))
    sent_before_kill = {int(reference) for reference, _ in sms_files(workers.sms_dir).values()}
    assert 1 <= len(in_flight) <= 2
    lease_ends = max(Notification.objects.filter(pk__in=in_flight).values_list("lease_expires_at", flat=True))
    wait_until(lambda: timezone.now() > lease_ends, timeout=10, what="the lease to expire")

    workers.start()
    out = StringIO()
    call_command("sweep_outbox", stdout=out)
    assert f"Interrupted sends taken back: {len(in_flight)} (given up: 0)" in out.getvalue()

    wait_until(lambda: Notification.objects.filter(status="sent").count() == count, timeout=60,
               what=f"all rows sent; log of the first worker:\n{first.log_text()}")
    time.sleep(1)  # a message sent twice would show up here
    sends = Counter(reference for reference, _ in sms_files(workers.sms_dir).values())
    assert set(sends) == {str(row.pk) for row in rows}  # every notification delivered
    twice = {int(reference) for reference, times in sends.items() if times > 1}
    # Twice: exactly the messages the provider had taken when the worker died before recording it.
    assert twice == in_flight & sent_before_kill
    assert twice
    assert max(sends.values()) <= 2 and len(twice) <= 2  # at most one per killed pool process
    for row in Notification.objects.filter(pk__in=in_flight):
        assert (row.interrupted_attempts, row.attempts) == (1, 2)
        assert row.last_error.startswith("Interrupted")
    assert set(Notification.objects.exclude(pk__in=in_flight).values_list("interrupted_attempts", "attempts")) == {(0, 1)}


def test_a_broker_outage_at_commit_delays_the_message_until_the_sweep(workers, broker, settings, client):
    broker.redis.stop()

    started = time.monotonic()
    # The sign-in page asks for a code while Redis is down: the request still succeeds.
    response = client.post(reverse("citizens:signin"), {"phone": "010-5550-0007"})
    elapsed = time.monotonic() - started

    assert response.status_code == 302 and response.url == reverse("citizens:signin_code")
    assert elapsed < 20  # bounded publish retries, not a hung request
    assert PhoneVerification.objects.count() == 1  # the state change committed
    row = Notification.objects.get(kind="verification_code")
    assert (row.status, row.attempts) == ("pending", 0)

    broker.redis.start()
    workers.start()
    # The row was never tried: without this the sweep would leave it for its grace period.
    settings.NOTIFICATION_SWEEP_GRACE_SECONDS = 0
    out = StringIO()
    call_command("sweep_outbox", stdout=out)
    assert "Due: 1, enqueued: 1" in out.getvalue()

    files = wait_until(lambda: sms_files(workers.sms_dir), timeout=30, what="the SMS file after the sweep")
    wait_until(lambda: Notification.objects.filter(pk=row.pk, status="sent").exists(), timeout=30,
               what="the row to be recorded as sent")
    time.sleep(1)
    assert [reference for reference, _ in sms_files(workers.sms_dir).values()] == [str(row.pk)]
    code = re.search(r"(?<!\d)(\d{6})(?!\d)", next(iter(files.values()))[1]).group(1)
    # The delayed code still signs the citizen in (it is within its 5 minutes).
    response = client.post(reverse("citizens:signin_code"), {"code": code})
    assert response.status_code == 302
    assert "_auth_user_id" in client.session
