"""The outbox Contact of someone who wrote to us by email (notifications has the phone's)."""

from django.db import transaction

from citizens.models import email_blind_index, normalize_email
from notifications.models import Contact


def contact_for_email(email: str, *, language: str) -> Contact:
    """The Contact of an email address, created on first use; it keeps the latest language.

    As with notifications.services.contact_for_phone, the row stays locked until the caller's
    transaction ends: the daily purge skips it, and two messages of one sender are filed one after
    the other (complaints/inbound/filing.py relies on that).
    """
    email = normalize_email(email)
    with transaction.atomic():
        contact, created = Contact.objects.select_for_update().get_or_create(
            email_index=email_blind_index(email), defaults={"email": email, "language": language}
        )
        if not created and contact.language != language:
            contact.language = language
            contact.save(update_fields=["language"])
    return contact
