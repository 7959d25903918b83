"""Reads for the implementation section of a proposal's detail page (one query, at any size)."""

from dataclasses import dataclass
from datetime import date, datetime

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
