"""What notifications holds about a citizen, for citizens.registry: the "My Seoul" panel, the
export and the erasure."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from citizens.registry import MySeoulPanel, PersonalDataHandler

from .models import Contact, Notification
from .selectors import latest_notifications_for_citizen, notifications_for_export


def panel_context(citizen):
    return {"notifications": latest_notifications_for_citizen(citizen)}


def export(citizen):
    return [
        {
            "kind": row.kind,
            "channel": row.channel,
            "language": row.language,
            "status": row.status,
            "subject": row.subject,
            "text": row.body,
            "created_at": row.created_at.isoformat(),
            "sent_at": row.sent_at.isoformat() if row.sent_at else None,
            "provider_status": row.provider_status,
        }
        for row in notifications_for_export(citizen)
    ]


def erase(citizen):
    Notification.objects.filter(citizen=citizen).delete()
    # Sign-in codes went to a Contact of the citizen's own phone (and a guest may have used
    # their email): the same person's data, removed with the rest.
    same_person = Q(pk__in=[])
    if citizen.phone_index:
        same_person |= Q(phone_index=citizen.phone_index)
    if citizen.email_index:
        same_person |= Q(email_index=citizen.email_index)
    Contact.objects.filter(same_person).delete()


PANEL = MySeoulPanel(
    key="notifications",
    title=_("My notifications"),
    template="notifications/panels/my_notifications.html",
    context=panel_context,
    order=900,
)

HANDLER = PersonalDataHandler(key="notifications", export=export, erase=erase)
