"""After the vote: the general assembly's confirmation, the council's decision and the milestones
of the funded projects' implementation.

- assembly_confirm: for every funded project, confirmed as counted, confirmed at another cost or
  dropped, each change with its reason (assembly phase, results published, once);
- council_decide: approved / approved with amendments / rejected, after the assembly (council phase);
- milestone_add / milestone_update: the department (or the cycle's officials) records the steps
  of a funded, confirmed project and their progress, during the implementation phase; the
  proposer is told.

Each service is atomic, checks the permission (budgeting/rules.py) and the state, raises
BudgetingError with nothing written, and writes the audit event in the same transaction.
"""

from datetime import date

import rules
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from audit.services import audit_record

from .. import rules as budget_rules
from ..errors import BudgetingError
from ..models import Cycle, Milestone, Project, ProjectResult
from ..money import won
from ..notifications import notify_proposer

FORBIDDEN, STATE, INVALID = "forbidden", "state", "invalid"
NOTE_MAX_LENGTH = 5_000
REASON_MAX_LENGTH = 2_000
MILESTONE_TITLE_KO_MAX = Milestone._meta.get_field("title_ko").max_length
MILESTONE_TITLE_EN_MAX = Milestone._meta.get_field("title_en").max_length
Decision = Cycle.CouncilDecision


def _text(value, *, field, max_length, required_message=None) -> str:
    text = (value or "").strip()
    if required_message and not text:
        raise BudgetingError(required_message, field=field)
    if len(text) > max_length:
        raise BudgetingError(gettext("This text is too long: at most %(max)d characters.") % {"max": max_length},
                             field=field)
    return text


def _lock_cycle(cycle) -> Cycle:
    locked = Cycle.objects.select_for_update().get(pk=cycle.pk)
    # The permission predicates read the phases (Cycle.phase_at).
    return Cycle.objects.prefetch_related("phases").get(pk=locked.pk)


def funded_results(cycle):
    """The funded projects' results of the cycle, by pot and rank, with their project and pot."""
    return (
        ProjectResult.objects.filter(pot_result__cycle=cycle, funded=True)
        .select_related("project", "pot_result__pot")
        .order_by("pot_result__pot_id", "rank")
    )


# --- The general assembly ----------------------------------------------------------------------------


def _check_adjustment(result, adjustment) -> tuple[bool, int | None, str]:
    """(confirmed, confirmed_cost or None for "as counted", reason) from the assembly's
    (confirmed, cost, reason) for one funded project."""
    try:
        confirmed, cost, reason = adjustment
    except (TypeError, ValueError):
        raise BudgetingError(gettext("Give the assembly's decision on each project."), code=INVALID) from None
    field = f"result-{result.pk}"
    reason = _text(reason, field=field, max_length=REASON_MAX_LENGTH)
    if not confirmed:
        if not reason:
            raise BudgetingError(
                gettext("“%(title)s”: give the reason the assembly dropped it.") % {"title": result.project.title},
                field=field, code=INVALID,
            )
        return False, None, reason
    if cost in (None, "") or int(cost) == result.cost:
        return True, None, reason
    try:
        cost = int(cost)
    except (TypeError, ValueError):
        raise BudgetingError(gettext("Give the confirmed cost in won, as a whole number."), field=field) from None
    if cost <= 0:
        raise BudgetingError(gettext("The confirmed cost must be more than 0 won."), field=field)
    if not reason:
        raise BudgetingError(
            gettext("“%(title)s”: give the reason for the adjusted cost.") % {"title": result.project.title},
            field=field, code=INVALID,
        )
    return True, cost, reason


def assembly_confirm(*, actor, cycle, adjustments=None, note="", now=None) -> Cycle:
    """Record the general assembly's confirmation of the funded projects. `adjustments` maps a
    ProjectResult id to (confirmed, confirmed_cost or None, reason); a funded project left out is
    confirmed as counted. A dropped project or another cost needs a reason; the confirmed costs
    of a pot fit its total."""
    now = now or timezone.now()
    adjustments = dict(adjustments or {})
    note = _text(note, field="note", max_length=NOTE_MAX_LENGTH)
    with transaction.atomic():
        cycle = _lock_cycle(cycle)
        if cycle.results_published_at is None:
            raise BudgetingError(gettext("The results are not published yet."), code=STATE)
        if cycle.assembly_confirmed_at is not None:
            raise BudgetingError(gettext("The general assembly's confirmation is already recorded."), code=STATE)
        if not rules.has_perm("budgeting.record_assembly", actor, cycle):
            if budget_rules.runs_cycle.test(actor, cycle):
                raise BudgetingError(gettext("The assembly is recorded during the general assembly phase."),
                                     code=FORBIDDEN)
            raise BudgetingError(gettext("Only the cycle's officials record the general assembly."), code=FORBIDDEN)
        results = list(funded_results(cycle))
        by_id = {result.pk: result for result in results}
        strangers = [key for key in adjustments if _as_int(key) not in by_id]
        if strangers:
            raise BudgetingError(gettext("Only the funded projects of this cycle are confirmed here."), code=INVALID)
        decided = {}
        for result in results:
            adjustment = next((value for key, value in adjustments.items() if _as_int(key) == result.pk),
                              (True, None, ""))
            decided[result.pk] = _check_adjustment(result, adjustment)
        spent = {}
        for result in results:
            confirmed, cost, _reason = decided[result.pk]
            if confirmed:
                spent[result.pot_result.pot] = spent.get(result.pot_result.pot, 0) + (cost or result.cost)
        for pot, total in spent.items():
            if total > pot.total:
                raise BudgetingError(
                    gettext("The confirmed costs in “%(pot)s” add up to %(spent)s, more than its %(total)s.")
                    % {"pot": pot.name, "spent": won(total), "total": won(pot.total)},
                    code=INVALID,
                )
        for result in results:
            result.confirmed, result.confirmed_cost, result.adjustment_reason = decided[result.pk]
        ProjectResult.objects.bulk_update(results, ["confirmed", "confirmed_cost", "adjustment_reason"])
        cycle.assembly_confirmed_at, cycle.assembly_note = now, note
        cycle.save(update_fields=["assembly_confirmed_at", "assembly_note", "updated_at"])
        audit_record(
            actor=actor, action="budgeting.cycle.assembly_confirm", target=cycle,
            summary={
                "confirmed": [r.project_id for r in results if r.confirmed and r.confirmed_cost is None],
                "adjusted": [r.project_id for r in results if r.confirmed and r.confirmed_cost is not None],
                "dropped": [r.project_id for r in results if not r.confirmed],
            },
        )
    return cycle


def _as_int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# --- The council ---------------------------------------------------------------------------------


def council_decide(*, actor, cycle, decision, note="", now=None) -> Cycle:
    """Record the council's decision on the confirmed budget (amendments and rejections say why)."""
    now = now or timezone.now()
    if decision not in (Decision.APPROVED, Decision.AMENDED, Decision.REJECTED):
        raise BudgetingError(gettext("Choose the council's decision."), field="decision")
    note = _text(
        note, field="note", max_length=NOTE_MAX_LENGTH,
        required_message=gettext("Say what the council changed or why it rejected the budget.")
        if decision != Decision.APPROVED else None,
    )
    with transaction.atomic():
        cycle = _lock_cycle(cycle)
        if cycle.assembly_confirmed_at is None:
            raise BudgetingError(gettext("The general assembly has not confirmed the projects yet."), code=STATE)
        if cycle.council_decision:
            raise BudgetingError(gettext("The council's decision is already recorded."), code=STATE)
        if not rules.has_perm("budgeting.record_council", actor, cycle):
            if budget_rules.runs_cycle.test(actor, cycle):
                raise BudgetingError(gettext("The council's decision is recorded during the council phase."),
                                     code=FORBIDDEN)
            raise BudgetingError(gettext("Only the cycle's officials record the council's decision."),
                                 code=FORBIDDEN)
        cycle.council_decision, cycle.council_decided_at, cycle.council_note = decision, now, note
        cycle.save(update_fields=["council_decision", "council_decided_at", "council_note", "updated_at"])
        audit_record(actor=actor, action="budgeting.cycle.council_decide", target=cycle, summary={"decision": decision})
    return cycle


# --- Milestones ------------------------------------------------------------------------------------


def implementation_refusal(actor, project) -> str | None:
    """Why milestones of `project` may not be recorded by `actor` now, or None."""
    cycle = project.cycle
    confirmed = ProjectResult.objects.filter(
        project=project, funded=True, confirmed=True, pot_result__cycle_id=project.cycle_id
    ).exists()
    if not confirmed:
        return gettext("Only a funded project the general assembly confirmed has milestones.")
    if cycle.council_decision == Decision.REJECTED:
        return gettext("The council rejected this budget: its projects are not implemented.")
    if not rules.has_perm("budgeting.record_milestone", actor, project):
        if budget_rules.checks_feasibility.test(actor, project):
            return gettext("Milestones are recorded during the implementation phase.")
        return gettext("Only the project's department or the cycle's officials record its milestones.")
    return None


def _lock_project(project) -> Project:
    locked = Project.objects.select_for_update().get(pk=project.pk)
    locked.cycle = Cycle.objects.prefetch_related("phases").get(pk=locked.cycle_id)
    return locked


def _milestone_context(milestone, **extra):
    return {
        "milestone_ko": milestone.title_ko, "milestone_en": milestone.title_en, "progress": milestone.progress,
        "due_on": milestone.due_on, "completed_on": milestone.completed_on, "note_ko": milestone.note_ko,
        "note_en": milestone.note_en, **extra,
    }


def milestone_add(*, actor, project, title_ko, title_en="", due_on) -> Milestone:
    title_ko = _text(title_ko, field="title_ko", max_length=MILESTONE_TITLE_KO_MAX,
                     required_message=gettext("Write the milestone's title in Korean."))
    title_en = _text(title_en, field="title_en", max_length=MILESTONE_TITLE_EN_MAX)
    if not isinstance(due_on, date):
        raise BudgetingError(gettext("Give the date the milestone is due."), field="due_on")
    with transaction.atomic():
        project = _lock_project(project)
        refusal = implementation_refusal(actor, project)
        if refusal:
            raise BudgetingError(refusal, code=FORBIDDEN)
        milestone = Milestone.objects.create(project=project, title_ko=title_ko, title_en=title_en, due_on=due_on)
        audit_record(actor=actor, action="budgeting.milestone.add", target=milestone, summary={"project": project.pk})
        notify_proposer(project, "budget_project_milestone", f"budgeting:milestone:{milestone.pk}:added",
                        **_milestone_context(milestone, added=True))
    return milestone


def milestone_update(
    *, actor, milestone, progress, completed_on=None, note_ko="", note_en="", due_on=None
) -> Milestone:
    """Record a milestone's progress (0–100 %); at 100 it is complete (on `completed_on`, today by
    default). The proposer is told of each new progress."""
    if isinstance(progress, bool):
        progress = None
    try:
        progress = int(progress)
    except (TypeError, ValueError):
        raise BudgetingError(gettext("Give the progress as a whole number from 0 to 100."), field="progress") from None
    if not 0 <= progress <= 100:
        raise BudgetingError(gettext("Give the progress as a whole number from 0 to 100."), field="progress")
    if completed_on is not None and progress != 100:
        raise BudgetingError(gettext("A milestone is completed at 100 %."), field="completed_on")
    if completed_on is not None and completed_on > timezone.localdate():
        raise BudgetingError(gettext("The completion date cannot be in the future."), field="completed_on")
    note_ko = _text(note_ko, field="note_ko", max_length=NOTE_MAX_LENGTH)
    note_en = _text(note_en, field="note_en", max_length=NOTE_MAX_LENGTH)
    with transaction.atomic():
        milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
        project = _lock_project(milestone.project)
        refusal = implementation_refusal(actor, project)
        if refusal:
            raise BudgetingError(refusal, code=FORBIDDEN)
        before = milestone.progress
        milestone.progress = progress
        milestone.completed_on = (completed_on or milestone.completed_on or timezone.localdate()) if progress == 100 else None
        milestone.note_ko, milestone.note_en = note_ko, note_en
        if due_on is not None:
            milestone.due_on = due_on
        milestone.save()
        event = audit_record(actor=actor, action="budgeting.milestone.update", target=milestone,
                             summary={"project": project.pk, "progress": progress, "before": before})
        if progress != before:
            # One notice per recorded change: the audit event names the change.
            notify_proposer(project, "budget_project_milestone", f"budgeting:milestone:{milestone.pk}:{event.pk}",
                            **_milestone_context(milestone, added=False))
    return milestone
