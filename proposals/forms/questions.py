"""Citizens' forms of Seoul asks: the yes/no vote and the opinion of a discussion."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..errors import ProposalError
from ..models import OPINION_MAX_LENGTH
from ..text import clean_text

YES, NO = "yes", "no"


class QuestionVoteForm(forms.Form):
    """Two submit buttons named `choice` (yes and no): no radio button to tick first."""

    choice = forms.ChoiceField(
        label=_("Your answer"),
        choices=[(YES, pgettext_lazy("Seoul asks answer", "Yes")), (NO, pgettext_lazy("Seoul asks answer", "No"))],
        error_messages={"required": _("Choose yes or no."), "invalid_choice": _("Choose yes or no.")},
    )

    def chose_yes(self) -> bool:
        return self.cleaned_data["choice"] == YES


class QuestionOpinionForm(forms.Form):
    body = forms.CharField(
        label=_("Your opinion"),
        required=False,  # clean_body says what is missing, as the service would
        strip=False,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": OPINION_MAX_LENGTH}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].help_text = _("Plain text, up to %(max)s characters. Links are made clickable.") % {
            "max": OPINION_MAX_LENGTH
        }

    def clean_body(self):
        try:
            return clean_text(
                self.cleaned_data.get("body"), field_name="body", label=_("opinion"), max_length=OPINION_MAX_LENGTH
            )
        except ProposalError as error:
            raise forms.ValidationError(error.message) from None
