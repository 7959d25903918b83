"""Forms of the proposals' own pages: the list's filter and the proposal (new and edit).

They check the input and give every problem at once; the services check it again and the
proposal's state (an edit of a published proposal, a stale form)."""

import json

from django import forms
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from citizens.models import District

from ..errors import ProposalError
from ..models import BODY_MAX_LENGTH, TITLE_MAX_LENGTH, Category, Proposal
from ..selectors.proposals import CITY_WIDE
from ..selectors.search import SEARCH_MAX_LENGTH
from ..services.images import IMAGE_ALT_MAX_LENGTH, clean_image_alt, prepare_image
from ..text import clean_text


def category_name(category) -> str:
    return category.name_en if (get_language() or "ko").startswith("en") else category.name_ko


SORT_CHOICES = [
    ("", _("Best match, or newest")),
    ("relevance", _("Best match")),
    ("newest", _("Newest")),
    ("supported", _("Most supported")),
    ("closing", _("Closing soon")),
]


class ProposalFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=SEARCH_MAX_LENGTH,
        help_text=_("Words from the title or the text, e.g. 버스 or 공원 산책로."),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    status = forms.ChoiceField(label=_("Stage"), required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)
    district = forms.ChoiceField(label=_("District"), required=False)
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=SORT_CHOICES)

    def __init__(self, *args, categories, districts, **kwargs):
        super().__init__(*args, **kwargs)
        # Choices from the lists the page already has: validating and rendering cost no query.
        self.fields["status"].choices = [("", _("All stages"))] + [
            (value, label) for value, label in Proposal.Status.choices if value != Proposal.Status.DRAFT
        ]
        self.fields["category"].choices = [("", _("All categories"))] + [
            (category.slug, category_name(category)) for category in categories
        ]
        self.fields["district"].choices = [("", _("All of Seoul")), (CITY_WIDE, _("City-wide proposals only"))] + [
            (district.code, district.name) for district in districts
        ]
        # The messages leave the value out: it is whatever was typed into the address.
        messages = {
            "status": _("This is not a stage of a proposal; showing all stages."),
            "category": _("There is no such category; showing all categories."),
            "district": _("There is no such district; showing all of Seoul."),
            "sort": _("This is not a known order; showing the default order."),
        }
        for name, message in messages.items():
            self.fields[name].error_messages["invalid_choice"] = message
        self.fields["q"].error_messages["max_length"] = _(
            "Search with at most %(limit_value)d characters; showing proposals without this search."
        )

    def valid_filters(self) -> dict:
        """The filters that are valid; an invalid one is dropped (its error says so)."""
        if not self.is_bound:
            return dict.fromkeys(self.fields)
        self.is_valid()
        return {name: None if name in self.errors else self.cleaned_data.get(name) or None for name in self.fields}


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return category_name(obj)


def _text_field_error(error: ProposalError):
    return forms.ValidationError(error.message)


class ProposalForm(forms.Form):
    """A proposal: new, or a draft being edited (then with its version, to refuse a stale form)."""

    title = forms.CharField(
        label=_("Title"),
        strip=False,
        help_text=_("In one sentence, what should the city do? At most 150 characters."),
        widget=forms.TextInput(attrs={"maxlength": TITLE_MAX_LENGTH, "autocomplete": "off"}),
        error_messages={"required": _("Write the title.")},
    )
    body = forms.CharField(
        label=_("Proposal"),
        strip=False,
        help_text=_(
            "What is the problem, and what do you propose? Plain text: line breaks and links are kept, "
            "HTML is not accepted. At most 10,000 characters."
        ),
        widget=forms.Textarea(attrs={"rows": 12, "maxlength": BODY_MAX_LENGTH}),
        error_messages={"required": _("Write the proposal.")},
    )
    category = CategoryChoiceField(
        label=_("Category"),
        queryset=Category.objects.order_by("slug"),
        empty_label=_("Choose a category"),
        error_messages={
            "required": _("Choose a category."),
            "invalid_choice": _("Choose one of the categories in the list."),
        },
    )
    district = forms.ModelChoiceField(
        label=_("Where"),
        queryset=District.objects.order_by("name_ko"),
        required=False,
        empty_label=_("Seoul as a whole (city-wide)"),
        help_text=_("Choose a district if the proposal concerns one district only."),
        error_messages={"invalid_choice": _("Choose one of Seoul's districts in the list, or city-wide.")},
    )
    image = forms.FileField(
        label=_("Image (optional)"),
        required=False,
        help_text=_("A JPEG, PNG or WebP picture of at most 5 MB. Location and camera data are removed."),
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    remove_image = forms.BooleanField(label=_("Remove the current image"), required=False)
    image_alt = forms.CharField(
        label=_("Image description"),
        required=False,
        strip=False,
        help_text=_("What the picture shows, in a sentence, for people who cannot see it. Required with an image."),
        widget=forms.TextInput(attrs={"maxlength": IMAGE_ALT_MAX_LENGTH}),
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, proposal=None, **kwargs):
        if proposal is not None:
            kwargs.setdefault(
                "initial",
                {
                    "title": proposal.title,
                    "body": proposal.body,
                    "category": proposal.category_id,
                    "district": proposal.district_id,
                    "image_alt": proposal.image_alt,
                    "version": proposal.version,
                },
            )
        super().__init__(*args, **kwargs)
        self.proposal = proposal
        if proposal is None or not proposal.image:
            del self.fields["remove_image"]
        # An edit must say which version it was opened on; without it the draft could be overwritten.
        self.fields["version"].required = proposal is not None
        damaged = _("The form was damaged: reload the page and edit again.")
        for code in ("required", "invalid", "min_value"):
            self.fields["version"].error_messages[code] = damaged
        # While the title is typed, htmx asks for published proposals with a similar title.
        hint = {
            "hx-get": reverse("proposals:similar"),
            "hx-trigger": "keyup changed delay:400ms",
            "hx-target": "#proposal-similar",
            "hx-swap": "innerHTML",
            "hx-sync": "this:replace",
        }
        if proposal is not None:
            hint["hx-vals"] = json.dumps({"exclude": proposal.pk})
        self.fields["title"].widget.attrs.update(hint)
        # The category list is a query: evaluate it once, for validation and rendering alike.
        self.fields["category"].queryset = self.fields["category"].queryset.all()

    def _clean_text(self, name, label, max_length, required=True):
        try:
            return clean_text(
                self.cleaned_data.get(name), field_name=name, label=label, max_length=max_length, required=required
            )
        except ProposalError as error:
            raise _text_field_error(error) from None

    def clean_title(self):
        return self._clean_text("title", _("title"), TITLE_MAX_LENGTH)

    def clean_body(self):
        return self._clean_text("body", _("proposal"), BODY_MAX_LENGTH)

    def clean_image(self):
        upload = self.cleaned_data.get("image")
        if not upload:
            return None
        try:
            return prepare_image(upload)
        except ProposalError as error:
            raise _text_field_error(error) from None

    def clean(self):
        cleaned = super().clean()
        if "image" in self.errors:
            return cleaned
        keeps_image = bool(self.proposal and self.proposal.image) and not cleaned.get("remove_image")
        has_image = bool(cleaned.get("image")) or keeps_image
        try:
            cleaned["image_alt"] = clean_image_alt(cleaned.get("image_alt"), has_image=has_image)
        except ProposalError as error:
            self.add_error("image_alt", error.message)
        return cleaned

    def service_arguments(self) -> dict:
        """The cleaned data as the draft services take it."""
        data = self.cleaned_data
        arguments = {
            "title": data["title"],
            "body": data["body"],
            "category": data["category"],
            "district": data.get("district"),
            "image": data.get("image"),
            "image_alt": data.get("image_alt", ""),
        }
        if self.proposal is not None:
            arguments["version"] = data["version"]
            arguments["remove_image"] = bool(data.get("remove_image"))
        return arguments
