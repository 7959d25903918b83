"""Implementation of an accepted proposal (lifecycle point 7): the responsible unit's milestones.

Only a proposal whose department answer is accepted or partially accepted has milestones, at any
stage after the answer (a debate or the Mayor's answer may follow; the implementation goes on).
They are kept by an official serving in the proposal's assigned unit, or a superuser
(`proposals.update_implementation`).

The proposal's overall progress (`Proposal.implementation_progress`) is the average of the progress
of its milestones that are not cancelled, rounded down, so that it reads 100 % only when every one of
them is at 100 %; with no such milestone it is 0. `Proposal.implemented_at` is set when every milestone
that is not cancelled is done (there must be at least one), and cleared when one is reopened, added
or un-cancelled. Both are recomputed under the proposal's row lock after every change.

`implemented_at` is when the last milestone was completed, not when the official recorded it: the
latest completion date of the done milestones, at the start of that day in Seoul (00:00 Asia/Seoul);
when that date is the day of the update itself, the time of the update (the moment is known). An
implementation already completed keeps its moment unless a correction moves the latest date.

Every change is an audit event and notifies the proposer and the followers: "proposal_milestone"
for a milestone added or updated, "proposal_implemented" (instead) for the change that completes the
implementation. The note of an update goes into that notice only: the milestone has no field for it.
"""

from datetime import date, datetime, time

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.services import audit_record
from notifications.services import notify

from .. import question_rules
from ..errors import ProposalError
from ..models import Follow, Milestone, Proposal
from ..text import clean_text
from .proposals import add_months

MilestoneStatus = Milestone.Status

IMPLEMENTABLE_ANSWERS = frozenset({Proposal.AnswerType.ACCEPTED, Proposal.AnswerType.PARTIALLY_ACCEPTED})
TITLE_MAX_LENGTH = Milestone._meta.get_field("title").max_length
DESCRIPTION_MAX_LENGTH = 3_000
NOTE_MAX_LENGTH = 500
# A due date more than this many years after today is refused as a typo (2206 for 2026), as is one
# before the proposal was published; other past dates are allowed (a milestone recorded late).
DEFAULT_HORIZON_YEARS = 10


def horizon_years() -> int:
    return getattr(settings, "PROPOSALS_MILESTONE_HORIZON_YEARS", DEFAULT_HORIZON_YEARS)


# --- Checks shared with the admin forms ------------------------------------------------------


def _earliest_day(proposal) -> date:
    return timezone.localdate(proposal.published_at or proposal.created_at)


def check_implementable(proposal):
    if proposal.answer_type not in IMPLEMENTABLE_ANSWERS:
        raise ProposalError(
            _("Only an accepted or partially accepted proposal has an implementation to track."), field="proposal"
        )


def check_may_update(actor, proposal):
    if not question_rules.can_update_implementation.test(actor, proposal):
        raise ProposalError(_("Only an official of the responsible unit may update the implementation."))


def check_due_on(proposal, due_on, *, today) -> date:
    if not isinstance(due_on, date):
        raise ProposalError(_("Give the due date of the milestone."), field="due_on")
    earliest, latest = _earliest_day(proposal), add_months(today, 12 * horizon_years())
    if due_on < earliest:
        raise ProposalError(
            _("The due date cannot be before the proposal was published (%(day)s).") % {"day": earliest.isoformat()},
            field="due_on",
        )
    if due_on > latest:
        raise ProposalError(
            _("The due date must be within %(years)s years from today (by %(day)s).")
            % {"years": horizon_years(), "day": latest.isoformat()},
            field="due_on",
        )
    return due_on


def clean_milestone_text(*, title, description):
    title = clean_text(title, field_name="title", label=_("milestone"), max_length=TITLE_MAX_LENGTH)
    description = clean_text(
        description,
        field_name="description",
        label=_("description"),
        max_length=DESCRIPTION_MAX_LENGTH,
        required=False,
    )
    return title, description


def check_update(milestone, *, status, progress, completed_on, today) -> tuple[int, date | None]:
    """The progress and completion date an update stores; raises ProposalError on an illegal one."""
    if status not in MilestoneStatus.values:
        raise ProposalError(_("Choose the status of the milestone."), field="status")
    if isinstance(progress, bool) or not isinstance(progress, int):
        try:
            progress = int(str(progress).strip())
        except ValueError:
            raise ProposalError(_("The progress is a whole number from 0 to 100."), field="progress") from None
    if not 0 <= progress <= 100:
        raise ProposalError(_("The progress is a whole number from 0 to 100."), field="progress")
    if status == MilestoneStatus.DONE:
        if progress != 100:
            raise ProposalError(_("A milestone is done only at 100 % progress."), field="progress")
        # A milestone already done keeps its date unless another is given.
        completed_on = completed_on or milestone.completed_on or today
        if completed_on > today:
            raise ProposalError(_("The completion date cannot be in the future."), field="completed_on")
        earliest = _earliest_day(milestone.proposal)
        if completed_on < earliest:
            raise ProposalError(
                _("The completion date cannot be before the proposal was published (%(day)s).")
                % {"day": earliest.isoformat()},
                field="completed_on",
            )
    elif completed_on is not None:
        raise ProposalError(_("Only a done milestone has a completion date."), field="completed_on")
    return progress, completed_on


# --- Services -------------------------------------------------------------------------------


def _lock_proposal(proposal_id) -> Proposal:
    return Proposal.objects.select_for_update().get(pk=proposal_id)


def milestone_add(*, actor, proposal, title, due_on, description="", now=None) -> Milestone:
    """Add a milestone at the end of the proposal's plan (planned, 0 %)."""
    now = now or timezone.now()
    title, description = clean_milestone_text(title=title, description=description)
    with transaction.atomic():
        proposal = _lock_proposal(proposal.pk)
        check_implementable(proposal)
        check_may_update(actor, proposal)
        check_due_on(proposal, due_on, today=timezone.localdate(now))
        last = proposal.milestones.order_by("-position").values_list("position", flat=True).first()
        milestone = Milestone.objects.create(
            proposal=proposal,
            title=title,
            description=description,
            due_on=due_on,
            position=0 if last is None else last + 1,
            updated_by=actor,
        )
        event = audit_record(
            actor=actor,
            action="proposal.milestone_add",
            target=proposal,
            summary={"milestone": milestone.pk, "due_on": due_on.isoformat()},
        )
        implemented_now = _recompute(proposal, actor=actor, now=now)
        _notify(proposal, milestone, event=event, added=True, implemented_now=implemented_now)
    return milestone


def milestone_update(
    *,
    actor,
    milestone,
    status,
    progress,
    completed_on=None,
    note="",
    title=None,
    description=None,
    due_on=None,
    now=None,
) -> Milestone:
    """Move a milestone to `status` at `progress` %; done needs 100 % and takes `completed_on`
    (when not given: the date it was done on, or today). `title`, `description` and `due_on` change only when given (a plan
    rescheduled). A call that changes nothing writes nothing."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    note = clean_text(note, field_name="note", label=_("note"), max_length=NOTE_MAX_LENGTH, required=False)
    if title is not None or description is not None:
        new_title, new_description = clean_milestone_text(
            title=milestone.title if title is None else title,
            description=milestone.description if description is None else description,
        )
    with transaction.atomic():
        proposal = _lock_proposal(milestone.proposal_id)
        milestone = Milestone.objects.select_for_update().get(pk=milestone.pk, proposal=proposal)
        milestone.proposal = proposal
        check_implementable(proposal)
        check_may_update(actor, proposal)
        progress, completed_on = check_update(
            milestone, status=status, progress=progress, completed_on=completed_on, today=today
        )
        changes = {"status": status, "progress": progress, "completed_on": completed_on}
        if title is not None or description is not None:
            changes |= {"title": new_title, "description": new_description}
        if due_on is not None:
            changes["due_on"] = check_due_on(proposal, due_on, today=today)
        changed = [name for name, value in changes.items() if getattr(milestone, name) != value]
        if not changed:
            return milestone
        previous = {"status": milestone.status, "progress": milestone.progress}
        for name in changed:
            setattr(milestone, name, changes[name])
        milestone.updated_by = actor
        milestone.save(update_fields=[*changed, "updated_by", "updated_at"])
        event = audit_record(
            actor=actor,
            action="proposal.milestone_update",
            target=proposal,
            summary={
                "milestone": milestone.pk,
                "changed": changed,
                "from_status": previous["status"],
                "to_status": milestone.status,
                "from_progress": previous["progress"],
                "to_progress": milestone.progress,
            },
        )
        implemented_now = _recompute(proposal, actor=actor, now=now)
        _notify(proposal, milestone, event=event, note=note, implemented_now=implemented_now)
    return milestone


def implementation_progress(milestones) -> tuple[int, bool]:
    """(overall progress, complete) of a list of milestones: the rounded-down average of the ones
    not cancelled, and whether there is at least one and all of them are done."""
    active = [milestone for milestone in milestones if milestone.status != MilestoneStatus.CANCELLED]
    if not active:
        return 0, False
    overall = sum(milestone.progress for milestone in active) // len(active)
    return overall, all(milestone.status == MilestoneStatus.DONE for milestone in active)


def implemented_moment(milestones, *, current, now) -> datetime:
    """When a complete implementation was completed: see the module docstring."""
    seoul = timezone.get_default_timezone()
    days = [milestone.completed_on for milestone in milestones if milestone.status == MilestoneStatus.DONE]
    last_day = max((day for day in days if day is not None), default=None)
    if last_day is None:  # not reached: a done milestone always has its date
        return current or now
    if current is not None and timezone.localdate(current, seoul) == last_day:
        return current
    if last_day == timezone.localdate(now, seoul):
        return now
    return datetime.combine(last_day, time.min, tzinfo=seoul)


def _recompute(proposal, *, actor, now) -> bool:
    """Store the overall progress and implemented_at; returns True when this change completed it."""
    milestones = list(proposal.milestones.only("status", "progress", "completed_on"))
    overall, complete = implementation_progress(milestones)
    was_implemented = proposal.implemented_at is not None
    implemented_at = implemented_moment(milestones, current=proposal.implemented_at, now=now) if complete else None
    if overall == proposal.implementation_progress and implemented_at == proposal.implemented_at:
        return False
    proposal.implementation_progress, proposal.implemented_at = overall, implemented_at
    proposal.save(update_fields=["implementation_progress", "implemented_at", "updated_at"])
    if complete and not was_implemented:
        audit_record(actor=actor, action="proposal.implemented", target=proposal, summary={"progress": overall})
        return True
    if was_implemented and not complete:
        audit_record(
            actor=actor, action="proposal.implementation_reopened", target=proposal, summary={"progress": overall}
        )
    return False


def _recipients(proposal):
    recipients = {proposal.author_id: proposal.author}
    for follow in Follow.objects.filter(proposal=proposal).select_related("citizen"):
        recipients.setdefault(follow.citizen_id, follow.citizen)
    return [citizen for citizen in recipients.values() if citizen.is_active and not citizen.erased_at]


def _notify(proposal, milestone, *, event, added=False, note="", implemented_now=False):
    context = {
        "proposal_id": proposal.pk,
        "title": proposal.title,
        "milestone": milestone.title,
        # Lazy: rendered in each recipient's language.
        "status_label": MilestoneStatus(milestone.status).label,
        "progress": milestone.progress,
        "overall_progress": proposal.implementation_progress,
        "due_on": milestone.due_on,
        "completed_on": milestone.completed_on,
        "added": added,
        "note": note,
        "implemented_on": timezone.localdate(proposal.implemented_at) if proposal.implemented_at else None,
    }
    kind = "proposal_implemented" if implemented_now else "proposal_milestone"
    for citizen in _recipients(proposal):
        notify(recipient=citizen, kind=kind, context=context, key=f"proposals:milestone:{event.pk}:{citizen.pk}")


__all__ = [
    "IMPLEMENTABLE_ANSWERS",
    "check_due_on",
    "check_implementable",
    "check_may_update",
    "check_update",
    "clean_milestone_text",
    "implementation_progress",
    "implemented_moment",
    "milestone_add",
    "milestone_update",
]
