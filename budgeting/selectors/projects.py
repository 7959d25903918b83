"""Reads of projects for the pages: the public list, a project's page with its timeline, a
citizen's own projects and the implementation of a cycle's funded projects.

Each function issues a fixed number of queries, whatever the number of projects, milestones or
votes (tests/budgeting/projects/test_queries.py).
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Prefetch, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext

from governance.budget_sources import budget_candidate, source_label
from governance.models import AgendaItem

from .. import rules as budget_rules
from ..models import Cycle, Milestone, Project, ProjectResult
from ..services.projects import edit_refusal

Status = Project.Status
# What the public sees: every project once submitted (drafts are their proposer's alone).
PUBLIC_STATUSES = [Status.SUBMITTED, Status.WITHDRAWN, Status.FEASIBLE, Status.NOT_FEASIBLE]


def _with_facts(queryset):
    return queryset.select_related("cycle", "pot__district", "sector", "district")


def public_projects(cycle, *, pot=None, sector=None, status=None, text=""):
    """The cycle's projects the public sees, filtered; pots in their order, then the oldest first."""
    projects = _with_facts(Project.objects.filter(cycle=cycle, status__in=PUBLIC_STATUSES))
    if pot is not None:
        projects = projects.filter(pot=pot)
    if sector is not None:
        projects = projects.filter(sector=sector)
    if status:
        projects = projects.filter(status=status)
    text = (text or "").strip()
    if text:
        projects = projects.filter(
            Q(title__icontains=text) | Q(summary__icontains=text) | Q(description__icontains=text)
            | Q(location__icontains=text)
        )
    return projects.order_by("pot__district_id", "pk")


def project_for_page(user, pk) -> Project:
    """The project with what its page shows, or 404: unknown, or a draft and `user` is not its proposer."""
    try:
        project = (
            _with_facts(Project.objects.all())
            .select_related("department")
            .prefetch_related("cycle__phases")
            .get(pk=int(pk))
        )
    except (Project.DoesNotExist, TypeError, ValueError, OverflowError):
        raise Http404("No such project") from None
    if project.status == Status.DRAFT and not (user.is_authenticated and project.proposer_id == user.pk):
        raise Http404("No such project")
    return project


@dataclass
class TimelineEntry:
    at: datetime
    what: str
    detail: str = ""
    date_only: bool = False


@dataclass
class ProjectPage:
    project: Project
    timeline: list = field(default_factory=list)
    result: ProjectResult | None = None
    milestones: list = field(default_factory=list)
    agenda_item: AgendaItem | None = None
    votes_visible: bool = False
    source: object = None
    source_label: str = ""
    progress: int | None = None
    may_edit: bool = False
    may_withdraw: bool = False


def _result_of(project) -> ProjectResult | None:
    """The project's result once public: published, or counted for an imported (simulation)
    cycle, whose results are public as soon as they are counted (selectors.results)."""
    if project.cycle.results_published_at is None and not project.cycle.is_simulation:
        return None
    return (
        ProjectResult.objects.filter(project=project, pot_result__cycle_id=project.cycle_id)
        .select_related("pot_result")
        .first()
    )


def overall_progress(milestones) -> int | None:
    """The mean progress of the milestones (whole percent), None without milestones."""
    if not milestones:
        return None
    return round(sum(milestone.progress for milestone in milestones) / len(milestones))


def _timeline(project, cycle, result, agenda_item, milestones) -> list[TimelineEntry]:
    entries = []
    if project.status == Status.DRAFT:
        entries.append(TimelineEntry(project.created_at, gettext("Draft written")))
    if project.submitted_at:
        entries.append(TimelineEntry(project.submitted_at, gettext("Submitted by the proposer")))
    if project.withdrawn_at:
        entries.append(TimelineEntry(project.withdrawn_at, gettext("Withdrawn by the proposer")))
    if project.checked_at:
        if project.status == Status.FEASIBLE:
            entries.append(TimelineEntry(project.checked_at, gettext("Found feasible by the department"),
                                         project.cost_reason))
        else:
            entries.append(TimelineEntry(project.checked_at, gettext("Found not feasible by the department"),
                                         project.infeasible_reason))
    if agenda_item is not None and agenda_item.closed_at:
        entries.append(TimelineEntry(agenda_item.closed_at, gettext("Deliberated by the committee")))
    vote = cycle.vote_phase()
    if project.status == Status.FEASIBLE and vote is not None and vote.starts_at <= timezone.now():
        entries.append(TimelineEntry(vote.starts_at, gettext("On the ballot of the citizen vote")))
    if result is not None:
        entries.append(TimelineEntry(
            cycle.results_published_at or result.pot_result.computed_at,
            gettext("Selected for funding") if result.funded else gettext("Not selected for funding"),
        ))
        if result.funded and cycle.assembly_confirmed_at:
            if result.confirmed is False:
                what = gettext("Dropped by the general assembly")
            elif result.confirmed_cost is not None:
                what = gettext("Confirmed by the general assembly at an adjusted cost")
            else:
                what = gettext("Confirmed by the general assembly")
            entries.append(TimelineEntry(cycle.assembly_confirmed_at, what, result.adjustment_reason))
        if result.funded and result.confirmed and cycle.council_decided_at:
            entries.append(TimelineEntry(cycle.council_decided_at, gettext("Council: %(decision)s") % {
                "decision": cycle.get_council_decision_display()
            }, cycle.council_note))
    for milestone in milestones:
        if milestone.completed_on:
            entries.append(TimelineEntry(
                milestone.completed_on, gettext("Milestone completed: %(title)s") % {"title": milestone.title},
                date_only=True,
            ))

    def moment(entry):
        if entry.date_only:
            return timezone.make_aware(datetime.combine(entry.at, datetime.max.time()))
        return entry.at

    return sorted(entries, key=moment)


def votes_are_public(project, result: ProjectResult | None) -> bool:
    """A project's votes are public with the results: once they are published (an imported
    cycle's once counted, when `result` exists). Not when the vote ends: until the results are
    published the count may still be checked and redone, and /results/ says nothing yet."""
    if project.status != Status.FEASIBLE:
        return False
    return result is not None or project.cycle.results_published_at is not None


def project_page(project, user) -> ProjectPage:
    """What a project's page shows besides the project: a fixed number of queries."""
    cycle = project.cycle
    result = _result_of(project)
    milestones = list(Milestone.objects.filter(project=project).order_by("due_on", "pk"))
    agenda_item = (
        AgendaItem.objects.filter(pk=project.agenda_item_id).only("pk", "closed_at", "status").first()
        if project.agenda_item_id else None
    )
    source = budget_candidate(project.source_ref) if project.source_ref else None
    proposer = user.is_authenticated and project.proposer_id == user.pk
    return ProjectPage(
        project=project,
        timeline=_timeline(project, cycle, result, agenda_item, milestones),
        result=result,
        milestones=milestones,
        agenda_item=agenda_item,
        votes_visible=votes_are_public(project, result),
        source=source,
        source_label=source_label(project.source_ref),
        progress=overall_progress(milestones),
        may_edit=bool(proposer and edit_refusal(user, project) is None),
        may_withdraw=bool(
            proposer and project.status == Status.SUBMITTED
            and budget_rules.can_withdraw.test(user, project)
        ),
    )


def own_projects(user):
    """A citizen's projects, drafts included, newest first, with their cycle and pot."""
    return (
        _with_facts(Project.objects.filter(proposer=user))
        .prefetch_related("cycle__phases")
        .order_by("-cycle__year", "-created_at", "-pk")
    )


@dataclass
class FundedProject:
    result: ProjectResult
    project: Project
    milestones: list
    progress: int | None
    cost: int


def implementation_projects(cycle: Cycle) -> list[FundedProject]:
    """The cycle's funded projects the general assembly did not drop, with their milestones and
    overall progress (three queries)."""
    if cycle.results_published_at is None:
        return []
    results = list(
        ProjectResult.objects.filter(pot_result__cycle=cycle, funded=True)
        .exclude(confirmed=False)
        .select_related("project__pot__district", "project__sector", "project__district", "pot_result")
        .prefetch_related(Prefetch("project__milestones", queryset=Milestone.objects.order_by("due_on", "pk")))
        .order_by("pot_result__pot__district_id", "rank")
    )
    funded = []
    for result in results:
        milestones = list(result.project.milestones.all())
        funded.append(FundedProject(
            result=result, project=result.project, milestones=milestones, progress=overall_progress(milestones),
            cost=result.confirmed_cost if result.confirmed_cost is not None else result.cost,
        ))
    return funded
