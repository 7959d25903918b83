"""Every write to the outbox that callers make: notify, retry, the sign-in code sender."""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from citizens.models import phone_blind_index
from citizens.signals import audited_action

from .dispatch import enqueue_delivery_on_commit
from .errors import NotificationStateError
from .kinds import get_kind
from .models import Contact, Notification
from .recipients import resolve_recipients

logger = logging.getLogger(__name__)

KEY_MAX_LENGTH = Notification._meta.get_field("key").max_length


def notify(*, recipient, kind: str, context: dict, key: str, valid_until=None) -> list[Notification]:
    """Writes one outbox row per channel the recipient prefers (and the kind supports), in the
    caller's transaction; delivery is enqueued when that transaction commits.

    `key` makes the call idempotent: a second call with the same key writes nothing new.
    `valid_until`: a message not sent by then is failed instead (a sign-in code past its time).
    Returns the rows this call created.
    """
    spec = get_kind(kind)
    created = []
    with transaction.atomic():
        for target in resolve_recipients(recipient):
            row_key = f"{key}:{target.key_suffix}" if target.key_suffix else key
            if len(row_key) > KEY_MAX_LENGTH:
                raise ValueError(f"Notification key longer than {KEY_MAX_LENGTH} characters: {row_key!r}")
            channels = [channel for channel in target.channels if channel in spec.channels]
            if not channels:
                logger.info("Notification %s (%s): the recipient takes none of its channels", row_key, kind)
            seen = set(Notification.objects.filter(key=row_key, channel__in=channels).values_list("channel", flat=True))
            for channel in channels:
                if channel in seen:
                    continue
                subject, body = spec.render(channel, context, language=target.language)
                row = _insert_once(
                    Notification(
                        key=row_key,
                        kind=kind,
                        channel=channel,
                        citizen=target.citizen,
                        contact=target.contact,
                        language=target.language,
                        subject=subject,
                        body=body,
                        valid_until=valid_until,
                    )
                )
                if row is not None:
                    created.append(row)
                    enqueue_delivery_on_commit(row.pk)
    return created


def _insert_once(row: Notification) -> Notification | None:
    try:
        with transaction.atomic():
            row.save(force_insert=True)
    except IntegrityError:
        # A concurrent transaction wrote the same key and committed while we waited on the
        # unique index; anything else (a broken check constraint) is a real error.
        if Notification.objects.filter(key=row.key, channel=row.channel).exists():
            return None
        raise
    return row


def notification_retry(*, actor, notification: Notification, ip=None) -> Notification:
    """An official sends a pending or failed notification again, now (audited)."""
    with transaction.atomic():
        notification = Notification.objects.select_for_update().get(pk=notification.pk)
        if notification.status not in {Notification.Status.PENDING, Notification.Status.FAILED}:
            raise NotificationStateError(_("Only a pending or failed notification can be retried."))
        if not notification.body:
            raise NotificationStateError(_("The text of this notification was erased; it cannot be sent again."))
        if notification.status == Notification.Status.FAILED:
            # A new round of attempts; the old error stays in last_error until one succeeds.
            notification.attempts = 0
        notification.status = Notification.Status.PENDING
        notification.next_attempt_at = timezone.now()
        notification.failed_at = None
        notification.save(update_fields=["status", "attempts", "next_attempt_at", "failed_at"])
        logger.info("Notification %s retried by %s", notification.pk, getattr(actor, "pk", actor))
        # Heard by the audit app (a sibling layer we may not import): its row commits with this one.
        audited_action.send(
            sender=Notification,
            actor=actor,
            action="notification.retry",
            target=notification,
            summary={"kind": notification.kind, "channel": notification.channel},
            ip=ip,
        )
        enqueue_delivery_on_commit(notification.pk)
    return notification


def contact_for_phone(e164: str, *, language: str) -> Contact:
    """The Contact of a phone number, created on first use; it keeps the latest language.

    The row stays locked until the caller's transaction ends, so the daily purge (which skips
    locked contacts) cannot delete it between here and the notification that refers to it.
    """
    with transaction.atomic():
        contact, created = Contact.objects.select_for_update().get_or_create(
            phone_index=phone_blind_index(e164),
            defaults={"phone": e164, "phone_last4": e164[-4:], "language": language},
        )
        if not created and contact.language != language:
            contact.language = language
            contact.save(update_fields=["language"])
    return contact


def send_verification_code(*, phone: str, code: str, language: str, reference: str):
    """The sign-in code sender registered with citizens.registry: an SMS-only, sensitive
    message, written to the outbox in the sign-in transaction. It is not sent once the code
    has stopped working (PHONE_CODE_TTL_SECONDS from now)."""
    with transaction.atomic():
        contact = contact_for_phone(phone, language=language)
        notify(
            recipient=contact,
            kind="verification_code",
            context={"code": code, "minutes": settings.PHONE_CODE_TTL_SECONDS // 60},
            key=f"verification:{reference}",
            valid_until=timezone.now() + timedelta(seconds=settings.PHONE_CODE_TTL_SECONDS),
        )
