"""The officials' back office for the citizen vote: who took part, and the paper ballots.

- Participations are listed read-only (the cycle, the citizen, the channel, the day, who entered
  a paper ballot): never what anyone picked. Ballots are not in the back office at all, and
  nothing here adds, changes or deletes a participation by hand.
- "Enter a paper ballot" (a button on the list): the official picks a cycle whose vote runs and
  which they run, finds the citizen by the mobile phone on their verified account (the citizen
  shows who they are on site), records the declaration from the paper form when the citizen has
  none, ticks the picks, and ballot_enter_paper checks it all as an online ballot is checked.
  Its participation row is the online ballot's: nobody votes on both channels. The receipt is
  shown once, for the citizen.
"""

import rules
from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from citizens.admin_readonly import ReadOnlyModelAdmin
from citizens.masking import citizen_label
from citizens.models import Citizen, District
from citizens.phones import normalize_mobile
from seoul_portal.pagination import CappedCountPaginator

from ..errors import BudgetingError
from ..models import BudgetParticipation, Cycle, EligibilityDeclaration, Pot, Project
from ..money import won
from ..rules import official_unit_ids
from ..services.ballots import ballot_enter_paper
from ..services.eligibility import ALREADY_VOTED, PLACE_MAX_LENGTH, accepted_bases

Basis = EligibilityDeclaration.Basis


def _request_runs_cycles(request) -> bool:
    user = request.user
    return bool(user.is_active and user.is_staff and (user.is_superuser or official_unit_ids(user)))


def paper_ballot_cycles(user) -> list[Cycle]:
    """The cycles whose paper ballots `user` may enter now (their vote runs and the user runs them).

    The rule itself, not user.has_perm: Django lets a superuser through any permission, and this
    one depends on the phase, which binds superusers too."""
    cycles = Cycle.objects.filter(is_simulation=False).prefetch_related("phases").order_by("-year")
    return [cycle for cycle in cycles if rules.has_perm("budgeting.enter_paper_ballot", user, cycle)]


class CycleChoiceForm(forms.Form):
    cycle = forms.TypedChoiceField(label=_("Cycle"), coerce=int)

    def __init__(self, data=None, *, cycles):
        super().__init__(data)
        self.fields["cycle"].choices = [(cycle.pk, cycle.title) for cycle in cycles]


class PaperBallotForm(forms.Form):
    """A paper ballot as the official types it in: the citizen by phone, their declaration (when
    they have none yet) and the picks. The service checks the picks and the eligibility."""

    phone = forms.CharField(
        label=_("Citizen's mobile phone"),
        max_length=30,
        help_text=_("The number of the citizen's verified account, e.g. 010-1234-5678. Check their identity first."),
    )
    projects = forms.TypedMultipleChoiceField(
        label=_("Picks"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    basis = forms.ChoiceField(
        label=_("Basis (if the citizen has not declared yet)"),
        required=False,
        help_text=_("As the citizen declared it on the paper form."),
    )
    district = forms.ModelChoiceField(
        label=_("District (if the citizen has not declared yet)"),
        queryset=District.objects.order_by("name_ko"),
        required=False,
    )
    place = forms.CharField(label=_("Workplace or school"), max_length=PLACE_MAX_LENGTH, required=False)
    not_public_official = forms.BooleanField(
        label=_("The citizen declared that they are not a public official"), required=False
    )

    def __init__(self, data=None, *, cycle: Cycle):
        super().__init__(data)
        self.cycle = cycle
        self.citizen = None
        accepted = accepted_bases(cycle)
        self.fields["basis"].choices = [("", "—")] + [(v, label) for v, label in Basis.choices if v in accepted]
        pots = {pot.pk: pot for pot in Pot.objects.filter(cycle=cycle).select_related("district")}
        projects = Project.objects.filter(cycle=cycle, status=Project.Status.FEASIBLE).order_by(
            "pot__district_id", "title"
        )
        self.fields["projects"].choices = [
            (project.pk, f"{pots[project.pot_id].name} · {project.title} · {won(project.cost)}")
            for project in projects.only("pk", "pot", "title", "estimated_cost", "adjusted_cost")
        ]

    def clean_phone(self):
        e164 = normalize_mobile(self.cleaned_data["phone"])
        try:
            self.citizen = Citizen.objects.get_by_phone(e164)
        except Citizen.DoesNotExist:
            raise ValidationError(
                _(
                    "No account has this phone number: the citizen must sign in once with it to have a verified identity."
                )
            ) from None
        return e164

    def declaration(self) -> dict | None:
        data = self.cleaned_data
        if not data.get("basis"):
            return None
        return {
            "basis": data["basis"],
            "district": data["district"],
            "place": data["place"],
            "not_public_official": data["not_public_official"],
        }

    def add_refusal(self, refusal: BudgetingError):
        self.add_error(refusal.field if refusal.field in self.fields else None, refusal.message)


@admin.register(BudgetParticipation)
class BudgetParticipationAdmin(ReadOnlyModelAdmin):
    list_display = ["cycle", "voter", "channel", "voted_on", "entered_by"]
    list_filter = ["channel", "cycle"]
    list_select_related = ["cycle", "citizen", "entered_by"]
    # The voter masked (citizens.masking), not the linked account's name.
    fields = ["cycle", "voter", "channel", "voted_on", "entered_by"]
    readonly_fields = fields
    # Newest cycle first, by the column: "cycle" would sort by Cycle's own ordering (its year) through a
    # join, which no index of this table serves. With the pk as the last key, the index
    # budget_participation_cycle_day gives a page without sorting a cycle's hundreds of thousands of rows.
    ordering = ["-cycle_id", "-voted_on", "-pk"]
    # A citywide vote has hundreds of thousands of participations a cycle: count at most 1,001 of
    # them for the pages, and not the whole table a second time.
    paginator = CappedCountPaginator
    show_full_result_count = False
    change_list_template = "admin/budgeting/budgetparticipation/change_list.html"
    paper_ballot_template = "admin/budgeting/paper_ballot.html"

    @admin.display(description=_("citizen"))
    def voter(self, participation):
        return citizen_label(participation.citizen)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(cycle__org_unit__in=sorted(official_unit_ids(request.user)))

    def has_module_permission(self, request):
        return _request_runs_cycles(request)

    def has_view_permission(self, request, obj=None):
        return _request_runs_cycles(request)

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_paper_ballot"
        return [
            path("paper-ballot/", self.admin_site.admin_view(self.paper_ballot_view), name=name),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra = {"may_enter_paper_ballots": bool(paper_ballot_cycles(request.user)), **(extra_context or {})}
        return super().changelist_view(request, extra_context=extra)

    def paper_ballot_view(self, request):
        """Choose the cycle (when the official runs more than one vote), then type the ballot in:
        200 with the receipt once entered; the form again with the reason otherwise (400 for the
        form, 409 when the citizen has voted, 403 when they may not vote)."""
        cycles = paper_ballot_cycles(request.user)
        if not cycles:
            raise PermissionDenied
        by_pk = {cycle.pk: cycle for cycle in cycles}
        chooser = CycleChoiceForm(request.POST or request.GET or None, cycles=cycles)
        cycle = cycles[0] if len(cycles) == 1 else None
        if chooser.is_bound and chooser.is_valid():
            cycle = by_pk[chooser.cleaned_data["cycle"]]
        context = {
            **self.admin_site.each_context(request),
            "title": _("Enter a paper ballot"),
            "opts": self.opts,
            "chooser": chooser if cycle is None else None,
            "cycle": cycle,
            "changelist_url": reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist"),
        }
        if cycle is None:
            return TemplateResponse(request, self.paper_ballot_template, context)
        form = PaperBallotForm(request.POST if request.method == "POST" else None, cycle=cycle)
        status = 200
        if request.method == "POST":
            status = 400
            if form.is_valid():
                try:
                    cast = ballot_enter_paper(
                        actor=request.user, cycle=cycle, citizen=form.citizen,
                        project_ids=form.cleaned_data["projects"], declaration=form.declaration(),
                    )  # fmt: skip
                except BudgetingError as refusal:
                    form.add_refusal(refusal)
                    if refusal.code == ALREADY_VOTED:
                        status = 409
                    elif refusal.field is None and refusal.code != "invalid":
                        status = 403
                else:
                    context.update({"receipt": cast.receipt, "entered_for": form.citizen})
                    return TemplateResponse(request, self.paper_ballot_template, context)
        context.update({"form": form, "media": self.media + form.media})
        return TemplateResponse(request, self.paper_ballot_template, context, status=status)
