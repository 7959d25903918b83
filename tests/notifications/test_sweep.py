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

    def record(notification_id):
        ids.append(notification_id)
        return True

    monkeypatch.setattr(sweep, "enqueue_delivery", record)
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


def test_the_sweep_stops_publishing_while_the_broker_is_down(make_row, monkeypatch, django_capture_on_commit_callbacks):
    past = timezone.now() - timedelta(minutes=5)
    for _ in range(3):
        make_row(attempts=1, next_attempt_at=past)
    calls = []
    monkeypatch.setattr(sweep, "enqueue_delivery", lambda notification_id: calls.append(notification_id) and False)

    with django_capture_on_commit_callbacks(execute=True):
        report = sweep.sweep_outbox()

    assert len(calls) == 1
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
