"""Reads for the implementation section of a proposal's detail page (one query, at any size), and
the implementation's entries of the public timeline (`implementation_timeline`, one query)."""

from dataclasses import dataclass
from datetime import date, datetime, time

from django.utils import timezone

from ..models import Milestone, Proposal
from ..services.implementation import IMPLEMENTABLE_ANSWERS

MilestoneStatus = Milestone.Status

# KRDS badge colours of the milestone states.
STATUS_BADGES = {
    MilestoneStatus.PLANNED: "bg-light-gray",
    MilestoneStatus.IN_PROGRESS: "bg-light-primary",
    MilestoneStatus.DELAYED: "bg-light-warning",
    MilestoneStatus.DONE: "bg-light-success",
    MilestoneStatus.CANCELLED: "bg-light-disabled",
}


@dataclass
class ImplementationSection:
    proposal: Proposal
    answer_label: str
    plan: str
    milestones: list[Milestone]
    overall_progress: int
    implemented_at: datetime | None
    active_count: int
    done_count: int
    today: date

    @property
    def is_implemented(self) -> bool:
        return self.implemented_at is not None


def implementation_section(*, proposal) -> ImplementationSection | None:
    """The plan, the milestones in order (each with `badge_class` and `is_overdue`) and the overall
    progress; None unless the department accepted the proposal, fully or partly."""
    if proposal is None or proposal.answer_type not in IMPLEMENTABLE_ANSWERS:
        return None
    today = timezone.localdate()
    milestones = list(
        Milestone.objects.filter(proposal_id=proposal.pk).only(
            "proposal_id",
            "title",
            "description",
            "position",
            "due_on",
            "completed_on",
            "status",
            "progress",
            "updated_at",
        )
    )
    active = [milestone for milestone in milestones if milestone.status != MilestoneStatus.CANCELLED]
    for milestone in milestones:
        milestone.badge_class = STATUS_BADGES.get(milestone.status, "bg-light-gray")
        milestone.is_overdue = milestone.status not in {MilestoneStatus.DONE, MilestoneStatus.CANCELLED} and (
            milestone.due_on < today
        )
    return ImplementationSection(
        proposal=proposal,
        answer_label=proposal.get_answer_type_display(),
        plan=proposal.implementation_plan,
        milestones=milestones,
        overall_progress=proposal.implementation_progress,
        implemented_at=proposal.implemented_at,
        active_count=len(active),
        done_count=sum(1 for milestone in active if milestone.status == MilestoneStatus.DONE),
        today=today,
    )


@dataclass(frozen=True)
class ImplementationTimelineEntry:
    """An implementation step on the public timeline (proposals.selectors.proposals.proposal_timeline):
    kind "milestone" (a milestone completed; `title`) or "implemented" (every milestone done). Only
    the day is known of a completion (`date_only`): `at` is the start of that day in Seoul, except
    the implementation's own moment (Proposal.implemented_at)."""

    at: datetime
    kind: str
    title: str = ""
    date_only: bool = True
    reason: str = ""


def implementation_timeline(proposal) -> list[ImplementationTimelineEntry]:
    """The milestones completed (by completion date, then plan order) and the completion of the whole
    implementation; no query unless the proposal was accepted, then one (none when the milestones are
    prefetched)."""
    if proposal is None or proposal.answer_type not in IMPLEMENTABLE_ANSWERS:
        return []
    prefetched = getattr(proposal, "_prefetched_objects_cache", {}).get("milestones")
    if prefetched is not None:
        done = [milestone for milestone in prefetched if milestone.status == MilestoneStatus.DONE]
    else:
        done = list(
            Milestone.objects.filter(proposal_id=proposal.pk, status=MilestoneStatus.DONE).only(
                "proposal_id", "title", "position", "completed_on", "status"
            )
        )
    seoul = timezone.get_default_timezone()
    entries = [
        ImplementationTimelineEntry(
            at=datetime.combine(milestone.completed_on, time.min, tzinfo=seoul),
            kind="milestone",
            title=milestone.title,
        )
        for milestone in sorted(
            (milestone for milestone in done if milestone.completed_on), key=lambda m: (m.completed_on, m.position)
        )
    ]
    if proposal.implemented_at is not None:
        entries.append(ImplementationTimelineEntry(at=proposal.implemented_at, kind="implemented"))
    return entries
