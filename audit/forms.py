from django import forms
from django.utils.translation import gettext_lazy as _

from . import ledger


class ReceiptCheckForm(forms.Form):
    receipt = forms.CharField(
        label=_("Receipt"),
        max_length=100,
        help_text=_("Paste the receipt you were shown after taking part, for example 7KQ2-M9XD-4HFA-ZP3C-R8TW."),
        error_messages={"required": _("Enter your receipt.")},
        widget=forms.TextInput(attrs={"class": "krds-input", "autocomplete": "off", "spellcheck": "false"}),
    )

    def clean_receipt(self):
        try:
            return ledger.normalize_receipt(self.cleaned_data["receipt"])
        except ledger.LedgerFormatError:
            raise forms.ValidationError(
                _("This is not a receipt: a receipt has 16 to 64 letters and digits, in groups separated by dashes."),
                code="format",
            ) from None
