"""The web and mobile intake form: the category (a select grouped by parent; htmx adds a search),
the category's extra questions (fields `answer_<code>`), the text, the place, up to three photos,
public or private, how to be told about progress, and for a guest the phone with its SMS code.

The form checks what a browser sends (choices, sizes, the phone); `complaint_file` checks the
complaint as a whole, and its ComplaintError lands on the field it names (`add_complaint_error`).
"""

from django import forms
from django.core.validators import RegexValidator
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from citizens.phones import normalize_mobile

from ..errors import ComplaintError
from ..models import DESCRIPTION_MAX_LENGTH, CategoryQuestion, ContactPreference
from ..models.complaints import TITLE_MAX_LENGTH
from ..selectors import grouped_categories, intake_categories, intake_category

ADDRESS_MAX_LENGTH = 200
ANSWER_MAX_LENGTH = 500
PUBLIC, PRIVATE = "public", "private"
# Where a ComplaintError's field shows on this form: the pin and the address are one place.
ERROR_FIELDS = {"location": "address", "name": None}


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several files from one <input type=file multiple>: a list (empty when none was chosen).
    Their content is checked by complaint_file (prepare_image), not here."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else [data]
        return [super(PhotosField, self).clean(item, initial) for item in files if item]


def category_choices(categories=None) -> list:
    """Choices for a <select> with an <optgroup> per parent category."""
    choices = [("", _("Choose a category"))]
    for group in grouped_categories(categories):
        options = [(category.service_code, category.name) for category in group.categories]
        if group.parent is None:
            choices += options
        else:
            choices.append((group.parent.name, options))
    return choices


def question_field(question: CategoryQuestion) -> forms.Field:
    common = {
        "label": question.prompt,
        "required": question.required,
        "error_messages": {
            "required": _("Answer this question."),
            "invalid_choice": _("Pick one of the offered answers."),
            "max_length": _("An answer may be at most 500 characters."),
        },
    }
    Kind = CategoryQuestion.Kind
    if question.kind == Kind.CHOICE:
        choices = [(str(choice.get("key")), question.localized_choice(choice)) for choice in question.choices or []]
        return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
    if question.kind == Kind.MULTICHOICE:
        choices = [(str(choice.get("key")), question.localized_choice(choice)) for choice in question.choices or []]
        return forms.MultipleChoiceField(choices=choices, widget=forms.CheckboxSelectMultiple, **common)
    attrs = {"maxlength": ANSWER_MAX_LENGTH}
    if question.kind == Kind.NUMBER:
        attrs["inputmode"] = "decimal"
    return forms.CharField(max_length=ANSWER_MAX_LENGTH, widget=forms.TextInput(attrs=attrs), **common)


class GuestPhoneFields(forms.Form):
    """A guest's mobile phone and the SMS code sent to it (the intake form's and the follow page's)."""

    phone = forms.CharField(
        label=_("Your mobile phone number"),
        max_length=20,
        help_text=_("We send a 6-digit code to check it is yours, and tell you about progress by SMS."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
        error_messages={"required": _("Enter your mobile phone number.")},
    )
    code = forms.CharField(
        label=_("Code from the SMS"),
        max_length=6,
        required=False,
        help_text=_("Press “Send code”, then enter the 6 digits we sent. A code is valid for 5 minutes."),
        validators=[RegexValidator(r"^[0-9]{6}$", _("The code is 6 digits."))],
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "maxlength": 6}),
        error_messages={"max_length": _("The code is 6 digits.")},
    )

    def __init__(self, *args, verified_phone: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.verified_phone = verified_phone

    def clean_phone(self):
        return normalize_mobile(self.cleaned_data["phone"])

    def clean_code(self):
        return (self.cleaned_data.get("code") or "").strip()

    def clean(self):
        cleaned = super().clean()
        phone = cleaned.get("phone")
        if phone and phone != self.verified_phone and not cleaned.get("code") and "code" not in self.errors:
            self.add_error("code", _("Enter the 6-digit code we sent to your phone (press “Send code” first)."))
        return cleaned

    @property
    def needs_code(self) -> bool:
        """The code is asked for: this session has not confirmed one for the phone given."""
        return not self.verified_phone or self.cleaned_data.get("phone") != self.verified_phone


class GuestPhoneForm(forms.Form):
    """The phone alone: where complaints:guest_code sends a code."""

    phone = GuestPhoneFields.base_fields["phone"]

    def clean_phone(self):
        return normalize_mobile(self.cleaned_data["phone"])


class IntakeForm(GuestPhoneFields):
    category = forms.ChoiceField(
        label=_("Category"),
        error_messages={
            "required": _("Choose the category that fits best."),
            "invalid_choice": _("Choose a category from the list."),
        },
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=TITLE_MAX_LENGTH,
        help_text=_("In a few words, e.g. “Broken pavement in front of exit 3”."),
        widget=forms.TextInput(attrs={"maxlength": TITLE_MAX_LENGTH, "autocomplete": "off"}),
        error_messages={
            "required": _("Give the complaint a short title."),
            "max_length": _("The title may be at most 120 characters."),
        },
    )
    description = forms.CharField(
        label=_("What is the problem?"),
        strip=True,
        help_text=_("What, where and since when. Plain text, at most 4,000 characters."),
        widget=forms.Textarea(
            attrs={"rows": 8, "maxlength": DESCRIPTION_MAX_LENGTH, "data-counter": DESCRIPTION_MAX_LENGTH}
        ),
        error_messages={"required": _("Describe the problem in a few sentences.")},
    )
    address = forms.CharField(
        label=_("Address or place"),
        required=False,
        max_length=ADDRESS_MAX_LENGTH,
        help_text=_("E.g. “Sejong-daero 110, in front of City Hall”. Or place a pin on the map."),
        widget=forms.TextInput(attrs={"maxlength": ADDRESS_MAX_LENGTH, "autocomplete": "street-address"}),
        error_messages={"max_length": _("The address may be at most 200 characters.")},
    )
    latitude = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)
    longitude = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)
    photos = PhotosField(
        label=_("Photos (optional)"),
        required=False,
        help_text=_(
            "Up to 3 photos (JPEG, PNG or WebP, at most 5 MB each). Location and camera data are removed. "
            "If the form comes back with an error, choose the photos again."
        ),
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    visibility = forms.ChoiceField(
        label=_("Who may see the complaint"),
        choices=[
            (PRIVATE, _("Private: only you and the officials handling it")),
            (PUBLIC, _("Public: on the map and the list with its text and photos, without your name or contact details")),
        ],
        initial=PRIVATE,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose who may see the complaint."),
                        "invalid_choice": _("Choose who may see the complaint.")},
    )  # fmt: skip
    contact_preference = forms.ChoiceField(
        label=_("How should we tell you about progress?"),
        widget=forms.RadioSelect,
        initial=ContactPreference.SMS,
        error_messages={"required": _("Choose how we should tell you about progress."),
                        "invalid_choice": _("Choose one of the ways offered.")},
    )  # fmt: skip

    field_order = [
        "category", "title", "description", "address", "latitude", "longitude", "photos", "visibility",
        "contact_preference", "phone", "code",
    ]  # fmt: skip

    def __init__(self, *args, citizen=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.citizen = citizen
        categories = intake_categories()
        self.fields["category"].choices = category_choices(categories)
        # With htmx, choosing a category brings its notice and questions (without: the form sent back does).
        self.fields["category"].widget.attrs.update({
            "hx-get": reverse("complaints:category_fields"), "hx-trigger": "change", "hx-target": "#category-fields",
            "hx-swap": "innerHTML", "hx-sync": "this:replace",
        })  # fmt: skip
        if citizen is not None:
            del self.fields["phone"], self.fields["code"]
            self.fields["contact_preference"].choices = ContactPreference.choices
            if citizen.email_index and getattr(citizen, "notify_by", "") == ContactPreference.EMAIL:
                self.fields["contact_preference"].initial = ContactPreference.EMAIL
        else:
            self.fields["contact_preference"].choices = [
                (ContactPreference.SMS, _("By SMS to the phone above")),
                (ContactPreference.NONE, _("No messages: I will look it up with the tracking number")),
            ]
        code = self.data.get("category") if self.is_bound else (self.initial.get("category") or "")
        self.chosen_category = intake_category(code) if code in {c.service_code for c in categories} else None
        self.questions = list(self.chosen_category.questions.all()) if self.chosen_category else []
        for question in self.questions:
            self.fields[f"answer_{question.code}"] = question_field(question)

    @property
    def is_guest(self) -> bool:
        return self.citizen is None

    def question_fields(self):
        return [self[f"answer_{question.code}"] for question in self.questions]

    def clean_category(self):
        if self.chosen_category is None:
            raise forms.ValidationError(self.fields["category"].error_messages["invalid_choice"])
        return self.chosen_category

    def clean_description(self):
        # Browsers send line breaks as CRLF but count them as one character against maxlength.
        return self.cleaned_data["description"].replace("\r\n", "\n")

    def clean_contact_preference(self):
        preference = self.cleaned_data["contact_preference"]
        if preference == ContactPreference.EMAIL and self.citizen is not None and not self.citizen.email_index:
            raise forms.ValidationError(
                _("Your account has no email address: add one in My Seoul, or choose SMS.")
            )
        return preference

    def clean(self):
        if self.citizen is not None:
            return forms.Form.clean(self)
        return super().clean()

    # --- What complaint_file takes ------------------------------------------------------------

    @property
    def answers(self) -> dict:
        return {question.code: self.cleaned_data.get(f"answer_{question.code}") for question in self.questions}

    @property
    def is_public(self) -> bool:
        return self.cleaned_data.get("visibility") == PUBLIC

    def add_complaint_error(self, error: ComplaintError):
        field = ERROR_FIELDS.get(error.field, error.field)
        self.add_error(field if field in self.fields else None, error.message)


def initial_from(data) -> dict:
    """A form's data as initial values (lists for the multiple-choice fields), to show a form
    again as it was sent, without its errors (after a code was sent without JavaScript)."""
    initial = {}
    for name in data:
        if name in ("csrfmiddlewaretoken", "code"):
            continue
        values = data.getlist(name)
        initial[name] = values if len(values) > 1 else values[0]
    return initial

