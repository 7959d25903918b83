"""The officials' forms in the back office: the department's answer, a reassignment, the citizen
panel's promotion (우수제안) and the Mayor's answer.

The forms refuse what a field alone can tell (HTML, oversized text, an unknown choice); whether a
reason is needed, and whether the proposal is in a state that allows the move, is the services'
call: the admin views show a ProposalError as an error on the field it names.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from governance.models import OrgUnit

from ..errors import ProposalError
from ..models import BODY_MAX_LENGTH, Proposal
from ..text import clean_text

# A reassignment's or a promotion's reason is shown on the public timeline: a paragraph, not a report.
REASON_MAX_LENGTH = 2_000


def _plain_text(value, *, field_name, label, max_length):
    """clean_text for an optional field: "" stays "" (the service decides whether it is needed)."""
    try:
        return clean_text(value, field_name=field_name, label=label, max_length=max_length, required=False)
    except ProposalError as error:
        raise forms.ValidationError(error.message) from None


def _textarea(max_length, rows=6):
    return forms.Textarea(attrs={"rows": rows, "cols": 80, "maxlength": max_length})


class ProposalAnswerForm(forms.Form):
    answer_type = forms.ChoiceField(label=_("answer"), choices=Proposal.AnswerType.choices, widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("reason"),
        required=False,
        strip=False,
        widget=_textarea(BODY_MAX_LENGTH),
        help_text=_("Published on the proposal. Required when the proposal is not accepted."),
    )
    plan = forms.CharField(
        label=_("implementation plan"),
        required=False,
        strip=False,
        widget=_textarea(BODY_MAX_LENGTH),
        help_text=_("Required when the proposal is accepted or partially accepted: what will be done, by when."),
    )

    def clean_reason(self):
        return _plain_text(
            self.cleaned_data["reason"], field_name="reason", label=_("reason"), max_length=BODY_MAX_LENGTH
        )

    def clean_plan(self):
        return _plain_text(
            self.cleaned_data["plan"], field_name="plan", label=_("implementation plan"), max_length=BODY_MAX_LENGTH
        )


class ProposalAssignForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("new responsible unit"),
        queryset=OrgUnit.objects.none(),
        help_text=_("The unit that will answer the proposal. The answer's due date stays the same."),
    )
    reason = forms.CharField(
        label=_("reason for the reassignment"),
        required=False,
        strip=False,
        widget=_textarea(REASON_MAX_LENGTH, 4),
        help_text=_("Shown on the proposal's public timeline."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = OrgUnit.objects.filter(is_active=True).order_by("order", "code")

    def clean_reason(self):
        return _plain_text(
            self.cleaned_data["reason"], field_name="reason", label=_("reason"), max_length=REASON_MAX_LENGTH
        )


class ProposalPromoteForm(forms.Form):
    reason = forms.CharField(
        label=_("the citizen panel's reason"),
        required=False,
        strip=False,
        widget=_textarea(REASON_MAX_LENGTH, 4),
        help_text=_("Why the panel opens a public debate for this proposal (우수제안). Published on the proposal."),
    )

    def clean_reason(self):
        return _plain_text(
            self.cleaned_data["reason"], field_name="reason", label=_("reason"), max_length=REASON_MAX_LENGTH
        )


class MayorAnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("the Mayor's answer"),
        required=False,
        strip=False,
        widget=_textarea(BODY_MAX_LENGTH, 12),
        help_text=_("Published on the proposal as written (plain text; line breaks are kept)."),
    )

    def clean_answer(self):
        return _plain_text(
            self.cleaned_data["answer"], field_name="answer", label=_("answer"), max_length=BODY_MAX_LENGTH
        )
