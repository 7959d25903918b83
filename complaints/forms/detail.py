"""What the filer sends from a complaint's page: a rating of the answer, a request for an
additional answer. complaint_rate and complaint_reopen check them again (their errors land here)."""

from django import forms
from django.utils.translation import gettext_lazy as _

COMMENT_MAX_LENGTH = 1_000
REASON_MAX_LENGTH = 2_000
# At or below this rating, the page offers the request for an additional answer first.
DISSATISFIED_AT_MOST = 2


class RatingForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How satisfied are you with the answer?"),
        coerce=int,
        choices=[
            (5, _("5 – Very satisfied")),
            (4, _("4 – Satisfied")),
            (3, _("3 – Neither")),
            (2, _("2 – Dissatisfied")),
            (1, _("1 – Very dissatisfied")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a rating from 1 to 5."), "invalid_choice": _("Choose a rating from 1 to 5.")},
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": COMMENT_MAX_LENGTH}),
        error_messages={"max_length": _("A comment may be at most 1,000 characters.")},
    )

    def add_complaint_error(self, error):
        self.add_error(error.field if error.field in self.fields else None, error.message)


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("What did the answer leave out?"),
        max_length=REASON_MAX_LENGTH,
        help_text=_("The unit answers again, within the same time limit as the first answer."),
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": REASON_MAX_LENGTH}),
        error_messages={
            "required": _("Say what the answer left out."),
            "max_length": _("At most 2,000 characters."),
        },
    )

    def add_complaint_error(self, error):
        self.add_error(error.field if error.field in self.fields else None, error.message)
