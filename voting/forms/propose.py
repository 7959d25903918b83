"""A citizen's poll proposal (우리끼리투표): the question, 2 to 10 options (each with an optional
description and image), the schedule, the audience, the access and the interim results.

The form gives every problem it can see at once; poll_create checks the poll again as a whole
(its VotingError names the field, shown next to it).
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from citizens.models import District
from seoul_portal import images

from ..models import (
    DESCRIPTION_MAX_LENGTH,
    MAX_OPTIONS,
    MIN_OPTIONS,
    OPTION_DESCRIPTION_MAX_LENGTH,
    OPTION_LABEL_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Poll,
)

# The option rows shown open; the others wait in a "more options" disclosure (no JavaScript).
SHOWN_OPTION_ROWS = 4
IMAGE_ALT_MAX_LENGTH = 200
OLDEST_AGE = 120
OPTION_PARTS = ("label", "description", "image", "image_alt")


def _datetime_input():
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class DistrictChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class PollProposalForm(forms.Form):
    title = forms.CharField(
        label=_("Question"),
        max_length=TITLE_MAX_LENGTH,
        help_text=_("The question voters answer, in one sentence. At most 120 characters."),
        widget=forms.TextInput(attrs={"maxlength": TITLE_MAX_LENGTH, "autocomplete": "off"}),
        error_messages={"required": _("Write the question.")},
    )
    description = forms.CharField(
        label=_("Explanation (optional)"),
        required=False,
        max_length=DESCRIPTION_MAX_LENGTH,
        help_text=_("Background voters need to answer. Plain text, at most 5,000 characters."),
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": DESCRIPTION_MAX_LENGTH}),
    )
    question_type = forms.ChoiceField(
        label=_("How voters answer"),
        choices=Poll.QuestionType.choices,
        initial=Poll.QuestionType.SINGLE,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how voters answer."), "invalid_choice": _("Choose how voters answer.")},
    )
    max_choices = forms.IntegerField(
        label=_("Most options a voter may pick or rank"),
        required=False,
        min_value=1,
        max_value=MAX_OPTIONS,
        help_text=_("For multiple and ranked choice. Ranked choice without a number: voters may rank every option."),
        error_messages={
            "invalid": _("Give a whole number."),
            "min_value": _("Give a number from 1 to 10."),
            "max_value": _("Give a number from 1 to 10."),
        },
    )
    opens_at = forms.DateTimeField(
        label=_("Voting opens"),
        widget=_datetime_input(),
        help_text=_("Seoul time. The poll opens at this time once the city has approved it."),
        error_messages={"required": _("Set when voting opens."), "invalid": _("Give a date and a time.")},
    )
    closes_at = forms.DateTimeField(
        label=_("Voting closes"),
        widget=_datetime_input(),
        help_text=_("Seoul time."),
        error_messages={"required": _("Set when voting closes."), "invalid": _("Give a date and a time.")},
    )
    audience_districts = DistrictChoiceField(
        label=_("Only residents of these districts may vote (optional)"),
        queryset=District.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick none for a poll open to everyone."),
        error_messages={"invalid_choice": _("Choose districts from the list."),
                        "invalid_pk_value": _("Choose districts from the list.")},
    )
    audience_min_age = forms.IntegerField(
        label=_("Youngest age that may vote (optional)"),
        required=False,
        min_value=0,
        max_value=OLDEST_AGE,
        error_messages={"invalid": _("Give an age in years."), "min_value": _("Give an age from 0 to 120."),
                        "max_value": _("Give an age from 0 to 120.")},
    )
    audience_max_age = forms.IntegerField(
        label=_("Oldest age that may vote (optional)"),
        required=False,
        min_value=0,
        max_value=OLDEST_AGE,
        error_messages={"invalid": _("Give an age in years."), "min_value": _("Give an age from 0 to 120."),
                        "max_value": _("Give an age from 0 to 120.")},
    )
    access = forms.ChoiceField(
        label=_("Who can reach the poll"),
        choices=[
            (Poll.Access.PUBLIC, _("Public: listed on M-Voting")),
            (Poll.Access.ROOM, _("Private room: reached with a room code you share")),
            (Poll.Access.ONSITE, _("On-site event: reached with a QR code shown at the event")),
        ],
        initial=Poll.Access.PUBLIC,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose who can reach the poll."),
                        "invalid_choice": _("Choose who can reach the poll.")},
    )
    event_starts_at = forms.DateTimeField(
        label=_("Event starts (on-site polls)"),
        required=False,
        widget=_datetime_input(),
        error_messages={"invalid": _("Give a date and a time.")},
    )
    event_ends_at = forms.DateTimeField(
        label=_("Event ends (on-site polls)"),
        required=False,
        widget=_datetime_input(),
        help_text=_("The QR code lets people vote only between these times."),
        error_messages={"invalid": _("Give a date and a time.")},
    )
    results_visibility = forms.ChoiceField(
        label=_("Results while voting runs"),
        choices=Poll.ResultsVisibility.choices,
        initial=Poll.ResultsVisibility.LIVE,
        widget=forms.RadioSelect,
        help_text=_("Hiding them until the poll closes keeps early results from swaying later voters."),
        error_messages={"required": _("Choose when the results are shown."),
                        "invalid_choice": _("Choose when the results are shown.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The district shapes are heavy and not shown here.
        self.fields["audience_districts"].queryset = District.objects.defer("boundary").order_by("name_ko")
        for number in range(1, MAX_OPTIONS + 1):
            self.fields[f"option_{number}_label"] = forms.CharField(
                label=_("Text of option %(number)d") % {"number": number},
                required=False,
                max_length=OPTION_LABEL_MAX_LENGTH,
                widget=forms.TextInput(attrs={"maxlength": OPTION_LABEL_MAX_LENGTH, "autocomplete": "off"}),
                error_messages={"max_length": _("Write at most %(limit_value)d characters.")},
            )
            self.fields[f"option_{number}_description"] = forms.CharField(
                label=_("Description of option %(number)d (optional)") % {"number": number},
                required=False,
                max_length=OPTION_DESCRIPTION_MAX_LENGTH,
                widget=forms.Textarea(attrs={"rows": 2, "maxlength": OPTION_DESCRIPTION_MAX_LENGTH}),
                error_messages={"max_length": _("Write at most %(limit_value)d characters.")},
            )
            self.fields[f"option_{number}_image"] = forms.FileField(
                label=_("Image of option %(number)d (optional)") % {"number": number},
                required=False,
                widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
            )
            self.fields[f"option_{number}_image_alt"] = forms.CharField(
                label=_("What the image of option %(number)d shows") % {"number": number},
                required=False,
                max_length=IMAGE_ALT_MAX_LENGTH,
                widget=forms.TextInput(attrs={"maxlength": IMAGE_ALT_MAX_LENGTH}),
                error_messages={"max_length": _("Write at most %(limit_value)d characters.")},
            )

    # --- The option rows, for the template -------------------------------------------------------

    def option_rows(self):
        """[(number, {part: bound field})] for the ten option rows."""
        return [
            (number, {part: self[f"option_{number}_{part}"] for part in OPTION_PARTS})
            for number in range(1, MAX_OPTIONS + 1)
        ]

    def shown_option_rows(self):
        return self.option_rows()[:SHOWN_OPTION_ROWS]

    def more_option_rows(self):
        return self.option_rows()[SHOWN_OPTION_ROWS:]

    def more_options_used(self) -> bool:
        """Whether a row past the first ones was filled in (the disclosure then starts open)."""
        if not self.is_bound:
            return False
        return any(
            (self.data.get(f"option_{number}_label") or "").strip()
            or self.has_error(f"option_{number}_label")
            or self.has_error(f"option_{number}_image")
            or self.has_error(f"option_{number}_image_alt")
            for number in range(SHOWN_OPTION_ROWS + 1, MAX_OPTIONS + 1)
        )

    # --- Checking --------------------------------------------------------------------------------

    def _clean_option(self, number):
        """The row as a dict for poll_create, None for an empty row; errors go on the row's fields."""
        cleaned = self.cleaned_data
        label = (cleaned.get(f"option_{number}_label") or "").strip()
        description = (cleaned.get(f"option_{number}_description") or "").strip()
        upload = cleaned.get(f"option_{number}_image")
        image_alt = (cleaned.get(f"option_{number}_image_alt") or "").strip()
        if not label:
            if description or upload:
                self.add_error(f"option_{number}_label", _("Write the option, or leave its whole row empty."))
            return None
        image = None
        if upload:
            try:
                image = images.prepare_image(upload)
            except images.ImageRejected as error:
                self.add_error(f"option_{number}_image", error.message)
            if not image_alt:
                self.add_error(
                    f"option_{number}_image_alt",
                    _("Describe the image in a few words, for people who cannot see it."),
                )
        return {"label": label, "description": description, "image": image, "image_alt": image_alt if image else ""}

    def clean(self):
        cleaned = super().clean()
        options = [option for number in range(1, MAX_OPTIONS + 1) if (option := self._clean_option(number))]
        if len(options) < MIN_OPTIONS:
            self.add_error(
                "option_1_label" if not options else f"option_{MIN_OPTIONS}_label",
                _("A poll has between %(min)d and %(max)d options.") % {"min": MIN_OPTIONS, "max": MAX_OPTIONS},
            )
        labels = [option["label"] for option in options]
        if len(set(labels)) != len(labels):
            self.add_error(None, _("Two options have the same text."))
        cleaned["options"] = options

        question_type = cleaned.get("question_type")
        max_choices = cleaned.get("max_choices")
        if question_type == Poll.QuestionType.SINGLE:
            cleaned["max_choices"] = 1
        elif question_type == Poll.QuestionType.RANKED and max_choices is None:
            cleaned["max_choices"] = max(len(options), 1)
        elif question_type == Poll.QuestionType.MULTIPLE and max_choices is None and "max_choices" not in self.errors:
            self.add_error("max_choices", _("Say how many options a voter may pick."))
        elif max_choices is not None and options and max_choices > len(options):
            self.add_error(
                "max_choices", _("The maximum number of picks must be between 1 and the number of options.")
            )

        opens_at, closes_at = cleaned.get("opens_at"), cleaned.get("closes_at")
        if opens_at and closes_at and closes_at <= opens_at:
            self.add_error("closes_at", _("The poll must close after it opens."))
        low, high = cleaned.get("audience_min_age"), cleaned.get("audience_max_age")
        if low is not None and high is not None and low > high:
            self.add_error("audience_max_age", _("The minimum age is above the maximum age."))
        if cleaned.get("access") == Poll.Access.ONSITE:
            starts, ends = cleaned.get("event_starts_at"), cleaned.get("event_ends_at")
            if not starts and "event_starts_at" not in self.errors:
                self.add_error("event_starts_at", _("Set the event's start and end for an on-site poll."))
            if not ends and "event_ends_at" not in self.errors:
                self.add_error("event_ends_at", _("Set the event's start and end for an on-site poll."))
            if starts and ends and ends <= starts:
                self.add_error("event_ends_at", _("The event must end after it starts."))
        return cleaned

    def service_arguments(self) -> dict:
        """The cleaned data as poll_create takes it (kind and actor are the view's)."""
        data = self.cleaned_data
        onsite = data["access"] == Poll.Access.ONSITE
        return {
            "title": data["title"],
            "description": data.get("description", ""),
            "question_type": data["question_type"],
            "max_choices": data["max_choices"],
            "options": data["options"],
            "opens_at": data["opens_at"],
            "closes_at": data["closes_at"],
            "audience_districts": list(data.get("audience_districts") or []),
            "audience_min_age": data.get("audience_min_age"),
            "audience_max_age": data.get("audience_max_age"),
            "access": data["access"],
            "event_starts_at": data.get("event_starts_at") if onsite else None,
            "event_ends_at": data.get("event_ends_at") if onsite else None,
            "results_visibility": data["results_visibility"],
        }

    # The service names these fields; any other name is shown at the top of the form.
    SERVICE_FIELDS = {
        "title": "title",
        "question_type": "question_type",
        "max_choices": "max_choices",
        "options": "option_1_label",
        "opens_at": "opens_at",
        "closes_at": "closes_at",
        "audience_min_age": "audience_min_age",
        "access": "access",
        "event_starts_at": "event_starts_at",
        "event_ends_at": "event_ends_at",
    }

    def add_refusal(self, refusal):
        self.add_error(self.SERVICE_FIELDS.get(refusal.field), refusal.message)
