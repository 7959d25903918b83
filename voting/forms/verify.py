"""The receipt check of a poll's verify page."""

from django.utils.translation import gettext_lazy as _

from audit.forms import ReceiptCheckForm


class ReceiptVerifyForm(ReceiptCheckForm):
    """One field, `receipt`, normalised as the ledger stores it (audit.ledger.normalize_receipt);
    a malformed receipt is a form error. Sent by POST only, so that receipts stay out of URLs,
    server logs and browser history."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["receipt"].help_text = _(
            "Enter the receipt you were shown after voting in this poll, for example 7KQ2-M9XD-4HFA-ZP3C-R8TW."
        )
