"""Forms of the public debate: a citizen's stance with its argument, and the arguments page's filter.

The forms check the input with the same rules as the services (proposals.text.clean_text), so
that a mistake is shown on its field; the services check the debate's state and check again.
"""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ..errors import ProposalError
from ..models import ARGUMENT_MAX_LENGTH, DebateStance
from ..text import clean_text


class DebateStanceForm(forms.ModelForm):
    class Meta:
        model = DebateStance
        fields = ["stance", "argument"]
        widgets = {
            "stance": forms.RadioSelect,
            "argument": forms.Textarea(attrs={"rows": 5}),
        }
        labels = {"stance": _("Your stance"), "argument": _("Your argument (optional)")}
        error_messages = {
            "stance": {
                "required": _("Choose for, against or undecided."),
                "invalid_choice": _("Choose for, against or undecided."),
            },
        }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "debate_%s")  # the proposal's page has other forms (comments)
        super().__init__(*args, **kwargs)
        self.fields["stance"].choices = DebateStance.Stance.choices  # no empty "---------"
        argument = self.fields["argument"]
        # The length is checked by clean_text on the text as stored (line breaks counted once).
        argument.max_length = None
        argument.validators = []
        argument.widget.attrs["maxlength"] = ARGUMENT_MAX_LENGTH
        argument.help_text = _(
            "Plain text, at most %(max)s characters. Others may rate it helpful; changing its text or your "
            "stance later clears those ratings."
        ) % {"max": ARGUMENT_MAX_LENGTH}
        if self.instance.pk and self.instance.helpful_count:
            argument.help_text = ngettext(
                "Plain text, at most %(max)s characters. %(count)s participant rated your argument helpful: "
                "changing its text or your stance clears that rating.",
                "Plain text, at most %(max)s characters. %(count)s participants rated your argument helpful: "
                "changing its text or your stance clears those ratings.",
                self.instance.helpful_count,
            ) % {"max": ARGUMENT_MAX_LENGTH, "count": self.instance.helpful_count}

    def clean_argument(self):
        try:
            return clean_text(
                self.cleaned_data.get("argument"),
                field_name="argument",
                label=_("argument"),
                max_length=ARGUMENT_MAX_LENGTH,
                required=False,
            )
        except ProposalError as error:
            raise forms.ValidationError(error.message) from error


SORT_CHOICES = [("helpful", _("Most helpful")), ("newest", _("Newest"))]


class ArgumentFilterForm(forms.Form):
    side = forms.ChoiceField(
        label=_("Side"),
        required=False,
        choices=[("", _("All sides")), *DebateStance.Stance.choices],
        error_messages={"invalid_choice": _("This is not a side of the debate; showing all sides.")},
    )
    sort = forms.ChoiceField(
        label=_("Order"),
        required=False,
        choices=SORT_CHOICES,
        error_messages={"invalid_choice": _("This order is not known; showing the most helpful first.")},
    )

    def valid_filters(self):
        """The valid filters; an invalid value falls back to the default (its error says so)."""
        if not self.is_bound:
            return {"side": "", "sort": "helpful"}
        self.is_valid()
        side = "" if "side" in self.errors else self.cleaned_data.get("side") or ""
        sort = "helpful" if "sort" in self.errors else self.cleaned_data.get("sort") or "helpful"
        return {"side": side, "sort": sort}
