"""Reads of the committee members' monitoring: their page (every funded project of a cycle with its
milestones, the overdue ones, and the notes so far), the notes on a project's public page and the
count of concerns the city has not answered yet.

Each function issues a fixed number of queries, whatever the number of projects, milestones or
notes (tests/budgeting/monitoring/test_pages.py).
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Prefetch
from django.utils import timezone

from ..models import Cycle, ImplementationNote, Milestone, Project, ProjectResult
from ..services.monitoring import cycle_note_refusal
from .projects import overall_progress


def _notes():
    return ImplementationNote.objects.order_by("-created_at", "-pk")


def is_overdue(milestone, today: date) -> bool:
    return milestone.completed_on is None and milestone.due_on < today


@dataclass
class MonitoredProject:
    result: ProjectResult
    project: Project
    milestones: list
    progress: int | None
    cost: int
    overdue: int
    notes: list
    open_concerns: int
    # Confirmed by the general assembly: only then do members write notes on it.
    confirmed: bool
    # The view puts the note form here when the viewer may write one.
    form: object = None
    notice: str = ""


@dataclass
class MonitoringPage:
    cycle: Cycle
    projects: list = field(default_factory=list)
    # Why the viewer may not write notes in this cycle now ("" when they may).
    refusal: str = ""
    # A message for the whole page (a refused note), set by the view.
    notice: str = ""

    @property
    def open_concerns(self) -> int:
        return sum(item.open_concerns for item in self.projects)

    @property
    def overdue(self) -> int:
        return sum(item.overdue for item in self.projects)

    def item_for(self, project_id) -> MonitoredProject | None:
        return next((item for item in self.projects if item.project.pk == project_id), None)


def monitored_projects(cycle: Cycle, *, today: date | None = None) -> list[MonitoredProject]:
    """The cycle's funded projects the general assembly did not drop, by pot and rank, with their
    milestones (overdue ones marked: `milestone.overdue`) and notes, newest first (three queries)."""
    if cycle.results_published_at is None:
        return []
    today = today or timezone.localdate()
    results = (
        ProjectResult.objects.filter(pot_result__cycle=cycle, funded=True)
        .exclude(confirmed=False)
        .select_related("project__pot__district", "project__sector", "project__district", "project__department",
                        "pot_result")
        .prefetch_related(
            Prefetch("project__milestones", queryset=Milestone.objects.order_by("due_on", "pk")),
            Prefetch("project__implementation_notes", queryset=_notes()),
        )
        .order_by("pot_result__pot__district_id", "rank")
    )
    monitored = []
    for result in results:
        project = result.project
        project.cycle = cycle  # the page's cycle, with its phases: no query per project
        milestones = list(project.milestones.all())
        for milestone in milestones:
            milestone.overdue = is_overdue(milestone, today)
        notes = list(project.implementation_notes.all())
        monitored.append(MonitoredProject(
            result=result, project=project, milestones=milestones, progress=overall_progress(milestones),
            cost=result.confirmed_cost if result.confirmed_cost is not None else result.cost,
            overdue=sum(1 for milestone in milestones if milestone.overdue),
            notes=notes,
            open_concerns=sum(1 for note in notes if note.raises_concern and note.answered_at is None),
            confirmed=result.confirmed is True,
        ))
    return monitored


def monitoring_page(cycle: Cycle, user) -> MonitoringPage:
    """What a member's monitoring page shows (`cycle` as cycle_for_page gives it)."""
    return MonitoringPage(cycle=cycle, projects=monitored_projects(cycle), refusal=cycle_note_refusal(user, cycle) or "")


def project_notes(project: Project) -> list[ImplementationNote]:
    """The monitoring notes on a project's public page, newest first: one query, none for a
    project that cannot have any (not on the ballot, or before the results)."""
    if project.status != Project.Status.FEASIBLE or project.cycle.results_published_at is None:
        return []
    return list(_notes().filter(project=project).only(
        "pk", "project_id", "author_name", "body", "raises_concern", "answer", "answered_at", "created_at"
    ))


def open_concern_count(cycle: Cycle) -> int:
    """Concerns the committee's members raised in the cycle that the city has not answered (one query)."""
    if cycle.results_published_at is None:
        return 0
    return ImplementationNote.objects.filter(
        project__cycle=cycle, raises_concern=True, answered_at__isnull=True
    ).count()
