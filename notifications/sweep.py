"""The outbox sweep (every minute from Celery beat, or `manage.py sweep_outbox`).

It takes back rows whose worker died mid-send (their lease expired), recording the interrupted
attempt, and re-enqueues every row that is due: those whose publish was lost (broker outage),
whose retry time came, or that were taken back.
"""

from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import Case, F, TextField, Value, When
from django.utils import timezone

from .dispatch import enqueue_delivery
from .kinds import sensitive_kind_keys
from .models import Notification

Status = Notification.Status

INTERRUPTED = "Interrupted: the worker stopped mid-send; its lease had expired when the sweep ran at {now}."


@dataclass
class SweepReport:
    interrupted: int = 0  # taken back from a dead worker, to be sent again
    gave_up: int = 0  # taken back with no attempt left: failed
    due: int = 0  # found due and handed to the queue
    published: int = 0
    unpublished: int = 0  # the broker refused; the next sweep tries again

    def __str__(self):
        return (
            f"Interrupted sends taken back: {self.interrupted} (given up: {self.gave_up}). "
            f"Due: {self.due}, enqueued: {self.published}, not enqueued (broker down): {self.unpublished}."
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
        body=Case(When(kind__in=sensitive_kind_keys(), then=Value("")), default=F("body"), output_field=TextField()),
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
    for position, notification_id in enumerate(ids):
        if not enqueue_delivery(notification_id):
            # The broker is down: the rest would each wait out the publish retries in vain.
            report.unpublished = len(ids) - position
            return
        report.published += 1


def sweep_outbox(*, now=None, limit=1000) -> SweepReport:
    now = now or timezone.now()
    report = SweepReport()
    with transaction.atomic():
        _take_back_expired(now, report)
        ids = due_ids(now, limit=limit)
        report.due = len(ids)
        transaction.on_commit(partial(_publish, ids, report), robust=True)
    return report
