"""The citizens' forms of projects: proposing (and editing a draft), withdrawing, and the public
list's filters.

The project form gives every problem it can see at once: its fields here, then the checks the
services make (budgeting/services/projects.py: the pot's cap, the district, the picture's text
alternative) on the cleaned values, so that what project_create or project_update would refuse
shows next to its field. The service checks everything again when it writes.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from citizens.models import District
from governance.budget_sources import budget_candidates

from ..errors import BudgetingError
from ..models import Project
from ..money import won
from ..selectors.projects import PUBLIC_STATUSES
from ..services.projects import (
    BENEFICIARIES_MAX_LENGTH,
    DESCRIPTION_MAX_LENGTH,
    IMAGE_ALT_MAX_LENGTH,
    LOCATION_MAX_LENGTH,
    SUMMARY_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    cost_problem,
    prepare_project_image,
)

IMAGE_ACCEPT = "image/jpeg,image/png,image/webp"
SEARCH_MAX_LENGTH = 100
REASON_MAX_LENGTH = 1_000


class WonField(forms.IntegerField):
    """An amount in won as people type it: "300000000", "300,000,000" or "300,000,000원"."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace(",", "").replace(" ", "").replace("원", "").replace("KRW", "").strip()
        return super().to_python(value)


class PotField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return _("%(pot)s (at most %(cap)s a project)") % {"pot": obj.name, "cap": won(obj.project_cap)}


class NamedChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class ProjectForm(forms.Form):
    pot = PotField(
        label=_("Pot"),
        queryset=None,
        empty_label=_("Choose a pot"),
        help_text=_("City-wide, or the pot of the district the project serves. Each pot has a maximum per project."),
        error_messages={"required": _("Choose a pot."), "invalid_choice": _("Choose one of this cycle's pots.")},
    )
    sector = NamedChoiceField(
        label=_("Sector"),
        queryset=None,
        empty_label=_("Choose a sector"),
        help_text=_("The committee's subcommittee for this sector deliberates the project."),
        error_messages={"required": _("Choose the project's sector."),
                        "invalid_choice": _("Choose one of this cycle's sectors.")},
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=TITLE_MAX_LENGTH,
        widget=forms.TextInput(attrs={"maxlength": TITLE_MAX_LENGTH, "autocomplete": "off"}),
        error_messages={"required": _("Write the project's title."),
                        "max_length": _("Write at most %(limit_value)d characters.")},
    )
    summary = forms.CharField(
        label=_("Summary (optional)"),
        required=False,
        max_length=SUMMARY_MAX_LENGTH,
        help_text=_("One or two sentences shown in the list of projects."),
        widget=forms.TextInput(attrs={"maxlength": SUMMARY_MAX_LENGTH}),
        error_messages={"max_length": _("Write at most %(limit_value)d characters.")},
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=DESCRIPTION_MAX_LENGTH,
        help_text=_("What the project would do, why it is needed and how. Plain text, at most 5,000 characters."),
        widget=forms.Textarea(attrs={"rows": 8, "maxlength": DESCRIPTION_MAX_LENGTH}),
        error_messages={"required": _("Describe the project."),
                        "max_length": _("Write at most %(limit_value)d characters.")},
    )
    location = forms.CharField(
        label=_("Location (optional)"),
        required=False,
        max_length=LOCATION_MAX_LENGTH,
        help_text=_("A place, a street or a facility. A city-wide project names a place or a district."),
        widget=forms.TextInput(attrs={"maxlength": LOCATION_MAX_LENGTH}),
        error_messages={"max_length": _("Write at most %(limit_value)d characters.")},
    )
    district = NamedChoiceField(
        label=_("District (optional)"),
        queryset=District.objects.none(),
        required=False,
        empty_label=_("No particular district"),
        help_text=_("A district pot's project lies in that district."),
        error_messages={"invalid_choice": _("Choose one of Seoul's 25 districts.")},
    )
    estimated_cost = WonField(
        label=_("Estimated cost (won)"),
        min_value=1,
        help_text=_("Your estimate in won; the department checks it."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={"required": _("Give the estimated cost in won."),
                        "invalid": _("Give the cost in won, as a whole number."),
                        "min_value": _("The cost must be more than 0 won.")},
    )
    beneficiaries = forms.CharField(
        label=_("Expected beneficiaries (optional)"),
        required=False,
        max_length=BENEFICIARIES_MAX_LENGTH,
        help_text=_("Who would benefit, and about how many people."),
        widget=forms.TextInput(attrs={"maxlength": BENEFICIARIES_MAX_LENGTH}),
        error_messages={"max_length": _("Write at most %(limit_value)d characters.")},
    )
    image = forms.FileField(
        label=_("Picture (optional)"),
        required=False,
        help_text=_("JPEG, PNG or WebP, at most 5 MB; location and camera data are removed."),
        widget=forms.FileInput(attrs={"accept": IMAGE_ACCEPT}),
    )
    remove_image = forms.BooleanField(label=_("Remove the current picture"), required=False)
    image_alt = forms.CharField(
        label=_("What the picture shows"),
        required=False,
        max_length=IMAGE_ALT_MAX_LENGTH,
        help_text=_("A sentence for people who cannot see it. Required with a picture."),
        widget=forms.TextInput(attrs={"maxlength": IMAGE_ALT_MAX_LENGTH}),
        error_messages={"max_length": _("Write at most %(limit_value)d characters.")},
    )
    source_ref = forms.ChoiceField(
        label=_("Grew out of a debate (optional)"),
        required=False,
        help_text=_("A Democratic Seoul debate with enough participants can become a budget project."),
        error_messages={"invalid_choice": _("Choose one of the debates listed.")},
    )

    def __init__(self, data=None, files=None, *, cycle, project=None):
        initial = None
        if project is not None:
            initial = {name: getattr(project, name) for name in (
                "title", "summary", "description", "location", "estimated_cost", "beneficiaries", "image_alt",
                "source_ref",
            )}
            initial.update(pot=project.pot_id, sector=project.sector_id, district=project.district_id)
        super().__init__(data, files, initial=initial)
        self.cycle, self.project = cycle, project
        self.fields["pot"].queryset = cycle.pots.select_related("district").order_by("district_id")
        sectors = cycle.sectors.order_by("name_ko")
        self.fields["sector"].queryset = sectors
        self.fields["sector"].required = any(True for _sector in cycle.sectors.all())
        # The district shapes are heavy and not shown here.
        self.fields["district"].queryset = District.objects.defer("boundary").order_by("name_ko")
        choices = [("", _("No: a new idea"))] + [
            (candidate.ref, _("%(title)s (%(participants)s participants)") % {
                "title": candidate.title, "participants": f"{candidate.participants:,}"
            })
            for candidate in budget_candidates()
        ]
        if project is not None and project.source_ref and project.source_ref not in dict(choices):
            choices.append((project.source_ref, project.source_ref))
        self.fields["source_ref"].choices = choices
        if project is None or not project.image:
            del self.fields["remove_image"]

    def clean_image(self):
        upload = self.cleaned_data.get("image")
        if not upload:
            return None
        try:
            return prepare_project_image(upload)
        except BudgetingError as error:
            raise ValidationError(error.message) from None

    def clean(self):
        cleaned = super().clean()
        pot, cost = cleaned.get("pot"), cleaned.get("estimated_cost")
        if pot is not None and cost is not None:
            problem = cost_problem(pot, cost)
            if problem:
                self.add_error("estimated_cost", problem)
        if pot is not None and pot.district_id is None and not cleaned.get("district") and not cleaned.get("location") \
                and "location" not in self.errors:
            self.add_error("location", _("Say where the project would be: a place, a district, or both."))
        if "image" not in self.errors:
            keeps_image = bool(self.project and self.project.image) and not cleaned.get("remove_image")
            has_image = bool(cleaned.get("image")) or keeps_image
            if has_image and not (cleaned.get("image_alt") or "").strip():
                self.add_error("image_alt", _("Describe the image in a few words, for people who cannot see it."))
        return cleaned

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        arguments = {
            name: data.get(name) for name in (
                "pot", "sector", "title", "summary", "description", "location", "district", "estimated_cost",
                "beneficiaries", "source_ref",
            )
        }
        arguments["image"] = data.get("image")
        arguments["image_alt"] = data.get("image_alt", "")
        if self.project is not None:
            arguments["remove_image"] = bool(data.get("remove_image"))
        return arguments

    def add_refusal(self, error: BudgetingError):
        self.add_error(error.field if error.field in self.fields else None, error.message)


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why you withdraw it (optional)"),
        required=False,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": REASON_MAX_LENGTH}),
        error_messages={"max_length": _("Write at most %(limit_value)d characters.")},
    )


class ProjectFilterForm(forms.Form):
    """The list's filters (GET). A value that is not understood is left out, and said so."""

    q = forms.CharField(label=_("Search"), required=False, max_length=SEARCH_MAX_LENGTH,
                        widget=forms.TextInput(attrs={"type": "search", "maxlength": SEARCH_MAX_LENGTH}))
    pot = NamedChoiceField(label=_("Pot"), queryset=None, required=False, empty_label=_("Every pot"))
    sector = NamedChoiceField(label=_("Sector"), queryset=None, required=False, empty_label=_("Every sector"))
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, data=None, *, cycle):
        super().__init__(data)
        self.fields["pot"].queryset = cycle.pots.select_related("district").order_by("district_id")
        self.fields["sector"].queryset = cycle.sectors.order_by("name_ko")
        labels = dict(Project.Status.choices)
        self.fields["status"].choices = [("", _("Every status"))] + [(value, labels[value]) for value in PUBLIC_STATUSES]

    def filters(self) -> tuple[dict, list[str]]:
        """({pot, sector, status, text}, problems): what was understood, and what was not."""
        self.is_valid()
        problems, filters = [], {}
        names = {"q": "text", "pot": "pot", "sector": "sector", "status": "status"}
        for name, key in names.items():
            if name in self.errors:
                problems.append(_("%(field)s: %(error)s") % {"field": self.fields[name].label,
                                                             "error": self.errors[name][0]})
                continue
            filters[key] = self.cleaned_data.get(name) or None
        filters["text"] = filters.get("text") or ""
        return filters, problems
