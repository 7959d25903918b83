"""Destroying personal data once its retention period ends (PIPA art. 21), kind by kind.

The periods are settings.PERSONAL_DATA_RETENTION (days), which the privacy policy page lists too.
Each kind's purge belongs to the app that holds the data; this module, in the site shell that may
import every app, runs them in order and reports what each removed. Every step is idempotent:
a second run the same day removes nothing.

Run daily by Celery beat (`seoul_portal.tasks.purge_personal_data`, bulk queue) or by
`manage.py purge_personal_data`.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.access_log import access_log_purge_expired, access_log_retention
from audit.services import audit_ips_purge_expired, audit_record
from citizens.models import Citizen
from citizens.services import sign_in_records_purge
from complaints.models import Complaint, Follower
from complaints.states import FINISHED_STATES
from notifications.retention import outbox_purge_expired

BATCH_SIZE = 5000

# The kinds, in the order they run and are listed, with what the privacy page calls them.
KIND_LABELS = {
    "sign_in_records": _("Sign-in codes and their sending limits"),
    "notifications": _("Text messages and emails sent to you"),
    "complaint_contacts": _("Your contact details on a civil complaint, after it is finished"),
    "erased_accounts": _("What remains of a deleted account"),
    "audit_ips": _("IP addresses recorded with your actions"),
    "staff_access_log": _("Records of City staff opening personal information"),
}


def retention_days(kind: str) -> int:
    days = settings.PERSONAL_DATA_RETENTION[kind]
    if kind == "staff_access_log":
        return access_log_retention().days
    return days


def retention_periods():
    """(kind, label, days) for the privacy policy page, in the order above."""
    return [(kind, label, retention_days(kind)) for kind, label in KIND_LABELS.items()]


@dataclass
class PersonalDataPurgeReport:
    removed: dict[str, int] = field(default_factory=dict)

    def lines(self):
        return [f"{kind} (kept {retention_days(kind)} days): {count} removed" for kind, count in self.removed.items()]


def complaint_contacts_purge(*, now, batch_size=BATCH_SIZE) -> int:
    """Unlink the filer's contact from complaints finished longer ago than the period and drop
    the name they gave and their phone's last digits; the complaint stays (the law keeps it).
    The unlinked Contact is deleted by the outbox's purge once nothing else refers to it."""
    cutoff = now - timedelta(days=retention_days("complaint_contacts"))
    finished = Q(status__in=FINISHED_STATES, finished_at__lt=cutoff)
    # A citizen's complaint keeps its link: the account is theirs to delete.
    holding = Q(contact__isnull=False) | ~Q(contact_name="") | (Q(citizen__isnull=True) & ~Q(tracking_last4=""))
    rows = Complaint.objects.filter(finished & holding)
    done = 0
    while True:
        with transaction.atomic():
            ids = list(rows.order_by().values_list("pk", flat=True)[:batch_size])
            if not ids:
                break
            # Filtered again: a complaint reopened meanwhile is no longer finished.
            count = rows.filter(pk__in=ids).update(contact=None, contact_name="", tracking_last4="")
            audit_record(actor=None, action="complaint.contact_purge", summary={"complaints": count})
        done += count
    # Guests following a complaint finished as long ago are told nothing more.
    followers, _ = Follower.objects.filter(
        contact__isnull=False, complaint__status__in=FINISHED_STATES, complaint__finished_at__lt=cutoff
    ).delete()
    return done + followers


def erased_accounts_purge(*, now) -> int:
    """Traces erasure leaves on a deleted account: its last sign-in time, and its name as the
    admin's change history wrote it (object_repr) while the account was still there."""
    cutoff = now - timedelta(days=retention_days("erased_accounts"))
    erased = Citizen.objects.filter(erased_at__lt=cutoff)
    with transaction.atomic():
        cleared = erased.filter(last_login__isnull=False).update(last_login=None)
        history = LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Citizen),
            object_id__in=erased.annotate(id_text=Cast("pk", TextField())).values("id_text"),
        ).exclude(object_repr="", change_message="")
        renamed = history.update(object_repr="", change_message="")
    return cleared + renamed


def personal_data_purge(*, now=None) -> PersonalDataPurgeReport:
    now = now or timezone.now()
    report = PersonalDataPurgeReport()
    # sign_in_records_purge keeps one day; a longer period moves its clock back by the difference.
    codes, counters = sign_in_records_purge(now=now - timedelta(days=retention_days("sign_in_records") - 1))
    report.removed["sign_in_records"] = codes + counters
    # Before the outbox: the contacts unlinked here are then unused, and go with its contacts.
    complaint_contacts = complaint_contacts_purge(now=now)
    outbox = outbox_purge_expired(now=now)
    report.removed["notifications"] = outbox.sign_in_codes + outbox.notifications + outbox.contacts
    report.removed["complaint_contacts"] = complaint_contacts
    report.removed["erased_accounts"] = erased_accounts_purge(now=now)
    report.removed["audit_ips"] = audit_ips_purge_expired(now=now)
    report.removed["staff_access_log"] = access_log_purge_expired(now=now)
    return report
