from .models import Notification

PANEL_SIZE = 20


def latest_notifications_for_citizen(citizen, *, limit=PANEL_SIZE) -> list[Notification]:
    """The "My Seoul" panel: one query, whatever the number of rows."""
    return list(
        Notification.objects.filter(citizen=citizen)
        .only("kind", "channel", "status", "subject", "body", "created_at", "sent_at")
        .order_by("-created_at", "-pk")[:limit]
    )


def notifications_for_export(citizen):
    return Notification.objects.filter(citizen=citizen).order_by("created_at", "pk")
