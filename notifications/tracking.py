"""What providers tell us after accepting a message: Twilio status callbacks (webhooks.py) and
anymail's tracking signal for email."""

import logging

from django.db import transaction
from django.utils import timezone

from citizens.redaction import redact_contact_data

from .errors import NotificationNotFound
from .models import Notification

logger = logging.getLogger(__name__)

# Once a provider reported one of these, a late-arriving earlier status must not replace it.
FINAL_STATUSES = {
    "delivered", "undelivered", "failed", "read", "canceled",  # Twilio
    "rejected", "bounced", "opened", "clicked", "complained", "unsubscribed",  # anymail
}


def record_provider_status(
    *, channel: str, provider_message_id: str, status: str, error: str = "", notification_id=None
) -> Notification:
    """Stores the provider's status on the row it sent. `notification_id` (from our own callback
    URL) finds a row whose Message SID the worker has not recorded yet."""
    with transaction.atomic():
        rows = Notification.objects.select_for_update()
        notification = rows.filter(channel=channel, provider_message_id=provider_message_id).first()
        if notification is None and notification_id is not None:
            notification = rows.filter(channel=channel, pk=notification_id, provider_message_id="").first()
        if notification is None:
            raise NotificationNotFound(f"No {channel} notification has provider id {provider_message_id!r}.")
        if notification.provider_status in FINAL_STATUSES and status not in FINAL_STATUSES:
            return notification
        notification.provider_message_id = provider_message_id
        notification.provider_status = status
        # An MTA response quotes the address ("550 5.1.1 <a@b>: user unknown"): keep the reason only.
        notification.provider_error = redact_contact_data(error or "")[:300]
        notification.provider_status_at = timezone.now()
        notification.save(
            update_fields=["provider_message_id", "provider_status", "provider_error", "provider_status_at"]
        )
    return notification


EMAIL_FAILURES = {"rejected", "failed", "bounced", "deferred", "complained"}


def handle_email_tracking(sender, event, esp_name, **kwargs):
    """Receiver of anymail.signals.tracking: the ESP's webhook reported on a message."""
    if not event.message_id:
        return
    error = ""
    if event.event_type in EMAIL_FAILURES:
        error = " | ".join(part for part in (event.reject_reason, event.description, event.mta_response) if part)
    try:
        record_provider_status(
            channel=Notification.Channel.EMAIL,
            provider_message_id=str(event.message_id),
            status=event.event_type,
            error=error,
        )
    except NotificationNotFound:
        # Mail the portal did not send through the outbox (password resets, admin mail).
        logger.info("%s tracking event %s for unknown message %s", esp_name, event.event_type, event.message_id)
