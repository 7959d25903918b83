"""Phone numbers: normalised to E.164 on the way in, masked on the way out."""

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def normalize_mobile(raw: str) -> str:
    """'010-1234-5678' → '+821012345678'; raises ValidationError for anything that can't take an SMS."""
    text = (raw or "").strip()
    if not text:
        raise ValidationError(_("Enter your mobile phone number."), code="required")
    try:
        number = phonenumbers.parse(text, "KR")
    except phonenumbers.NumberParseException:
        raise ValidationError(
            _("Enter a mobile phone number such as 010-1234-5678."), code="invalid"
        ) from None
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(_("Enter a mobile phone number such as 010-1234-5678."), code="invalid")
    # Verification in Korea runs through Korean mobile carriers: only 010 numbers take part.
    if number.country_code != 82 or not str(number.national_number).startswith("10"):
        raise ValidationError(
            _("Enter a Korean mobile number starting with 010: a code can only be sent there by SMS."),
            code="not_mobile",
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def mask_phone(e164_or_last4: str) -> str:
    """Show a phone with only its last four digits: 010-****-5678."""
    last4 = (e164_or_last4 or "")[-4:]
    return f"010-****-{last4}" if last4 else ""
