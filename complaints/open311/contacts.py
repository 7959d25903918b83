"""The outbox Contact an Open311 app's user is told through: their phone (a Korean mobile, by SMS)
or, without one, their email (notifications' contact_for_phone, the inbound channel's
contact_for_email)."""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from citizens.models import normalize_email
from citizens.phones import normalize_mobile
from notifications.models import Contact
from notifications.services import contact_for_phone

from ..inbound.contacts import contact_for_email
from .errors import bad_request

EMAIL_MAX_LENGTH = 254


def clean_phone(raw: str) -> str:
    raw = (raw or "").strip()
    if not raw:
        return ""
    try:
        return normalize_mobile(raw)
    except ValidationError:
        raise bad_request(
            _("phone must be a Korean mobile number such as 010-1234-5678: progress is sent to it by SMS.")
        ) from None


def clean_email(raw: str) -> str:
    raw = (raw or "").strip()
    if not raw:
        return ""
    try:
        if len(raw) > EMAIL_MAX_LENGTH:
            raise ValidationError("too long")
        validate_email(raw)
    except ValidationError:
        raise bad_request(_("email is not a valid email address.")) from None
    return normalize_email(raw)


def contact_for(*, phone: str, email: str, language: str) -> tuple[Contact | None, str]:
    """(the contact, the preference): SMS to the phone, else email, else nobody to tell."""
    if phone:
        return contact_for_phone(phone, language=language), "sms"
    if email:
        return contact_for_email(email, language=language), "email"
    return None, "none"
