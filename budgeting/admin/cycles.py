"""The cycle in the back office: its rules, phases, pots and sectors, and the buttons that move it
(count the votes, publish the results, ...).

Officials see the cycles of the units they serve in (and those below); a superuser sees all. The
settings are edited here, through the services (budgeting/services/cycles.py), which refuse what
the vote has frozen: once it opens the rule fields are read-only, pots can be neither added, changed
nor removed, and a save that raced the opening is refused on the row as stored. Imported cycles
(pabulib simulations) are read-only.
"""

import rules
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminSplitDateTime
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.http import HttpResponseRedirect
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from governance.admin.org import UnitScopedAdminMixin
from seoul_portal.admin_moves import Move, MovesMixin

from ..errors import BudgetingError
from ..models import Cycle, Phase, Pot, Sector
from ..rules import runs_cycle
from ..services.cycles import (
    RULE_FIELDS,
    cycle_save,
    phases_problem,
    phases_save,
    pot_delete,
    pot_save,
    weights_problem,
)
from ..services.tally import results_publish
from ..tasks import count_cycle
from .implementation import implementation_buttons
from .projects import request_may_open


class CycleForm(forms.ModelForm):
    class Meta:
        model = Cycle
        fields = [
            "year", "title_ko", "title_en", "description_ko", "description_en", "org_unit", "committee",
            "ballot_kind", "max_picks", "minimum_age", "accepts_residents", "accepts_workers", "accepts_students",
            "selection_rule", "weight_votes", "weight_committee", "weight_school", "weight_proposers",
            "min_project_votes",
        ]

    # Set by CycleAdmin.get_form: only a superuser may leave a cycle without its responsible unit.
    unit_required = True

    def clean_year(self):
        year = self.cleaned_data["year"]
        others = Cycle.objects.filter(year=year, is_simulation=False).exclude(pk=self.instance.pk)
        if others.exists():
            raise ValidationError(_("There is already a cycle for %(year)s.") % {"year": year})
        return year

    def clean_org_unit(self):
        unit = self.cleaned_data.get("org_unit")
        if unit is None and self.unit_required:
            raise ValidationError(_("Name the unit responsible for the cycle: its officials run it."))
        return unit

    def clean(self):
        cleaned = super().clean()
        if all(cleaned.get(name) is not None for name in
               ("weight_votes", "weight_committee", "weight_school", "weight_proposers")):
            problem = weights_problem(Cycle(**{name: cleaned[name] for name in
                                               ("weight_votes", "weight_committee", "weight_school",
                                                "weight_proposers")}))
            if problem:
                self.add_error("weight_votes", problem)
        return cleaned


class PhaseFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        phases = [
            # Once the vote has opened the kind is read-only, so not in the form: the row's own.
            Phase(kind=form.cleaned_data.get("kind") or form.instance.kind, starts_at=form.cleaned_data["starts_at"],
                  ends_at=form.cleaned_data["ends_at"])
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        problem = phases_problem(phases)
        if problem:
            raise ValidationError(problem)


class CachedChoicesInline(admin.TabularInline):
    """An inline whose select boxes query their choices once per page, not once per row."""

    related = ()

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(*self.related)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        cache = request.__dict__.setdefault("_budgeting_inline_choices", {})
        key = (self.model.__name__, db_field.name)
        if key not in cache:
            cache[key] = list(field.choices)
        field.choices = cache[key]
        return field


class LabelledSplitDateTime(AdminSplitDateTime):
    """Django's date and time boxes, each named for screen readers: in a table row the column's
    heading is not their label (axe: label, critical)."""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        for subwidget, label in zip(context["widget"]["subwidgets"], (pgettext("split date and time", "Date"), pgettext("split date and time", "Time")), strict=False):
            subwidget["attrs"]["aria-label"] = label
        return context


class PhaseInline(CachedChoicesInline):
    """The phases: while the vote has not opened, edited freely (in order); once it has, their kinds
    are fixed and none is added or removed (budgeting.services.cycles.phases_save checks the dates)."""

    model = Phase
    formset = PhaseFormSet
    extra = 0
    fields = ["kind", "starts_at", "ends_at"]
    formfield_overrides = {models.DateTimeField: {"widget": LabelledSplitDateTime}}

    def get_readonly_fields(self, request, obj=None):
        return ["kind"] if obj is not None and obj.rules_frozen() else []

    def has_add_permission(self, request, obj=None):
        return _may_edit_settings(request, obj) and not (obj is not None and obj.rules_frozen())

    def has_change_permission(self, request, obj=None):
        return _may_edit_settings(request, obj)

    def has_delete_permission(self, request, obj=None):
        return _may_edit_settings(request, obj) and not (obj is not None and obj.rules_frozen())


def _may_edit_settings(request, cycle) -> bool:
    """The cycle's officials (or a superuser) edit a real cycle's settings; a new cycle, anyone who
    may open the back office."""
    if cycle is None:
        return request_may_open(request)
    return not cycle.is_simulation and runs_cycle.test(request.user, cycle)


class FrozenWithCycleInline(CachedChoicesInline):
    """Editable by the cycle's officials until its vote opens; read-only after (and always for a
    simulation)."""

    extra = 0

    def _editable(self, request, obj):
        return _may_edit_settings(request, obj) and not (obj is not None and obj.rules_frozen())

    def has_add_permission(self, request, obj=None):
        return self._editable(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(request, obj)

    def has_view_permission(self, request, obj=None):
        return obj is None or runs_cycle.test(request.user, obj)


class PotFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        seen = set()
        for form in self.forms:
            if not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            district = form.cleaned_data.get("district")
            if district in seen:
                raise ValidationError(
                    _("A cycle has one city-wide pot and at most one pot per district.") if district is None
                    else _("%(district)s has two pots: a district has at most one.") % {"district": district.name}
                )
            seen.add(district)


class PotInline(FrozenWithCycleInline):
    model = Pot
    formset = PotFormSet
    fields = ["district", "name_ko", "name_en", "total", "project_cap"]
    related = ("district",)


class SectorInline(FrozenWithCycleInline):
    model = Sector
    fields = ["slug", "name_ko", "name_en", "subcommittee"]
    prepopulated_fields = {"slug": ["name_en"]}
    related = ("subcommittee",)


class ConfirmForm(forms.Form):
    """A move without input: the button on the form is the confirmation."""


def _count(actor, cycle):
    """Checked now (the permission, the vote being over, nothing published), counted after the
    commit by a task: at Seoul's scale a count takes longer than a web request may."""
    if cycle.results_published_at is not None:
        raise BudgetingError(gettext("The results are already published: they can no longer be counted again."))
    if not rules.has_perm("budgeting.count_votes", actor, cycle):
        raise BudgetingError(gettext("The vote is not over: it can be counted once it has ended."))
    cycle_pk, actor_pk = cycle.pk, actor.pk
    transaction.on_commit(lambda: count_cycle.delay(cycle_pk, actor_pk))


def _publish(actor, cycle):
    results_publish(actor=actor, cycle=cycle)


CYCLE_MOVES = {
    move.name: move
    for move in [
        Move(
            name="count",
            perm="budgeting.count_votes",
            applies=lambda cycle: not cycle.is_simulation and cycle.results_published_at is None,
            form_class=ConfirmForm,
            run=_count,
            label=_("Count the votes"),
            intro=_(
                "The ballots are counted pot by pot under the cycle's selection rule, and the rules are compared "
                "on the same ballots. The result stays unpublished, and can be counted again, until you publish it."
            ),
            submit=_("Count"),
            done=_('The count of "%(title)s" has started: its results appear here when it is done, from a few '
                   'seconds to a few minutes. Check them, then publish them.'),
            wrong_state=_("The results are already published: they can no longer be counted again."),
        ),
        Move(
            name="publish",
            perm="budgeting.count_votes",
            applies=lambda cycle: not cycle.is_simulation and cycle.results_published_at is None,
            form_class=ConfirmForm,
            run=_publish,
            label=_("Publish the results"),
            intro=_(
                "The results become public on the results page and every proposer is told whether their project "
                "was funded. Published results cannot be counted again."
            ),
            submit=_("Publish"),
            done=_('The results of "%(title)s" are published.'),
            wrong_state=_("The results are already published."),
        ),
    ]
}


@admin.register(Cycle)
class CycleAdmin(UnitScopedAdminMixin, MovesMixin, admin.ModelAdmin):
    unit_path = "org_unit"
    form = CycleForm
    move_errors = (BudgetingError,)
    moves = CYCLE_MOVES
    list_display = ["title_ko", "year", "ballot_kind", "selection_rule", "is_simulation", "results_published_at"]
    list_filter = ["is_simulation", "year"]
    search_fields = ["title_ko", "title_en"]
    inlines = [PhaseInline, PotInline, SectorInline]
    fieldsets = [
        (None, {"fields": ["year", "title_ko", "title_en", "description_ko", "description_en", "org_unit",
                           "committee"]}),
        ("ballot", {"fields": ["ballot_kind", "max_picks"]}),
        ("eligibility", {"fields": ["minimum_age", "accepts_residents", "accepts_workers", "accepts_students"]}),
        ("selection", {"fields": ["selection_rule", "weight_votes", "weight_committee", "weight_school",
                                  "weight_proposers", "min_project_votes"]}),
        ("record", {"fields": ["is_simulation", "source_name", "last_counted_at", "results_published_at", "assembly_confirmed_at",
                               "assembly_note", "council_decision", "council_decided_at", "council_note"]}),
    ]

    @admin.display(description=_("last counted at"))
    def last_counted_at(self, cycle):
        counted = cycle.results.order_by("-computed_at").values_list("computed_at", flat=True).first()
        return counted or "-"

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.unit_required = not request.user.is_superuser
        return form

    def get_fieldsets(self, request, obj=None):
        titles = {"ballot": _("Ballot"), "eligibility": _("Eligibility"), "selection": _("Final score and selection"),
                  "record": _("Record")}
        return [(titles.get(name, name), options) for name, options in self.fieldsets]

    def get_readonly_fields(self, request, obj=None):
        record = ["is_simulation", "source_name", "last_counted_at", "results_published_at", "assembly_confirmed_at", "assembly_note",
                  "council_decision", "council_decided_at", "council_note"]
        if obj is not None and obj.is_simulation:
            return [*(field.name for field in Cycle._meta.fields if field.name != "id"), "last_counted_at"]
        if obj is not None and obj.rules_frozen():
            return [*RULE_FIELDS, *record]
        return record

    # Who opens the cycles: officials serving in some unit (and superusers); a cycle is theirs to see
    # and run when its responsible unit is one they serve in or above (budgeting.rules.runs_cycle).
    def has_module_permission(self, request):
        return request_may_open(request)

    def has_view_permission(self, request, obj=None):
        if obj is None:
            return request_may_open(request)
        return runs_cycle.test(request.user, obj)

    def has_add_permission(self, request):
        return request_may_open(request)

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return request_may_open(request)
        return not obj.is_simulation and runs_cycle.test(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        # A cycle with projects or ballots is a public record; an empty one (or a simulation) can go.
        if obj is None:
            return bool(request.user.is_superuser)
        return bool(request.user.is_superuser) and not obj.participations.exists() and (
            obj.is_simulation or not obj.projects.exists())

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # The services re-check on the stored rows; a refusal there (a save that raced the vote's
        # opening) rolls the whole form back and says why, instead of a server error.
        try:
            with transaction.atomic():
                return super().changeform_view(request, object_id, form_url, extra_context)
        except BudgetingError as error:
            self.message_user(request, error.message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def may_make(self, request, move, obj):
        # The rules themselves, not user.has_perm: Django lets a superuser through any permission,
        # and these also depend on the phase, which binds superusers too.
        return rules.has_perm(move.perm, request.user, obj)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["move_buttons"] = [*self.move_buttons(request, obj), *implementation_buttons(request, obj)]
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_model(self, request, obj, form, change):
        cycle_save(actor=request.user, cycle=obj, changed_fields=form.changed_data)

    def save_formset(self, request, form, formset, change):
        if formset.model is Pot:
            changed = formset.save(commit=False)
            for pot in formset.deleted_objects:
                pot_delete(actor=request.user, pot=pot)
            for pot in changed:
                pot_save(actor=request.user, pot=pot)
        elif formset.model is Phase:
            phases = formset.save(commit=False)
            if phases or formset.deleted_objects:
                phases_save(actor=request.user, cycle=form.instance, phases=phases, deleted=formset.deleted_objects)
        else:
            formset.save()
