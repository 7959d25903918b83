"""Forms for comments: writing and replying, editing, reporting, and the moderators' decision.

They check the input; the services check the state (who may, whether the comment still may be
answered, edited or reported) and give the refusals.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..errors import ProposalError
from ..models import COMMENT_MAX_LENGTH, Comment, CommentReport
from ..services.comments import REMOVE, RESTORE, comment_moderation_check
from ..text import clean_text


def _body_field():
    # maxlength helps on the phone; the length is checked again after line endings are normalised
    # (a browser counts a line break as one character and sends two).
    return forms.CharField(
        label=_("Comment"),
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": COMMENT_MAX_LENGTH}),
        error_messages={"required": _("Write your comment.")},
    )


class _BodyMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Formatted here, in the language of the request (not once, at import).
        self.fields["body"].help_text = _("Plain text, up to %(max)s characters. Links are made clickable.") % {
            "max": COMMENT_MAX_LENGTH
        }

    def clean_body(self):
        try:
            return clean_text(
                self.cleaned_data["body"], field_name="body", label=_("comment"), max_length=COMMENT_MAX_LENGTH
            )
        except ProposalError as error:
            raise forms.ValidationError(error.message) from error


class CommentForm(_BodyMixin, forms.Form):
    """A comment, or a reply when `parent` holds the id of the comment answered."""

    body = _body_field()
    parent = forms.IntegerField(
        required=False,
        widget=forms.HiddenInput,
        min_value=1,
        error_messages={
            "invalid": _("The comment you are replying to does not exist."),
            "min_value": _("The comment you are replying to does not exist."),
        },
    )

    def clean_parent(self):
        pk = self.cleaned_data.get("parent")
        if pk is None:
            return None
        parent = Comment.objects.filter(pk=pk).first()
        if parent is None:
            raise forms.ValidationError(_("The comment you are replying to does not exist."))
        return parent


class CommentEditForm(_BodyMixin, forms.Form):
    body = _body_field()


class CommentReportForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why are you reporting this comment?"),
        choices=CommentReport.Reason.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose why you are reporting this comment."),
            "invalid_choice": _("Choose why you are reporting this comment."),
        },
    )


class CommentModerationForm(forms.ModelForm):
    """The moderator's decision on one comment in the admin. Nothing of the comment itself is
    edited here: the admin calls comment_moderate with the decision and the reason."""

    decision = forms.ChoiceField(
        label=_("Moderation decision"),
        choices=[
            (RESTORE, _("Restore: show the comment again and close its reports")),
            (REMOVE, _("Remove: replace the comment with the reason below")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether to restore or remove the comment.")},
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Required to remove: it is shown publicly in place of the comment. Plain text; do not repeat "
            "the personal data or insults it removes."
        ),
    )

    class Meta:
        model = Comment
        fields = []

    def clean(self):
        cleaned = super().clean()
        if "decision" in cleaned:
            try:
                cleaned["reason"] = comment_moderation_check(
                    comment=self.instance, decision=cleaned["decision"], reason=cleaned.get("reason", "")
                )
            except ProposalError as error:
                self.add_error(error.field if error.field in self.fields else None, error.message)
        return cleaned
