"""The small forms behind the buttons on a complaint's page (complaints/admin/moves.py). They only
parse: the services check everything again and their refusals come back onto the form."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from governance.models import OrgAssignment, OrgUnit

from ..models import Category, Complaint
from ..models.complaints import TITLE_MAX_LENGTH
from ..services.handling import ANSWER_MAX_LENGTH, REASON_MAX_LENGTH


def _text(label, *, help_text="", required=True, max_length=REASON_MAX_LENGTH, rows=4):
    return forms.CharField(label=label, help_text=help_text, required=required, max_length=max_length,
                           widget=forms.Textarea(attrs={"rows": rows, "cols": 80}))  # fmt: skip


def active_units():
    return OrgUnit.objects.filter(is_active=True).order_by("order", "code")


def active_categories():
    return Category.objects.filter(is_active=True).order_by("order", "service_code")


def serving_officials(unit_ids=None):
    """Officials serving today (in `unit_ids`, when given)."""
    serving = OrgAssignment.objects.filter(ended_on__isnull=True)
    if unit_ids is not None:
        serving = serving.filter(unit_id__in=sorted(unit_ids))
    return (
        get_user_model()
        .objects.filter(is_staff=True, is_active=True, pk__in=serving.values("official_id"))
        .order_by("name", "pk")
    )


def unit_and_below(unit_id) -> set[int]:
    """The unit's id and those of every unit below it (one query: the tree is small)."""
    children = {}
    for pk, parent_id in OrgUnit.objects.values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    found, stack = set(), [unit_id]
    while stack:
        pk = stack.pop()
        if pk not in found:
            found.add(pk)
            stack.extend(children.get(pk, []))
    return found


class ConfirmForm(forms.Form):
    """A move that needs no more than the button (start, accept the transfer, close)."""


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(
        label=_("official in charge"), queryset=serving_officials(), required=False,
        help_text=_("Optional: the official of the unit who handles the complaint."),
    )  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        unit_id = (self.initial or {}).get("unit_id")
        if unit_id is not None:
            # The page offers the unit's own officials; a posted choice is checked by the move.
            self.fields["assignee"].queryset = serving_officials(unit_and_below(unit_id))


class TransferForm(forms.Form):
    to_unit = forms.ModelChoiceField(label=_("to the unit"), queryset=active_units())
    reason = _text(_("reason"), help_text=_("Why the complaint belongs to that unit. The citizen is told the new unit."))


class DisputeForm(forms.Form):
    reason = _text(_("why it is not your unit's"),
                   help_text=_("The transfer goes to the coordination queue, where a coordinator decides."))  # fmt: skip


class CoordinateForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("the unit that handles it"), queryset=active_units())
    note = _text(_("note for the record"), required=False, help_text=_("For the officials only."))


class AnswerForm(forms.Form):
    answer = _text(_("answer"), max_length=ANSWER_MAX_LENGTH, rows=10,
                   help_text=_("Sent to the citizen and to the complaint's followers, with a link to rate it."))  # fmt: skip


class RejectForm(forms.Form):
    reason = _text(_("reason for rejection"), help_text=_("Sent to the citizen."))
    remedy = _text(_("remedy"), help_text=_("How the citizen may object: required by law."))


class DuplicateForm(forms.Form):
    original = forms.CharField(label=_("tracking number of the original"), max_length=16,
                               help_text=_("For example 2026-0001234."))  # fmt: skip

    def clean_original(self):
        number = self.cleaned_data["original"].strip()
        original = Complaint.objects.filter(tracking_number=number).first()
        if original is None:
            raise forms.ValidationError(_("No complaint has this tracking number."))
        return original


class LocationFields(forms.Form):
    address = forms.CharField(label=_("address"), max_length=200, required=False)
    latitude = forms.DecimalField(label=_("latitude"), required=False, max_digits=9, decimal_places=6)
    longitude = forms.DecimalField(label=_("longitude"), required=False, max_digits=9, decimal_places=6)


class TriageForm(LocationFields):
    category = forms.ModelChoiceField(label=_("category"), queryset=active_categories(),
                                      help_text=_("Gives the complaint its type, deadline and unit."))  # fmt: skip
    title = forms.CharField(label=_("title"), max_length=TITLE_MAX_LENGTH, required=False)
    is_public = forms.BooleanField(label=_("public"), required=False,
                                   help_text=_("Shown on the public map and list, without personal data."))  # fmt: skip

    field_order = ["category", "title", "address", "latitude", "longitude", "is_public"]
