"""Sending one outbox row: claim it, hand it to the provider, record the outcome.

Each step is its own committed statement (no transaction spans the provider call), so the
claim is visible to every other worker before the message leaves, and the outcome is recorded
only by the worker whose claim still holds.
"""

import logging
from collections import Counter
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Case, F, Q, TextField, Value, When
from django.utils import timezone

from citizens.redaction import redact_contact_data
from seoul_portal.statements import update_values

from .backends import SendError
from .backends.email import send_email
from .backends.sms import SmsMessage, get_sms_backend
from .kinds import is_sensitive, sensitive_kind_keys
from .models import Notification

logger = logging.getLogger(__name__)

Status = Notification.Status

EXPIRED = "Expired before it could be sent: past its validity at {now}; the provider was not called."


def claim(notification_id: int, *, now=None) -> Notification | None:
    """pending → sending, under a lease; None when another worker has it, it is not due, it is
    past its valid_until, or it is already sent. The conditional UPDATE makes the claim exclusive
    without holding a lock."""
    now = now or timezone.now()
    claimed = Notification.objects.filter(
        Q(valid_until__isnull=True) | Q(valid_until__gt=now),
        pk=notification_id,
        status=Status.PENDING,
        next_attempt_at__lte=now,
    ).update(
        status=Status.SENDING,
        lease_expires_at=now + timedelta(seconds=settings.NOTIFICATION_SENDING_LEASE_SECONDS),
        attempts=F("attempts") + 1,
        last_attempt_at=now,
        next_attempt_at=None,
    )
    if not claimed:
        return None
    return Notification.objects.select_related("citizen", "contact").get(pk=notification_id)


def claim_many(notification_ids, *, now=None) -> list[Notification]:
    """claim() for several rows at once: those of `notification_ids` that are due, free and
    valid go pending → sending in one UPDATE. A row another worker is claiming (locked) is left
    out, not waited for; the rows come back with their recipients, in id order."""
    now = now or timezone.now()
    lease_expires_at = now + timedelta(seconds=settings.NOTIFICATION_SENDING_LEASE_SECONDS)
    with transaction.atomic():
        rows = list(
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("citizen", "contact")
            .filter(
                Q(valid_until__isnull=True) | Q(valid_until__gt=now),
                pk__in=notification_ids,
                status=Status.PENDING,
                next_attempt_at__lte=now,
            )
            .order_by("pk")
        )
        if rows:
            Notification.objects.filter(pk__in=[row.pk for row in rows]).update(
                status=Status.SENDING,
                lease_expires_at=lease_expires_at,
                attempts=F("attempts") + 1,
                last_attempt_at=now,
                next_attempt_at=None,
            )
    for row in rows:  # what the UPDATE wrote, on the rows it locked
        row.status, row.lease_expires_at, row.last_attempt_at, row.next_attempt_at = (
            Status.SENDING, lease_expires_at, now, None)
        row.attempts += 1
    return rows


def text_kept_unless_sensitive(field_name: str) -> Case:
    """For a bulk UPDATE: the text of a sensitive kind is blanked, any other kept."""
    return Case(
        When(kind__in=sensitive_kind_keys(), then=Value("")), default=F(field_name), output_field=TextField()
    )


def fail_expired(rows, *, now=None) -> int:
    """pending → failed for the rows past their valid_until, without a send: a sign-in code
    that arrives after it stopped working only confuses. Returns how many were failed."""
    now = now or timezone.now()
    return rows.filter(status=Status.PENDING, valid_until__lte=now).update(
        status=Status.FAILED,
        failed_at=now,
        next_attempt_at=None,
        lease_expires_at=None,
        last_error=EXPIRED.format(now=now.isoformat(timespec="seconds")),
        subject=text_kept_unless_sensitive("subject"),
        body=text_kept_unless_sensitive("body"),
    )


def deliver(notification_id: int) -> str:
    """The task's work. Returns what happened: skipped, expired, sent, retrying or failed."""
    notification = claim(notification_id)
    if notification is None:
        # Only a row that could not be claimed can be past its validity: looking for that here,
        # not before every claim, saves a statement per message sent (a mass send is all claims).
        if fail_expired(Notification.objects.filter(pk=notification_id)):
            logger.info("Notification %s expired before it could be sent", notification_id)
            return "expired"
        return "skipped"
    try:
        provider_message_id = send(notification)
    except Exception as error:  # noqa: BLE001 — every provider failure is recorded on the row
        return record_failure(notification, error)
    record_success(notification, provider_message_id)
    return "sent"


# A claimed row is sent only while this much of its lease is left: a provider slowed by its rate
# limit could otherwise keep a batch's last rows waiting until the sweep took them back.
LEASE_MARGIN = timedelta(seconds=30)
CLAIM_CHUNK = 10  # rows claimed at once by deliver_many: few enough to be sent within one lease


def deliver_many(notification_ids) -> Counter:
    """deliver() for a batch (a mass send): rows are claimed ten at a time, sent one by one and
    recorded as each answer comes. Returns how many were skipped, expired, sent, retrying,
    failed or handed back (their lease ran short before their turn: the sweep sends them)."""
    outcomes = Counter()
    ids = sorted(set(notification_ids))
    for start in range(0, len(ids), CLAIM_CHUNK):
        chunk = ids[start : start + CLAIM_CHUNK]
        rows = claim_many(chunk)
        unclaimed = set(chunk) - {row.pk for row in rows}
        if unclaimed:
            expired = fail_expired(Notification.objects.filter(pk__in=unclaimed))
            outcomes.update({"expired": expired, "skipped": len(unclaimed) - expired})
            outcomes += Counter()  # drops the zeros
        for row in rows:
            if timezone.now() >= row.lease_expires_at - LEASE_MARGIN:
                hand_back(row)
                outcomes["handed back"] += 1
                continue
            try:
                provider_message_id = send(row)
            except Exception as error:  # noqa: BLE001 — every provider failure is recorded on the row
                outcomes[record_failure(row, error)] += 1
                continue
            record_success(row, provider_message_id)
            outcomes["sent"] += 1
    return outcomes


def hand_back(notification: Notification, *, now=None):
    """sending → pending, due now, for a claimed row that was not sent (its attempt still counts)."""
    now = now or timezone.now()
    _ours(notification).update(status=Status.PENDING, next_attempt_at=now, lease_expires_at=None)


def send(notification: Notification) -> str:
    holder = notification.recipient
    if notification.channel == Notification.Channel.SMS:
        if not holder.phone:
            raise SendError("The recipient has no phone number.", permanent=True)
        message = SmsMessage(to=holder.phone, body=notification.body, reference=str(notification.pk))
        return get_sms_backend().send(message)
    if not holder.email:
        raise SendError("The recipient has no email address.", permanent=True)
    return send_email(to=holder.email, subject=notification.subject, body=notification.body)


def _ours_where(notification: Notification) -> dict:
    # The claim is ours while `attempts` is still the number we set. After our lease expired the
    # sweep may have made the row pending again; as long as nobody claimed it since, our outcome
    # still stands (recording it then saves a second send).
    return {"id": notification.pk, "attempts": notification.attempts, "status": (Status.SENDING, Status.PENDING)}


def _ours(notification: Notification):
    return Notification.objects.filter(**{
        name + ("__in" if isinstance(value, tuple) else ""): value for name, value in _ours_where(notification).items()
    })


def _forget_text_if_sensitive(notification: Notification, updates: dict) -> dict:
    if is_sensitive(notification.kind):
        updates.update(subject="", body="")
    return updates


def record_success(notification: Notification, provider_message_id: str, *, now=None):
    now = now or timezone.now()
    updates = {
        "status": Status.SENT,
        "sent_at": now,
        "lease_expires_at": None,
        "next_attempt_at": None,
        "provider_message_id": provider_message_id or "",
        # last_error stays: an earlier failed or interrupted attempt is part of the row's history.
    }
    # A prepared statement: in a mass send this UPDATE runs once per message (statements.py).
    if not update_values(Notification, _ours_where(notification), **_forget_text_if_sensitive(notification, updates)):
        logger.warning("Notification %s was sent after another worker took it over", notification.pk)


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff: base, 2 × base, 4 × base, ... up to the cap."""
    seconds = settings.NOTIFICATION_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, settings.NOTIFICATION_RETRY_MAX_SECONDS))


def record_failure(notification: Notification, error: Exception, *, now=None) -> str:
    now = now or timezone.now()
    # Provider errors quote the recipient ("The 'To' number +82...", "550 <a@b>"): the row and
    # the log keep the reason, not the contact data.
    message = redact_contact_data(f"{type(error).__name__}: {error}")[:2000]
    permanent = isinstance(error, SendError) and error.permanent
    if permanent or notification.attempts >= settings.NOTIFICATION_MAX_ATTEMPTS:
        updates = _forget_text_if_sensitive(
            notification,
            {"status": Status.FAILED, "failed_at": now, "lease_expires_at": None, "next_attempt_at": None,
             "last_error": message},
        )
        outcome = "failed"
    else:
        updates = {
            "status": Status.PENDING,
            "next_attempt_at": now + retry_delay(notification.attempts),
            "lease_expires_at": None,
            "last_error": message,
        }
        outcome = "retrying"
    _ours(notification).update(**updates)
    logger.warning("Notification %s attempt %s failed (%s): %s", notification.pk, notification.attempts, outcome,
                   message)
    return outcome
