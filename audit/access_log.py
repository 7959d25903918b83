"""The staff access log: every opening of personal data shown masked in the back office.

An admin page shows names, phones and emails masked (citizens.masking); an official with the
permission `audit.open_personal_data` (citizens.masking.may_open_personal_data) may open them for one record, and that opening is written
here first, in the transaction of the response that shows them. Entries are kept at least two
years (PIPA; PERSONAL_DATA_RETENTION["staff_access_log"], never less than MINIMUM_RETENTION).
"""

import ipaddress
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import PersonalDataAccess
from .services import audit_record

MINIMUM_RETENTION = timedelta(days=730)


def _ip(ip):
    try:
        return str(ipaddress.ip_address(str(ip).strip())) if ip else None
    except ValueError:
        return None  # a malformed address does not stop the entry from being written


def personal_data_access_record(*, actor, target, items, ip=None) -> PersonalDataAccess:
    """Write one entry, in the caller's transaction. target: a saved model instance.
    items: the kinds of data shown ("name", "phone", "email", "address")."""
    if actor is None or actor.pk is None:
        raise ValueError("personal_data_access_record: an opening of personal data is always someone's.")
    if target.pk is None:
        raise ValueError("personal_data_access_record: the target has no primary key yet.")
    return PersonalDataAccess.objects.create(
        accessed_at=timezone.now(),
        staff_id=actor.pk,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        items=",".join(items),
        ip=_ip(ip),
    )


def access_log_retention() -> timedelta:
    days = settings.PERSONAL_DATA_RETENTION.get("staff_access_log", MINIMUM_RETENTION.days)
    # A shorter setting is a configuration mistake the law does not allow: two years it is.
    return max(timedelta(days=days), MINIMUM_RETENTION)


def access_log_purge_expired(*, now=None, batch_size=10_000) -> int:
    """Delete entries older than their retention (at least two years); each batch records its
    destruction in the audit log, in the same transaction."""
    now = now or timezone.now()
    retention = access_log_retention()
    expired = PersonalDataAccess.objects.older_than(now - retention)
    deleted = 0
    while True:
        with transaction.atomic():
            ids = list(expired.order_by().values_list("pk", flat=True)[:batch_size])
            if not ids:
                return deleted
            count, _ = PersonalDataAccess.objects.filter(pk__in=ids).delete()
            audit_record(
                actor=None,
                action="audit.access_log_purge",
                summary={"destroyed": count, "retention_days": retention.days},
            )
            deleted += count
