"""Issuing and revoking the API keys Open311 apps post with (the admin and `manage.py open311_key`
call these). The key is returned once, to be handed to the app's developer; only its hash and its
first characters (to tell keys apart in lists) are kept."""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record

from ..errors import ComplaintError
from ..models import Open311Key
from ..models.open311 import KEY_PREFIX_LENGTH, hash_key, new_key

NAME_MAX_LENGTH = Open311Key._meta.get_field("name").max_length


def open311_key_create(*, actor, name: str, contact_email: str = "") -> tuple[Open311Key, str]:
    """A new key for the app `name`: (the row, the key itself — shown once, never stored)."""
    name = (name or "").strip()
    contact_email = (contact_email or "").strip()
    if not name:
        raise ComplaintError(_("Give the app's name."), field="name")
    if len(name) > NAME_MAX_LENGTH:
        raise ComplaintError(_("The app's name may be at most %(max)d characters.") % {"max": NAME_MAX_LENGTH},
                             field="name")  # fmt: skip
    if contact_email:
        try:
            validate_email(contact_email)
        except ValidationError:
            raise ComplaintError(_("Enter a valid email address."), field="contact_email") from None
    key = new_key()
    try:
        with transaction.atomic():
            if Open311Key.objects.filter(name=name).exists():
                raise ComplaintError(_("An app named “%(name)s” already has a key.") % {"name": name},
                                     field="name", code="conflict")  # fmt: skip
            row = Open311Key.objects.create(
                name=name, prefix=key[:KEY_PREFIX_LENGTH], key_hash=hash_key(key), contact_email=contact_email,
                created_by=actor,
            )  # fmt: skip
            audit_record(actor=actor, action="complaints.open311_key_create", target=row)
    except IntegrityError:
        # Two operators naming the same app at once: the unique name decides.
        raise ComplaintError(_("An app named “%(name)s” already has a key.") % {"name": name},
                             field="name", code="conflict") from None  # fmt: skip
    return row, key


def open311_key_revoke(*, actor, key: Open311Key, now=None) -> Open311Key:
    """The key stops working at once; complaints it filed keep naming the app."""
    with transaction.atomic():
        key = Open311Key.objects.select_for_update().get(pk=key.pk)
        if key.revoked_at is not None:
            raise ComplaintError(_("This key was already revoked."), code="conflict")
        key.revoked_at = now or timezone.now()
        key.save(update_fields=["revoked_at"])
        audit_record(actor=actor, action="complaints.open311_key_revoke", target=key)
    return key
