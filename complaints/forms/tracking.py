"""The tracking page's form: a complaint's number and the last four digits of the filer's phone."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

TRACKING_NUMBER = re.compile(r"^[0-9]{4}-[0-9]{7,9}$")
# What people type: full-width digits, spaces, a dash of another kind.
_DASHES = str.maketrans({"‐": "-", "‑": "-", "–": "-", "—": "-", "－": "-", " ": ""})


def normalise_tracking_number(raw: str) -> str:
    text = "".join(str(int(char)) if char.isdecimal() else char for char in (raw or "").strip())
    text = text.translate(_DASHES)
    if re.fullmatch(r"[0-9]{11,13}", text):
        text = f"{text[:4]}-{text[4:]}"
    return text


class TrackForm(forms.Form):
    number = forms.CharField(
        label=_("Tracking number"),
        max_length=20,
        help_text=_("As in the message we sent when the complaint was received, e.g. 2026-0001234."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric", "spellcheck": "false"}),
        error_messages={"required": _("Enter the tracking number.")},
    )
    last4 = forms.CharField(
        label=_("Last 4 digits of your phone number"),
        max_length=4,
        min_length=4,
        help_text=_("The phone the complaint was filed with."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "maxlength": 4}),
        error_messages={
            "required": _("Enter the last 4 digits of your phone number."),
            "min_length": _("Enter 4 digits."),
            "max_length": _("Enter 4 digits."),
        },
    )

    def clean_number(self):
        number = normalise_tracking_number(self.cleaned_data["number"])
        if not TRACKING_NUMBER.match(number):
            raise forms.ValidationError(_("A tracking number looks like 2026-0001234."))
        return number

    def clean_last4(self):
        last4 = normalise_tracking_number(self.cleaned_data["last4"])
        if not re.fullmatch(r"[0-9]{4}", last4):
            raise forms.ValidationError(_("Enter 4 digits."))
        return last4
