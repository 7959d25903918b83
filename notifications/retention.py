"""How long the outbox keeps what it sent (PIPA: destroy personal data once its purpose is served).

- Sign-in codes: one day, whatever their state (the code stopped working after minutes; the row
  only helps to answer "did my code arrive?" on the same day).
- Contacts: a day after creation once no notification refers to them any more (most were created
  only to receive a sign-in code).
- Every other sent or failed notification: NOTIFICATION_RETENTION_DAYS.

Run daily by Celery beat (`notifications.tasks.purge_outbox`) or `manage.py purge_outbox`.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from citizens.signals import audited_action

from .kinds import VERIFICATION_CODE
from .models import Contact, Notification

SIGN_IN_CODE_RETENTION = timedelta(days=1)
UNUSED_CONTACT_RETENTION = timedelta(days=1)
BATCH_SIZE = 5000


@dataclass
class PurgeReport:
    sign_in_codes: int = 0
    notifications: int = 0
    contacts: int = 0

    def __str__(self):
        return (
            f"Deleted sign-in code notifications: {self.sign_in_codes}, "
            f"other notifications past retention: {self.notifications}, unused contacts: {self.contacts}."
        )


def _record_destruction(model, what, count):
    if not count:
        return
    # Destruction of personal data is itself recorded (heard by the audit app), in the
    # transaction of the deletion.
    audited_action.send(
        sender=model, actor=None, action="notification.purge", target=None, summary={"what": what, "deleted": count}
    )


def _purge_notifications(rows, what, batch_size) -> int:
    deleted = 0
    while True:
        # One transaction per batch: the first run on a big table must not hold one huge one.
        with transaction.atomic():
            ids = list(rows.order_by().values_list("pk", flat=True)[:batch_size])
            if not ids:
                return deleted
            # Filtered again: a row retried by an official meanwhile is no longer failed.
            count, _ = rows.filter(pk__in=ids).delete()
            _record_destruction(Notification, what, count)
        deleted += count


def _unused_contacts(cutoff):
    unused = Contact.objects.filter(created_at__lt=cutoff)
    # Any other model that refers to a Contact (a guest's complaint, say) keeps it alive: a
    # cascade from here must never delete someone else's record.
    for relation in Contact._meta.related_objects:
        refers = relation.related_model._base_manager.filter(**{relation.field.name: OuterRef("pk")})
        unused = unused.filter(~Exists(refers))
    return unused


def _purge_contacts(cutoff, batch_size) -> int:
    deleted = 0
    while True:
        with transaction.atomic():
            # Locked, skipping the contacts a sign-in is using right now (contact_for_phone
            # locks its contact until the notification referring to it is committed)...
            ids = list(
                _unused_contacts(cutoff).select_for_update(skip_locked=True).order_by().values_list("pk", flat=True)[
                    :batch_size
                ]
            )
            if not ids:
                return deleted
            # ... and checked again under the lock, which a new notification could not have passed.
            rows = _unused_contacts(cutoff).filter(pk__in=ids)
            count = rows.count()
            rows.delete()
            _record_destruction(Contact, "contacts", count)
        deleted += count
        if len(ids) < batch_size:
            return deleted


def outbox_purge_expired(*, now=None, batch_size=BATCH_SIZE) -> PurgeReport:
    now = now or timezone.now()
    report = PurgeReport()
    report.sign_in_codes = _purge_notifications(
        Notification.objects.filter(kind=VERIFICATION_CODE.key, created_at__lt=now - SIGN_IN_CODE_RETENTION),
        "sign_in_codes",
        batch_size,
    )
    retention = timedelta(days=settings.NOTIFICATION_RETENTION_DAYS)
    report.notifications = _purge_notifications(
        Notification.objects.filter(
            Q(status=Notification.Status.SENT) | Q(status=Notification.Status.FAILED),
            created_at__lt=now - retention,
        ),
        "notifications",
        batch_size,
    )
    report.contacts = _purge_contacts(now - UNUSED_CONTACT_RETENTION, batch_size)
    return report
