"""The forms of the ballot's pages.

BallotForm: the picks a ballot POST (or the meter's GET) sends as `projects` (one checkbox per
feasible project), handed as they are to ballot_cast, which checks them (unknown, duplicated, in
another pot, over the pot's limit); and the picks to tick again when the ballot is refused.
ReceiptVerifyForm: the receipt check of a cycle's verify page.
"""

from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from audit.forms import ReceiptCheckForm

from ..errors import BudgetingError

PICKS_FIELD = "projects"


class BallotForm:
    def __init__(self, data=None):
        self.data = data if data is not None else QueryDict()
        self.error = ""

    def submitted_ids(self) -> list[str]:
        return self.data.getlist(PICKS_FIELD)

    @property
    def picked(self) -> set[str]:
        """The project ids the voter ticked (as strings), to tick them again."""
        return {value.strip() for value in self.data.getlist(PICKS_FIELD)}

    def add_refusal(self, refusal: BudgetingError):
        self.error = refusal.message


class ReceiptVerifyForm(ReceiptCheckForm):
    """One field, `receipt`, normalised as the ledger stores it; a malformed receipt is a form
    error. Sent by POST only, so that receipts stay out of URLs, logs and browser history."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["receipt"].help_text = _(
            "Enter the receipt you were shown after voting in this cycle, for example 7KQ2-M9XD-4HFA-ZP3C-R8TW."
        )
