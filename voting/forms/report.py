"""The report form of a citizen poll: one of Seoul's four categories and optional details."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import PollReport

DETAIL_MAX_LENGTH = 1000


class PollReportForm(forms.Form):
    category = forms.ChoiceField(
        label=_("What is wrong with this poll?"),
        choices=PollReport.Category.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose why you are reporting this poll."),
            "invalid_choice": _("Choose one of the four reasons in the list."),
        },
    )
    detail = forms.CharField(
        label=_("Details (optional)"),
        required=False,
        max_length=DETAIL_MAX_LENGTH,
        help_text=_("What the city's officials should look at, in a few sentences. At most 1,000 characters."),
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": DETAIL_MAX_LENGTH}),
        error_messages={"max_length": _("Write at most %(limit_value)d characters.")},
    )
