from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from notifications import sweep
from notifications.models import Notification
from notifications.services import notify

pytestmark = pytest.mark.django_db


@pytest.fixture
def enqueued(monkeypatch):
    """Records what the sweep hands to the queue instead of publishing it."""
    ids = []

    def record(notification_ids, *, force=False):
        ids.extend(notification_ids)
        return len(notification_ids)

    monkeypatch.setattr(sweep, "enqueue_deliveries", record)
    return ids


@pytest.fixture
def make_row(make_citizen, greeting, greeting_context):
    citizen = make_citizen()
    counter = iter(range(1000))

    def make(**state):
        (row,) = notify(recipient=citizen, kind="test_greeting", context=greeting_context, key=f"k{next(counter)}")
        Notification.objects.filter(pk=row.pk).update(**state)
        return Notification.objects.get(pk=row.pk)

    return make


def test_the_sweep_enqueues_due_rows_and_takes_back_expired_sends_only(
    make_row, enqueued, django_capture_on_commit_callbacks, settings
):
    settings.NOTIFICATION_SWEEP_GRACE_SECONDS = 30
    now = timezone.now()
    retry_due = make_row(attempts=1, next_attempt_at=now - timedelta(seconds=1))
    lost_publish = make_row(created_at=now - timedelta(minutes=5), next_attempt_at=now - timedelta(minutes=5))
    fresh = make_row()
    not_yet = make_row(attempts=1, next_attempt_at=now + timedelta(minutes=1))
    expired = make_row(status="sending", attempts=1, next_attempt_at=None, lease_expires_at=now - timedelta(seconds=1))
    in_lease = make_row(status="sending", attempts=1, next_attempt_at=None, lease_expires_at=now + timedelta(minutes=1))
    sent = make_row(status="sent", sent_at=now, next_attempt_at=None, created_at=now - timedelta(hours=1))

    with django_capture_on_commit_callbacks(execute=True):
        report = sweep.sweep_outbox()

    assert sorted(enqueued) == sorted([retry_due.pk, lost_publish.pk, expired.pk])
    assert (report.interrupted, report.gave_up, report.due, report.published) == (1, 0, 3, 3)

    expired.refresh_from_db()
    assert (expired.status, expired.interrupted_attempts, expired.lease_expires_at) == ("pending", 1, None)
    assert expired.last_error.startswith("Interrupted")
    for untouched, status in [(fresh, "pending"), (not_yet, "pending"), (in_lease, "sending"), (sent, "sent")]:
        untouched.refresh_from_db()
        assert (untouched.status, untouched.interrupted_attempts) == (status, 0)


def test_an_interrupted_send_on_the_last_attempt_fails(make_row, enqueued, settings):
    settings.NOTIFICATION_MAX_ATTEMPTS = 3
    now = timezone.now()
    row = make_row(status="sending", attempts=3, next_attempt_at=None, lease_expires_at=now - timedelta(seconds=1))

    report = sweep.sweep_outbox()

    row.refresh_from_db()
    assert (row.status, row.interrupted_attempts, report.gave_up) == ("failed", 1, 1)
    assert row.failed_at is not None and row.last_error.startswith("Interrupted")
    assert enqueued == []


def test_the_sweep_stops_publishing_while_the_broker_is_down(make_row, monkeypatch, settings,
                                                            django_capture_on_commit_callbacks):
    from notifications import dispatch

    settings.NOTIFICATION_DELIVERY_BATCH = 2
    past = timezone.now() - timedelta(minutes=5)
    for _ in range(3):
        make_row(attempts=1, next_attempt_at=past)
    calls = []

    def refused(notification_ids):
        calls.append(notification_ids)
        raise ConnectionRefusedError("Connection refused")

    monkeypatch.setattr(dispatch, "publish_batch", refused)

    with django_capture_on_commit_callbacks(execute=True):
        report = sweep.sweep_outbox()

    assert len(calls) == 1  # the second batch is not tried
    assert (report.due, report.published, report.unpublished) == (3, 0, 3)


def test_swept_rows_are_delivered(make_row, sms_outbox, django_capture_on_commit_callbacks):
    row = make_row(status="sending", attempts=1, next_attempt_at=None,
                   lease_expires_at=timezone.now() - timedelta(seconds=1))

    with django_capture_on_commit_callbacks(execute=True):
        sweep.sweep_outbox()

    row.refresh_from_db()
    assert (row.status, row.attempts, row.interrupted_attempts) == ("sent", 2, 1)
    assert [message.reference for message in sms_outbox] == [str(row.pk)]


@pytest.mark.django_db(transaction=True)
def test_the_command_prints_what_it_did(make_row, enqueued):
    # A real commit: the sweep publishes when its own transaction commits, before it reports.
    # (committed, the row was sent at once: make it a row waiting for its second attempt)
    make_row(status="pending", sent_at=None, attempts=1, next_attempt_at=timezone.now() - timedelta(seconds=1))
    out = StringIO()

    call_command("sweep_outbox", stdout=out)

    assert "taken back: 0" in out.getvalue()
    assert "Due: 1, enqueued: 1" in out.getvalue()


def test_the_sweep_fails_expired_codes_instead_of_enqueuing_them(
    make_row, enqueued, django_capture_on_commit_callbacks, settings
):
    from citizens import registry

    settings.NOTIFICATION_SWEEP_GRACE_SECONDS = 0
    now = timezone.now()
    registry.send_code(phone="+821012340001", code="111111", language="ko", reference="expired")
    registry.send_code(phone="+821012340002", code="222222", language="ko", reference="valid")
    expired = Notification.objects.get(key="verification:expired")
    valid = Notification.objects.get(key="verification:valid")
    Notification.objects.filter(pk=expired.pk).update(valid_until=now - timedelta(seconds=1), attempts=1)
    Notification.objects.filter(pk=valid.pk).update(attempts=1)
    # Taken back from a dead worker after its code stopped working: failed too, not sent.
    interrupted = make_row(status="sending", attempts=1, next_attempt_at=None,
                           lease_expires_at=now - timedelta(seconds=1), valid_until=now - timedelta(seconds=1))

    with django_capture_on_commit_callbacks(execute=True):
        report = sweep.sweep_outbox()

    assert enqueued == [valid.pk]
    assert (report.expired, report.due, report.interrupted) == (2, 1, 1)
    assert "Expired before sending: 2." in str(report)
    expired.refresh_from_db()
    interrupted.refresh_from_db()
    assert (expired.status, expired.body) == ("failed", "")
    assert expired.last_error.startswith("Expired before it could be sent")
    assert interrupted.status == "failed" and interrupted.body  # not sensitive: the text stays


def test_the_sweep_probes_the_broker_even_while_publishing_is_paused(
    make_row, monkeypatch, settings, django_capture_on_commit_callbacks
):
    from notifications import dispatch

    settings.NOTIFICATION_DELIVERY_BATCH = 2
    past = timezone.now() - timedelta(minutes=5)
    rows = [make_row(attempts=1, next_attempt_at=past) for _ in range(3)]
    published = []
    monkeypatch.setattr(dispatch, "publish_batch", published.append)
    dispatch.publish_breaker.trip()  # a request's publish failed a moment ago

    with django_capture_on_commit_callbacks(execute=True):
        report = sweep.sweep_outbox()

    # The first publish went through, found the broker back, and the rest followed.
    assert published == [[rows[0].pk, rows[1].pk], [rows[2].pk]]
    assert (report.published, report.unpublished) == (3, 0)
    assert not dispatch.publish_breaker.is_open()


def test_the_sweep_tries_once_per_run_while_the_broker_stays_down(
    make_row, monkeypatch, django_capture_on_commit_callbacks
):
    from notifications import dispatch

    past = timezone.now() - timedelta(minutes=5)
    for _ in range(3):
        make_row(attempts=1, next_attempt_at=past)
    attempts = []

    def refused(notification_ids):
        attempts.append(notification_ids)
        raise ConnectionRefusedError("Connection refused")

    monkeypatch.setattr(dispatch, "publish_batch", refused)

    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            report = sweep.sweep_outbox()
        assert (report.published, report.unpublished) == (0, 3)

    assert len(attempts) == 2  # one per run, although publishing is paused after the first
