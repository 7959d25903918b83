"""The officials' forms: a policy vote's draft with its options, and the small forms behind the
buttons on a poll's page (a reason, the policy follow-up, a confirmation).

The draft's fields are checked by the same function the services use (clean_poll_fields), so that
what poll_create or poll_update_draft would refuse shows as an error on the form: the poll's own
fields on the poll form, what depends on the options (their number, duplicates, the most picks)
above the options. Nothing here writes: PollAdmin.save_related calls the service.
"""

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.urls import NoReverseMatch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from seoul_portal.images import ImageRejected, prepare_image
from seoul_portal.uploads import file_link

from ..errors import VotingError
from ..models import DESCRIPTION_MAX_LENGTH, MAX_OPTIONS, PolicyReflection, Poll, PollOption
from ..services.polls import clean_poll_fields

REASON_MAX_LENGTH = 2_000
IMAGE_ACCEPT = "image/jpeg,image/png,image/webp"

# The poll's own fields, in the order of the form.
DRAFT_FIELDS = [
    "title",
    "description",
    "org_unit",
    "question_type",
    "max_choices",
    "audience_districts",
    "audience_min_age",
    "audience_max_age",
    "eligible_population",
    "opens_at",
    "closes_at",
    "results_visibility",
    "access",
    "event_starts_at",
    "event_ends_at",
]
# clean_poll_fields checks the poll's fields against its options; before the options are read, the
# poll's fields are checked against the most options a poll may have.
_ANY_OPTIONS = [{"label": str(number)} for number in range(MAX_OPTIONS)]


def _poll_field_values(cleaned):
    return {
        "title": cleaned.get("title"),
        "question_type": cleaned.get("question_type"),
        "max_choices": cleaned.get("max_choices"),
        "opens_at": cleaned.get("opens_at"),
        "closes_at": cleaned.get("closes_at"),
        "audience_min_age": cleaned.get("audience_min_age"),
        "audience_max_age": cleaned.get("audience_max_age"),
        "access": cleaned.get("access"),
        "event_starts_at": cleaned.get("event_starts_at"),
        "event_ends_at": cleaned.get("event_ends_at"),
    }


class PollDraftForm(forms.ModelForm):
    """A policy vote being prepared. The options' formset reads the cleaned fields from the
    instance (`_draft_fields`) to check the poll as a whole."""

    class Meta:
        model = Poll
        fields = DRAFT_FIELDS
        widgets = {
            "audience_districts": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 6, "maxlength": DESCRIPTION_MAX_LENGTH}),
        }
        help_texts = {
            "org_unit": _("The department that answers for this vote and records its policy follow-up."),
            "max_choices": _("Multiple choice: the most options a voter may pick; ranked: the most they may rank."),
            "audience_districts": _("Leave all unticked to let residents of every district vote."),
            "eligible_population": _("How many people may vote, where known: the results show turnout against it."),
            "event_starts_at": _("On-site polls only: the QR code lets people vote during this window."),
            "results_visibility": _("Hiding the interim results avoids a bandwagon effect."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "org_unit" in self.fields:
            self.fields["org_unit"].required = True

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            max_choices, _options, title = clean_poll_fields(
                kind=Poll.Kind.POLICY, options=_ANY_OPTIONS, now=timezone.now(), **_poll_field_values(cleaned)
            )
        except VotingError as error:
            self.add_error(error.field if error.field in self.fields else None, error.message)
        else:
            cleaned["title"], cleaned["max_choices"] = title, max_choices
        return cleaned

    def _post_clean(self):
        # The services write the poll; the instance stays as loaded and carries the cleaned fields
        # to the options' formset (validated after this form, in the same request).
        self.instance._draft_fields = None if self.errors else dict(self.cleaned_data)


class PollRecordForm(forms.ModelForm):
    """A published poll's page: every field read-only, nothing to fill in."""

    class Meta:
        model = Poll
        fields = []


def option_image_url(option) -> str:
    """Where a stored option image is shown: the poll pages' image view (media files are not served
    directly); the storage's URL if that view is not there."""
    try:
        return file_link("voting:option_image", option.poll_id, option.position)
    except NoReverseMatch:
        return option.image.url


class _StoredImage:
    def __init__(self, name, url):
        self.name, self.url = name, url

    def __str__(self):
        return self.name.rsplit("/", 1)[-1]


class OptionImageInput(forms.ClearableFileInput):
    """The file input of an option, linking the image it has (if any) where it can be opened."""

    stored_url = ""

    def format_value(self, value):
        if self.is_initial(value) and self.stored_url:
            return _StoredImage(value.name, self.stored_url)
        return super().format_value(value)


class OptionForm(forms.ModelForm):
    """One option of a draft; a new image goes through seoul_portal.images (re-encoded, metadata
    dropped) and needs a description for people who cannot see it."""

    image = forms.FileField(
        label=_("image"),
        required=False,
        widget=OptionImageInput(attrs={"accept": IMAGE_ACCEPT}),
        help_text=_("JPEG, PNG or WebP, at most 5 MB."),
    )

    class Meta:
        model = PollOption
        fields = ["label", "description", "image", "image_alt"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2, "cols": 30})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.image:
            self.fields["image"].widget.stored_url = option_image_url(self.instance)

    def clean_image(self):
        image = self.cleaned_data.get("image")
        if image is False:  # "clear" ticked
            return ""
        if isinstance(image, UploadedFile):
            try:
                return prepare_image(image)
            except ImageRejected as error:
                raise forms.ValidationError(error.message) from None
        return image or ""

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("image") and not (cleaned.get("image_alt") or "").strip():
            self.add_error("image_alt", _("Describe the image for people who cannot see it."))
        return cleaned

    def _post_clean(self):
        pass  # the services write the options


class OptionFormSet(forms.BaseInlineFormSet):
    """The draft's options in order; `cleaned_options` is what the service takes."""

    cleaned_options: list[dict]

    def clean(self):
        super().clean()
        self.cleaned_options = []
        if any(self.errors):
            return
        for form in self.forms:
            if not getattr(form, "cleaned_data", None) or self._should_delete_form(form):
                continue
            data = form.cleaned_data
            self.cleaned_options.append(
                {
                    "label": data.get("label", ""),
                    "description": data.get("description", ""),
                    "image": data.get("image") or "",
                    "image_alt": (data.get("image_alt") or "").strip() if data.get("image") else "",
                }
            )
        poll_fields = getattr(self.instance, "_draft_fields", None)
        if poll_fields is None:
            return  # the poll form shows its own errors first
        try:
            clean_poll_fields(
                kind=Poll.Kind.POLICY, options=self.cleaned_options, now=timezone.now(),
                **_poll_field_values(poll_fields),
            )
        except VotingError as error:
            raise forms.ValidationError(error.message) from None


def _reason_field(label, help_text, *, max_length=REASON_MAX_LENGTH):
    return forms.CharField(
        label=label,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80, "maxlength": max_length}),
        help_text=help_text,
    )


class ConfirmForm(forms.Form):
    """A move without input: the button on the form is the confirmation."""


class RejectForm(forms.Form):
    reason = _reason_field(
        _("reason for rejection"), _("Sent to the proposer by SMS or email, and shown in their My Seoul.")
    )


class CloseEarlyForm(forms.Form):
    reason = _reason_field(_("reason for closing early"), _("Shown on the poll's page and its results."))


class HideForm(forms.Form):
    reason = _reason_field(_("reason for hiding"), _("Shown in place of the poll to citizens who open its address."))


class ReflectionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("outcome"), choices=PolicyReflection.Outcome.choices, widget=forms.RadioSelect
    )
    note = _reason_field(
        _("note"),
        _("How the result was used: published on the results-into-policy page."),
        max_length=DESCRIPTION_MAX_LENGTH,
    )
    link = forms.URLField(
        label=_("link"), required=False, assume_scheme="https",
        help_text=_("Optional: the plan, press release or decision the result went into."),
    )
