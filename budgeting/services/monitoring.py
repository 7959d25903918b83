"""Committee members follow the implementation of the funded projects, in public.

- implementation_note_add: a serving member of the cycle's committee (or of one of its
  subcommittees), or one of the cycle's officials, writes what they observed on a funded project
  the general assembly confirmed, once the council approved the budget or during the
  implementation phase; a note may raise a concern, which the city must answer. It is published
  under the member's public name (governance Membership.public_name), or an official's unit name.
- implementation_note_answer: the cycle's officials or the project's department answer a note,
  once; its author is told.

Each service is atomic, checks the permission (budgeting/rules.py) and the state, raises
BudgetingError with nothing written, and writes the audit event in the same transaction.
"""

import rules
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from audit.services import audit_record
from governance.models import Membership, OrgAssignment
from notifications.services import notify

from ..errors import BudgetingError
from ..models import Cycle, ImplementationNote, Project, ProjectResult

FORBIDDEN, STATE, INVALID = "forbidden", "state", "invalid"
NOTE_BODY_MAX_LENGTH = ImplementationNote._meta.get_field("body").max_length
NOTE_ANSWER_MAX_LENGTH = ImplementationNote._meta.get_field("answer").max_length
AUTHOR_NAME_MAX_LENGTH = ImplementationNote._meta.get_field("author_name").max_length
# Who an official's note is published under when they serve in no unit (a superuser).
CITY_NAME = "서울특별시"


def _text(value, *, field, max_length, required_message) -> str:
    text = (value or "").strip()
    if not text:
        raise BudgetingError(required_message, field=field)
    if len(text) > max_length:
        raise BudgetingError(gettext("This text is too long: at most %(max)d characters.") % {"max": max_length},
                             field=field)
    return text


def is_under_implementation(project) -> bool:
    """Funded, and confirmed by the general assembly (one query)."""
    return ProjectResult.objects.filter(
        project=project, funded=True, confirmed=True, pot_result__cycle_id=project.cycle_id
    ).exists()


def cycle_note_refusal(actor, cycle) -> str | None:
    """Why `actor` may not write monitoring notes in `cycle` now, or None (the cycle's phases
    prefetched, its committee selected)."""
    if cycle.council_decision == Cycle.CouncilDecision.REJECTED:
        return gettext("The council rejected this budget: its projects are not implemented.")
    if rules.has_perm("budgeting.write_implementation_note", actor, cycle):
        return None
    if cycle.is_simulation:
        return gettext("An imported cycle is a read-only simulation.")
    if rules.has_perm("budgeting.follow_implementation", actor, cycle):
        return gettext("Notes are written once the council approved the budget, or during the implementation phase.")
    return gettext("Only the members of the cycle's committee and its officials write monitoring notes.")


def note_refusal(actor, project) -> str | None:
    """Why `actor` may not write a monitoring note on `project` now, or None."""
    if not is_under_implementation(project):
        return gettext("Only a funded project the general assembly confirmed is monitored.")
    return cycle_note_refusal(actor, project.cycle)


def _member_public_name(actor, cycle) -> str:
    if cycle.committee_id is None:
        return ""
    today = timezone.localdate()
    membership = (
        Membership.objects.filter(
            person_id=actor.pk, status=Membership.Status.ACTIVE, term_start__lte=today, term_end__gte=today,
        )
        .filter(committee_id__in=[cycle.committee_id,
                                  *cycle.committee.subcommittees.values_list("pk", flat=True)])
        .order_by("-term_start", "pk")
        .only("public_name")
        .first()
    )
    return membership.public_name if membership else ""


def _official_unit_name(actor, cycle) -> str:
    """The unit the official serves in: the cycle's own unit if they serve there, else their first."""
    assignments = list(
        OrgAssignment.objects.filter(official_id=actor.pk, ended_on__isnull=True)
        .select_related("unit").order_by("started_on", "pk")
    )
    for assignment in assignments:
        if assignment.unit_id == cycle.org_unit_id:
            return assignment.unit.name_ko
    if assignments:
        return assignments[0].unit.name_ko
    return cycle.org_unit.name_ko if cycle.org_unit_id else CITY_NAME


def author_name_for(actor, cycle) -> str:
    """The name a note is published under: the member's public name; for an official (not a
    member), their unit's name."""
    name = _member_public_name(actor, cycle) or _official_unit_name(actor, cycle)
    return name[:AUTHOR_NAME_MAX_LENGTH]


def _lock_project(project_id) -> Project:
    locked = Project.objects.select_for_update().get(pk=project_id)
    # The permission predicates read the phases (Cycle.phase_at) and the committee.
    locked.cycle = Cycle.objects.select_related("committee", "org_unit").prefetch_related("phases").get(
        pk=locked.cycle_id
    )
    return locked


def implementation_note_add(*, actor, project, body, raises_concern=False) -> ImplementationNote:
    body = _text(body, field="body", max_length=NOTE_BODY_MAX_LENGTH,
                 required_message=gettext("Write what you observed."))
    with transaction.atomic():
        project = _lock_project(project.pk)
        refusal = note_refusal(actor, project)
        if refusal:
            raise BudgetingError(refusal, code=FORBIDDEN)
        note = ImplementationNote.objects.create(
            project=project, author=actor, author_name=author_name_for(actor, project.cycle), body=body,
            raises_concern=bool(raises_concern),
        )
        audit_record(actor=actor, action="budgeting.implementation_note.add", target=note,
                     summary={"project": project.pk, "raises_concern": note.raises_concern})
    return note


def answer_refusal(actor, note) -> str | None:
    """Why `actor` may not answer `note`, or None (the project's cycle must be loaded)."""
    if note.answered_at is not None:
        return gettext("This note is already answered.")
    if not rules.has_perm("budgeting.answer_implementation_note", actor, note.project):
        if note.project.cycle.is_simulation:
            return gettext("An imported cycle is a read-only simulation.")
        return gettext("Only the cycle's officials or the project's department answer monitoring notes.")
    return None


def implementation_note_answer(*, actor, note, answer, now=None) -> ImplementationNote:
    """Record the city's answer to a note, once; the note's author is told."""
    answer = _text(answer, field="answer", max_length=NOTE_ANSWER_MAX_LENGTH,
                   required_message=gettext("Write the city's answer."))
    with transaction.atomic():
        note = ImplementationNote.objects.select_for_update().get(pk=note.pk)
        note.project = _lock_project(note.project_id)
        refusal = answer_refusal(actor, note)
        if refusal:
            answered = note.answered_at is not None
            raise BudgetingError(refusal, code=STATE if answered else FORBIDDEN)
        note.answer, note.answered_at = answer, now or timezone.now()
        note.save(update_fields=["answer", "answered_at"])
        audit_record(actor=actor, action="budgeting.implementation_note.answer", target=note,
                     summary={"project": note.project_id, "raises_concern": note.raises_concern})
        _notify_author(note)
    return note


def _notify_author(note) -> list:
    author = note.author
    if author is None or author.erased_at or not author.is_active:
        return []
    project = note.project
    return notify(
        recipient=author,
        kind="budget_implementation_answer",
        context={
            "project_id": project.pk, "title": project.title, "year": project.cycle.year, "note": note.body,
            "answer": note.answer, "raises_concern": note.raises_concern,
            "written_on": timezone.localtime(note.created_at).date(),
        },
        key=f"budgeting:implementation-note:{note.pk}:answer",
    )

