"""The back office of a cycle after its vote: the general assembly's confirmation (per funded
project: confirm, confirm at another cost with a reason, or drop with a reason) and the council's
decision. Both are pages of the cycle, each a form whose POST calls the service
(budgeting/services/implementation.py), which checks the permission, the phase and the state again.

URLs (admin namespace), routed through ProjectAdmin.get_urls:
    admin:budgeting_cycle_assembly  <cycle id>
    admin:budgeting_cycle_council   <cycle id>
`implementation_buttons(request, cycle)` gives the cycle page's buttons for them ([{label, url}],
as MovesMixin.move_buttons does).

Who: the cycle's officials (serving in its unit or one above) and superusers; others get 404.
"""

import rules
from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .. import rules as budget_rules
from ..errors import BudgetingError
from ..forms.projects import WonField
from ..models import Cycle
from ..services.implementation import (
    NOTE_MAX_LENGTH,
    REASON_MAX_LENGTH,
    assembly_confirm,
    council_decide,
    funded_results,
)

CONFIRM, ADJUST, DROP = "confirm", "adjust", "drop"
Decision = Cycle.CouncilDecision


class AssemblyForm(forms.Form):
    """One row per funded project (decision, cost, reason), then the assembly's note."""

    note = forms.CharField(label=_("the general assembly's note"), required=False, max_length=NOTE_MAX_LENGTH,
                           widget=forms.Textarea(attrs={"rows": 3, "cols": 80}))

    def __init__(self, data=None, *, results):
        super().__init__(data)
        self.results = list(results)
        for result in self.results:
            self.fields[f"decision_{result.pk}"] = forms.ChoiceField(
                label=_("decision"), initial=CONFIRM, widget=forms.RadioSelect,
                choices=[(CONFIRM, _("Confirm as counted")), (ADJUST, _("Confirm at another cost")),
                         (DROP, _("Drop"))],
            )
            self.fields[f"cost_{result.pk}"] = WonField(
                label=_("confirmed cost (KRW)"), required=False, min_value=1,
                error_messages={"invalid": _("Give the cost in won, as a whole number."),
                                "min_value": _("The cost must be more than 0 won.")},
            )
            self.fields[f"reason_{result.pk}"] = forms.CharField(
                label=_("reason"), required=False, max_length=REASON_MAX_LENGTH,
                widget=forms.TextInput(attrs={"size": 60}),
            )

    def rows(self):
        return [
            {"result": result, "decision": self[f"decision_{result.pk}"], "cost": self[f"cost_{result.pk}"],
             "reason": self[f"reason_{result.pk}"]}
            for result in self.results
        ]

    def clean(self):
        cleaned = super().clean()
        for result in self.results:
            decision, cost = cleaned.get(f"decision_{result.pk}"), cleaned.get(f"cost_{result.pk}")
            if decision == ADJUST and cost is None and f"cost_{result.pk}" not in self.errors:
                self.add_error(f"cost_{result.pk}", _("Give the cost the assembly confirmed."))
        return cleaned

    def adjustments(self) -> dict:
        adjustments = {}
        for result in self.results:
            decision = self.cleaned_data[f"decision_{result.pk}"]
            reason = self.cleaned_data.get(f"reason_{result.pk}", "")
            cost = self.cleaned_data.get(f"cost_{result.pk}") if decision == ADJUST else None
            adjustments[result.pk] = (decision != DROP, cost, reason)
        return adjustments

    def add_refusal(self, error):
        field = (error.field or "").replace("result-", "reason_")
        self.add_error(field if field in self.fields else None, error.message)


class CouncilForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("council decision"), widget=forms.RadioSelect,
        choices=[(Decision.APPROVED, Decision.APPROVED.label), (Decision.AMENDED, Decision.AMENDED.label),
                 (Decision.REJECTED, Decision.REJECTED.label)],
    )
    note = forms.CharField(
        label=_("the council's note"), required=False, max_length=NOTE_MAX_LENGTH,
        help_text=_("Required for amendments and a rejection: what changed, or why."),
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
    )


def _cycle_for_official(request, cycle_id) -> Cycle:
    cycle = get_object_or_404(Cycle.objects.prefetch_related("phases").select_related("org_unit"), pk=cycle_id)
    if not budget_rules.runs_cycle.test(request.user, cycle):
        raise Http404(gettext("No such record among those you may see."))
    return cycle


def _context(admin_site, request, cycle, **extra):
    return {
        **admin_site.each_context(request),
        "opts": Cycle._meta,
        "original": cycle,
        "cycle": cycle,
        "cycle_url": reverse("admin:budgeting_cycle_change", args=[cycle.pk]),
        **extra,
    }


def assembly_view(admin_site, request, cycle_id):
    cycle = _cycle_for_official(request, cycle_id)
    results = funded_results(cycle)
    form = AssemblyForm(request.POST if request.method == "POST" else None, results=results)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                assembly_confirm(actor=request.user, cycle=cycle, adjustments=form.adjustments(),
                                 note=form.cleaned_data["note"])
            except BudgetingError as error:
                form.add_refusal(error)
                status = 409 if error.code == "state" else 403 if error.code == "forbidden" else 400
            else:
                messages.success(request, gettext("The general assembly's confirmation is recorded."))
                return HttpResponseRedirect(reverse("admin:budgeting_cycle_change", args=[cycle.pk]))
    context = _context(
        admin_site, request, cycle, form=form, title=gettext("General assembly"),
        allowed=rules.has_perm("budgeting.record_assembly", request.user, cycle),
        done=cycle.assembly_confirmed_at is not None,
    )
    return TemplateResponse(request, "admin/budgeting/assembly.html", context, status=status)


def council_view(admin_site, request, cycle_id):
    cycle = _cycle_for_official(request, cycle_id)
    form = CouncilForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                council_decide(actor=request.user, cycle=cycle, decision=form.cleaned_data["decision"],
                               note=form.cleaned_data["note"])
            except BudgetingError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
                status = 409 if error.code == "state" else 403 if error.code == "forbidden" else 400
            else:
                messages.success(request, gettext("The council's decision is recorded."))
                return HttpResponseRedirect(reverse("admin:budgeting_cycle_change", args=[cycle.pk]))
    context = _context(
        admin_site, request, cycle, form=form, title=gettext("Council decision"),
        allowed=rules.has_perm("budgeting.record_council", request.user, cycle),
        done=bool(cycle.council_decision),
    )
    return TemplateResponse(request, "admin/budgeting/council.html", context, status=status)


def implementation_urls(admin_site):
    return [
        path("cycles/<int:cycle_id>/assembly/", admin_site.admin_view(lambda request, cycle_id: assembly_view(
            admin_site, request, cycle_id)), name="budgeting_cycle_assembly"),
        path("cycles/<int:cycle_id>/council/", admin_site.admin_view(lambda request, cycle_id: council_view(
            admin_site, request, cycle_id)), name="budgeting_cycle_council"),
    ]


def implementation_buttons(request, cycle) -> list[dict]:
    """The cycle page's buttons to the assembly and council pages, when they can be used now."""
    buttons = []
    if (cycle.results_published_at and not cycle.assembly_confirmed_at
            and rules.has_perm("budgeting.record_assembly", request.user, cycle)):
        buttons.append({"label": gettext("Record the general assembly"),
                        "url": reverse("admin:budgeting_cycle_assembly", args=[cycle.pk])})
    if (cycle.assembly_confirmed_at and not cycle.council_decision
            and rules.has_perm("budgeting.record_council", request.user, cycle)):
        buttons.append({"label": gettext("Record the council's decision"),
                        "url": reverse("admin:budgeting_cycle_council", args=[cycle.pk])})
    return buttons
