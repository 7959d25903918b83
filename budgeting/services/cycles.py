"""Writes of a cycle's settings: its rules, phases and pots, as officials set them in the admin.

Once the citizen vote opens the rules that decide the outcome are frozen (Cycle.rules_frozen):
the ballot's kind and picks, the eligibility (minimum age, who may take part), the selection rule
and its weights, and the pots. The check is made again here on the row as it is in the database,
locked, so that a form loaded before the vote opened and saved after it is refused too.
"""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from audit.services import audit_record

from ..errors import BudgetingError
from ..models import PHASE_ORDER, Cycle, Phase, PhaseKind, Pot, Project

RULE_FIELDS = (
    "ballot_kind", "max_picks", "minimum_age", "accepts_residents", "accepts_workers", "accepts_students",
    "selection_rule", "weight_votes", "weight_committee", "weight_school", "weight_proposers", "min_project_votes",
)
FROZEN_MESSAGE = gettext_lazy("The citizen vote has opened: the ballot rules, pots and eligibility can no longer change.")


def _frozen_row(cycle_pk) -> Cycle:
    locked = Cycle.objects.select_for_update().get(pk=cycle_pk)
    phases = list(Phase.objects.filter(cycle_id=cycle_pk))
    locked._frozen = locked.rules_frozen(phases=phases)
    return locked


def weights_problem(cycle) -> str | None:
    total = cycle.weight_votes + cycle.weight_committee + cycle.weight_school + cycle.weight_proposers
    if total != 100:
        return _("The weights of the final score must add up to 100 %% (they add up to %(total)d %%).") % {
            "total": total
        }
    return None


def phases_problem(phases) -> str | None:
    """Why these phases (objects with kind, starts_at, ends_at) are not a cycle's order, or None:
    each ends after it starts, and none starts before the one before it in the cycle ends."""
    ordered = sorted(phases, key=lambda phase: PHASE_ORDER.index(phase.kind))
    labels = dict(PhaseKind.choices)
    for phase in ordered:
        if phase.ends_at <= phase.starts_at:
            return _("%(phase)s must end after it starts.") % {"phase": labels[phase.kind]}
    for before, after in zip(ordered, ordered[1:], strict=False):
        if after.starts_at < before.ends_at:
            return _("%(after)s cannot start before %(before)s ends.") % {
                "after": labels[after.kind], "before": labels[before.kind],
            }
    return None


def cycle_save(*, actor, cycle: Cycle, changed_fields=(), ip=None) -> Cycle:
    """Save the cycle's settings; refuses a change of its rules once they are frozen."""
    if cycle.is_simulation:
        raise BudgetingError(_("An imported cycle is a read-only simulation."), code="forbidden")
    problem = weights_problem(cycle)
    if problem:
        raise BudgetingError(problem, field="weight_votes")
    with transaction.atomic():
        if cycle.pk is not None:
            stored = _frozen_row(cycle.pk)
            changed_rules = [name for name in RULE_FIELDS if getattr(stored, name) != getattr(cycle, name)]
            if stored._frozen and changed_rules:
                raise BudgetingError(FROZEN_MESSAGE, field=changed_rules[0], code="frozen")
        created = cycle.pk is None
        cycle.save()
        audit_record(
            actor=actor, action="budgeting.cycle.create" if created else "budgeting.cycle.update", target=cycle,
            summary={"year": cycle.year, "changed": sorted(str(name) for name in changed_fields)}, ip=ip,
        )
    return cycle


def cycle_check_pots_editable(cycle: Cycle):
    """Refuse a change to the cycle's pots (added, changed or removed) once its rules are frozen."""
    if cycle.is_simulation:
        raise BudgetingError(_("An imported cycle is a read-only simulation."), code="forbidden")
    if _frozen_row(cycle.pk)._frozen:
        raise BudgetingError(FROZEN_MESSAGE, code="frozen")


def pot_save(*, actor, pot: Pot, ip=None) -> Pot:
    with transaction.atomic():
        cycle_check_pots_editable(pot.cycle)
        if pot.total and pot.project_cap and pot.project_cap > pot.total:
            raise BudgetingError(_("A project's maximum cannot exceed the pot's total."), field="project_cap")
        if pot.pk is not None:
            over = pot.projects.filter(status__in=[Project.Status.SUBMITTED, Project.Status.FEASIBLE]).filter(
                Q(adjusted_cost__gt=pot.project_cap) | Q(adjusted_cost__isnull=True, estimated_cost__gt=pot.project_cap)
            ).count()
            if over:
                raise BudgetingError(
                    ngettext(
                        "%(count)d project in this pot costs more than the new maximum: lower it no further, or "
                        "have the department adjust that project's cost first.",
                        "%(count)d projects in this pot cost more than the new maximum: lower it no further, or "
                        "have the department adjust those projects' costs first.",
                        over,
                    ) % {"count": over},
                    field="project_cap",
                )
        created = pot.pk is None
        pot.save()
        audit_record(actor=actor, action="budgeting.pot.create" if created else "budgeting.pot.update", target=pot,
                     summary={"cycle": pot.cycle_id, "total": pot.total, "project_cap": pot.project_cap}, ip=ip)
    return pot


def pot_delete(*, actor, pot: Pot, ip=None):
    with transaction.atomic():
        cycle_check_pots_editable(pot.cycle)
        if pot.projects.exists():
            raise BudgetingError(_("This pot has projects: move or withdraw them first."), code="in_use")
        audit_record(actor=actor, action="budgeting.pot.delete", target=pot, summary={"cycle": pot.cycle_id}, ip=ip)
        pot.delete()


def phases_save(*, actor, cycle: Cycle, phases, deleted=(), now=None, ip=None):
    """Save the cycle's phases (Phase objects, new or changed; `deleted` ones removed) after checking
    their order. What the vote has fixed stays fixed:
    - once the vote has opened, no phase changes its kind or goes away, and the vote's start stays;
    - while it runs, its end may move, but not into the past (ballots cast stay within it);
    - once it has ended, its dates never change again (the count is of exactly those ballots).
    """
    if cycle.is_simulation:
        raise BudgetingError(_("An imported cycle is a read-only simulation."), code="forbidden")
    now = now or timezone.now()
    with transaction.atomic():
        stored = {phase.pk: phase for phase in Phase.objects.select_for_update().filter(cycle=cycle)}
        stored_vote = next((phase for phase in stored.values() if phase.kind == PhaseKind.VOTE), None)
        opened = stored_vote is not None and stored_vote.starts_at <= now
        merged = dict(stored)
        for phase in deleted:
            if phase.pk in merged:
                if opened:
                    raise BudgetingError(_("The citizen vote has opened: its phases can no longer be removed."),
                                         code="frozen")
                del merged[phase.pk]
        fresh = []
        for phase in phases:
            before = stored.get(phase.pk)
            if opened and (before is None or before.kind != phase.kind):
                raise BudgetingError(_("The citizen vote has opened: no phase can be added or change its kind."),
                                     code="frozen")
            if phase.pk in merged:
                merged[phase.pk] = phase
            else:
                fresh.append(phase)
        everything = [*merged.values(), *fresh]
        kinds = [phase.kind for phase in everything]
        if len(kinds) != len(set(kinds)):
            raise BudgetingError(_("Each phase can appear only once in a cycle."))
        problem = phases_problem(everything)
        if problem:
            raise BudgetingError(problem)
        new_vote = next((phase for phase in everything if phase.kind == PhaseKind.VOTE), None)
        if stored_vote is not None and opened:
            if new_vote.starts_at != stored_vote.starts_at:
                raise BudgetingError(_("The citizen vote has opened: its start can no longer move."), code="frozen")
            if stored_vote.ends_at <= now and new_vote.ends_at != stored_vote.ends_at:
                raise BudgetingError(_("The citizen vote has ended: its dates can no longer change."), code="frozen")
            if new_vote.ends_at != stored_vote.ends_at and new_vote.ends_at < now:
                raise BudgetingError(_("The citizen vote cannot be made to end in the past."), code="frozen")
        for phase in deleted:
            if phase.pk in stored:
                phase.delete()
        for phase in phases:
            phase.cycle = cycle
            phase.save()
        audit_record(actor=actor, action="budgeting.cycle.phases", target=cycle,
                     summary={"phases": sorted(phase.kind for phase in phases),
                              "removed": sorted(phase.kind for phase in deleted)}, ip=ip)
