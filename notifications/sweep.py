"""The outbox sweep (every minute from Celery beat, or `manage.py sweep_outbox`).

It takes back rows whose worker died mid-send (their lease expired), recording the interrupted
attempt, fails the rows past their valid_until (a sign-in code that can no longer be used), and
re-enqueues every row that is due: those whose publish was lost (broker outage), whose retry time
came, or that were taken back. While publishing is paused after a broker failure (dispatch.py) it
still tries the first row, so each run finds out whether the broker is back.
"""

from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import F, Value
from django.utils import timezone

from .delivery import fail_expired, text_kept_unless_sensitive
from .dispatch import enqueue_deliveries
from .models import Notification

Status = Notification.Status

INTERRUPTED = "Interrupted: the worker stopped mid-send; its lease had expired when the sweep ran at {now}."


@dataclass
class SweepReport:
    interrupted: int = 0  # taken back from a dead worker, to be sent again
    gave_up: int = 0  # taken back with no attempt left: failed
    expired: int = 0  # past their valid_until: failed, not sent
    due: int = 0  # found due and handed to the queue
    published: int = 0
    unpublished: int = 0  # the broker refused; the next sweep tries again

    def __str__(self):
        return (
            f"Interrupted sends taken back: {self.interrupted} (given up: {self.gave_up}). "
            f"Due: {self.due}, enqueued: {self.published}, not enqueued (broker down): {self.unpublished}. "
            f"Expired before sending: {self.expired}."
        )


def _take_back_expired(now, report):
    expired = Notification.objects.filter(status=Status.SENDING, lease_expires_at__lt=now)
    interrupted = {
        "lease_expires_at": None,
        "interrupted_attempts": F("interrupted_attempts") + 1,
        "last_error": Value(INTERRUPTED.format(now=now.isoformat(timespec="seconds"))),
    }
    max_attempts = settings.NOTIFICATION_MAX_ATTEMPTS
    report.gave_up = expired.filter(attempts__gte=max_attempts).update(
        status=Status.FAILED,
        failed_at=now,
        subject=text_kept_unless_sensitive("subject"),
        body=text_kept_unless_sensitive("body"),
        **interrupted,
    )
    report.interrupted = expired.filter(attempts__lt=max_attempts).update(
        status=Status.PENDING, next_attempt_at=now, **interrupted
    )


def due_ids(now, *, limit):
    # A row never tried and younger than the grace period still has its on-commit task on the
    # way: enqueuing it again would only add a message that finds the row taken.
    fresh_since = now - timedelta(seconds=settings.NOTIFICATION_SWEEP_GRACE_SECONDS)
    return list(
        Notification.objects.filter(status=Status.PENDING, next_attempt_at__lte=now)
        .exclude(attempts=0, created_at__gt=fresh_since)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def _publish(ids, report):
    # The first publish goes through even while publishing is paused: it probes the broker. After
    # a failed one the rest are not tried: each would wait out the publish retries in vain.
    report.published = enqueue_deliveries(ids, force=True)
    report.unpublished = len(ids) - report.published


def sweep_outbox(*, now=None, limit=1000) -> SweepReport:
    now = now or timezone.now()
    report = SweepReport()
    with transaction.atomic():
        _take_back_expired(now, report)
        # After the take-back, so that an interrupted send past its validity is failed too.
        report.expired = fail_expired(Notification.objects.all(), now=now)
        ids = due_ids(now, limit=limit)
        report.due = len(ids)
        transaction.on_commit(partial(_publish, ids, report), robust=True)
    return report
