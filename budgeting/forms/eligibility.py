"""The eligibility declaration of a cycle: on what basis the citizen takes part (only the bases
the cycle accepts), the district whose pot they vote in, the workplace or school, and that they
are not a public official. declaration_record checks it all again (its BudgetingError names the
field, shown next to it)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from citizens.models import Citizen, District

from ..errors import BudgetingError
from ..models import EligibilityDeclaration
from ..services.eligibility import PLACE_MAX_LENGTH, accepted_bases

Basis = EligibilityDeclaration.Basis

# The basis a citizen's profile suggests.
PROFILE_BASIS = {
    Citizen.ResidenceBasis.LIVES: Basis.RESIDENT,
    Citizen.ResidenceBasis.WORKS: Basis.WORKER,
    Citizen.ResidenceBasis.STUDIES: Basis.STUDENT,
}


class DistrictField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class EligibilityForm(forms.Form):
    basis = forms.ChoiceField(
        label=_("On what basis do you take part?"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose on what basis you take part."),
            "invalid_choice": _("Choose on what basis you take part."),
        },
    )
    district = DistrictField(
        label=_("District"),
        queryset=District.objects.order_by("name_ko"),
        required=False,
        empty_label=_("Choose a district"),
        help_text=_("Where you live, work or study: you vote for the city-wide projects and for this district's."),
        error_messages={"invalid_choice": _("Choose one of Seoul's 25 districts.")},
    )
    place = forms.CharField(
        label=_("Workplace or school"),
        required=False,
        max_length=PLACE_MAX_LENGTH,
        help_text=_("Only if you work or study in Seoul: the name of your workplace or school."),
        widget=forms.TextInput(attrs={"maxlength": PLACE_MAX_LENGTH, "autocomplete": "organization"}),
    )
    not_public_official = forms.BooleanField(
        label=_("I am not a public official."),
        help_text=_("The ordinance excludes public officials from the participatory budget."),
        error_messages={
            "required": _("Confirm that you are not a public official: public officials cannot take part.")
        },
    )

    def __init__(self, data=None, *, cycle, citizen, declaration=None):
        initial = {"district": citizen.district_id, "basis": PROFILE_BASIS.get(citizen.residence_basis)}
        if declaration is not None:
            initial = {
                "basis": declaration.basis, "district": declaration.district_id, "place": declaration.place,
                "not_public_official": declaration.not_public_official,
            }  # fmt: skip
        super().__init__(data, initial=initial)
        accepted = accepted_bases(cycle)
        self.fields["basis"].choices = [(value, label) for value, label in Basis.choices if value in accepted]

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "basis": data["basis"], "district": data["district"], "place": data["place"],
            "not_public_official": data["not_public_official"],
        }  # fmt: skip

    def add_refusal(self, refusal: BudgetingError):
        self.add_error(refusal.field if refusal.field in self.fields else None, refusal.message)
