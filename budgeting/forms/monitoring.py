"""The committee members' monitoring note on a funded project (budgeting.views.monitoring), and the
city's answer to one (the back office's "Answer" button)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..errors import BudgetingError
from ..services.monitoring import NOTE_ANSWER_MAX_LENGTH, NOTE_BODY_MAX_LENGTH


class ImplementationNoteForm(forms.Form):
    project = forms.IntegerField(widget=forms.HiddenInput, min_value=1,
                                 error_messages={"required": _("Choose the project the note is about."),
                                                 "invalid": _("Choose the project the note is about.")})
    body = forms.CharField(
        label=_("What you observed"),
        max_length=NOTE_BODY_MAX_LENGTH,
        help_text=_("Public on the project's page, under your public name. At most 2,000 characters."),
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": NOTE_BODY_MAX_LENGTH}),
        error_messages={"required": _("Write what you observed."),
                        "max_length": _("Write at most %(limit_value)d characters.")},
    )
    raises_concern = forms.BooleanField(
        label=_("This raises a concern the city must answer"),
        required=False,
    )

    def add_refusal(self, error: BudgetingError):
        self.add_error(error.field if error.field in self.fields else None, error.message)


class NoteAnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("the city's answer"),
        max_length=NOTE_ANSWER_MAX_LENGTH,
        help_text=_("Public on the project's page under the note; the member who wrote it is told. It cannot be "
                    "changed afterwards."),
        widget=forms.Textarea(attrs={"rows": 5, "cols": 80, "maxlength": NOTE_ANSWER_MAX_LENGTH}),
        error_messages={"required": _("Write the city's answer."),
                        "max_length": _("Write at most %(limit_value)d characters.")},
    )
