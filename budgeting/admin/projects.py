"""The officials' back office of budget projects: the list, a project's record and the buttons that
move it, and the milestones of the funded ones.

Who sees which projects: a superuser all; an official the projects of the cycles run by a unit
they serve in (or one below it), and the projects whose responsible department is such a unit.
Nobody edits a project's fields here: the status, the feasibility, the scores and the agenda item
change only through the buttons on its page, each a small form whose POST calls the service
(seoul_portal.admin_moves): assign the department, record the feasibility check, send it to the
committee, record the budget school's and the proposers' scores (until the vote opens: they go
into the final score, frozen with the cycle's rules), add a milestone. A milestone's
page has its own button to record progress. The services check the permission and the state again.

The proposer is named by a pseudonym: officials check a project, not a person.

A project's votes are shown only once the cycle's vote has ended (an imported cycle's at once):
while it runs, an official who watched the participations' list and the counters move together
could tell what a citizen who just took part picked. Until then the list and the record show a
dash with a note, and the votes column does not sort.
"""

import rules
from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from citizens.admin_readonly import ReadOnlyInline
from governance.models import OrgUnit
from seoul_portal.admin_moves import Move, MovesMixin

from .. import rules as budget_rules
from ..errors import BudgetingError
from ..forms.projects import WonField
from ..models import Milestone, Phase, PhaseKind, Project, ProjectResult
from ..services.implementation import milestone_add, milestone_update
from ..services.projects import (
    project_assign_department,
    project_check_feasibility,
    project_scores_record,
    project_send_to_committee,
)

Status = Project.Status
REVIEW_MAX_LENGTH = 5_000


# --- Who sees what ----------------------------------------------------------------------------------


def request_unit_ids(request) -> frozenset[int]:
    return budget_rules.official_unit_ids(request.user)


def request_may_open(request) -> bool:
    """A superuser, or an official serving today in some unit."""
    return bool(request.user.is_active and (request.user.is_superuser or request_unit_ids(request)))


def scope_projects(queryset, request, prefix=""):
    """The projects (or records reaching them through `prefix`, e.g. "project__") the official may see."""
    if request.user.is_superuser:
        return queryset
    units = sorted(request_unit_ids(request))
    return queryset.filter(Q(**{f"{prefix}cycle__org_unit_id__in": units}) | Q(**{f"{prefix}department_id__in": units}))


def project_in_scope(request, project) -> bool:
    if request.user.is_superuser:
        return True
    units = request_unit_ids(request)
    return project.department_id in units or project.cycle.org_unit_id in units


def proposer_pseudonym(citizen_id) -> str:
    """A code for a project's proposer: two projects of one person share it; it says nothing else."""
    return salted_hmac("budgeting.proposer-pseudonym", str(citizen_id)).hexdigest()[:6].upper()


def with_vote_end(queryset):
    """Annotate each project with its cycle's vote end (`vote_ends_at`), in the same query."""
    vote = Phase.objects.filter(cycle=OuterRef("cycle_id"), kind=PhaseKind.VOTE).values("ends_at")[:1]
    return queryset.annotate(vote_ends_at=Subquery(vote))


def votes_are_counted(project, now=None) -> bool:
    """Whether the back office may show the project's votes: its cycle's vote has ended (or it is
    an imported cycle, whose votes were public before it came in). A project read without
    `with_vote_end` asks its cycle's phases."""
    if project.cycle.is_simulation:
        return True
    if hasattr(project, "vote_ends_at"):
        ends_at = project.vote_ends_at
    else:
        vote = project.cycle.vote_phase()
        ends_at = vote.ends_at if vote is not None else None
    return ends_at is not None and ends_at <= (now or timezone.now())


def is_confirmed_for_implementation(project) -> bool:
    return ProjectResult.objects.filter(project=project, funded=True, confirmed=True).exists()


# --- The forms behind the buttons ------------------------------------------------------------------


def _text_field(label, help_text="", required=True):
    return forms.CharField(label=label, required=required, help_text=help_text, max_length=REVIEW_MAX_LENGTH,
                           widget=forms.Textarea(attrs={"rows": 4, "cols": 80}))


class DepartmentForm(forms.Form):
    department = forms.ModelChoiceField(
        label=_("responsible department"),
        queryset=OrgUnit.objects.filter(is_active=True).order_by("order", "code"),
        help_text=_("Its officials see the project in the back office and record the feasibility check."),
    )


class FeasibilityForm(forms.Form):
    feasible = forms.TypedChoiceField(
        label=_("outcome"),
        choices=[("yes", _("Feasible: it goes to the committee and on the ballot")),
                 ("no", _("Not feasible: it is not on the ballot"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    legal_review = _text_field(_("legal feasibility"), _("Public, on the project's page."))
    technical_review = _text_field(_("technical feasibility"), _("Public, on the project's page."))
    adjusted_cost = WonField(
        label=_("adjusted cost (KRW)"), required=False, min_value=1,
        help_text=_("Only if the project would cost something other than the proposer's estimate; within the "
                    "pot's maximum per project."),
        error_messages={"invalid": _("Give the cost in won, as a whole number."),
                        "min_value": _("The cost must be more than 0 won.")},
    )
    cost_reason = _text_field(_("reason for the adjusted cost"), required=False)
    infeasible_reason = _text_field(
        _("reason it is not feasible"), _("Required when it is not feasible: sent to the proposer and public."),
        required=False,
    )


class CommitteeForm(forms.Form):
    review_deadline = forms.DateTimeField(
        label=_("review deadline"), required=False,
        help_text=_("Seoul time. Members score the project from 0 to 100 until then."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


class ScoresForm(forms.Form):
    school_score = forms.DecimalField(label=_("budget school score"), required=False, min_value=0, max_value=100,
                                      decimal_places=2, help_text=_("0 to 100; empty for no score."))
    proposers_score = forms.DecimalField(label=_("proposers' score"), required=False, min_value=0, max_value=100,
                                         decimal_places=2, help_text=_("0 to 100; empty for no score."))


class MilestoneAddForm(forms.Form):
    title_ko = forms.CharField(label=_("title (Korean)"), max_length=Milestone._meta.get_field("title_ko").max_length)
    title_en = forms.CharField(label=_("title (English)"), required=False,
                               max_length=Milestone._meta.get_field("title_en").max_length)
    due_on = forms.DateField(label=_("due on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


class MilestoneProgressForm(forms.Form):
    progress = forms.IntegerField(label=_("progress (%)"), min_value=0, max_value=100)
    completed_on = forms.DateField(
        label=_("completed on"), required=False, help_text=_("Only once the progress is 100; today when left empty."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    note_ko = forms.CharField(label=_("note (Korean)"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    note_en = forms.CharField(label=_("note (English)"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


# --- The moves -------------------------------------------------------------------------------------


def _assign(actor, project, *, department):
    return project_assign_department(actor=actor, project=project, department=department)


def _feasibility(actor, project, *, feasible, legal_review, technical_review, adjusted_cost, cost_reason,
                 infeasible_reason):
    return project_check_feasibility(
        actor=actor, project=project, feasible=feasible, legal_review=legal_review,
        technical_review=technical_review, adjusted_cost=adjusted_cost, cost_reason=cost_reason,
        infeasible_reason=infeasible_reason,
    )


def _committee(actor, project, *, review_deadline):
    return project_send_to_committee(actor=actor, project=project, review_deadline=review_deadline)


def _scores(actor, project, *, school_score, proposers_score):
    return project_scores_record(actor=actor, project=project, school_score=school_score,
                                 proposers_score=proposers_score)


def _add_milestone(actor, project, *, title_ko, title_en, due_on):
    return milestone_add(actor=actor, project=project, title_ko=title_ko, title_en=title_en, due_on=due_on)


# Moves whose permission is a predicate rather than a registered permission.
RUNS_REAL_CYCLE = budget_rules.runs_cycle & budget_rules.real_cycle
# The budget school's and the proposers' scores are inputs of the final score: frozen with the
# cycle's rules once the vote opens (project_scores_record refuses them too).
RECORDS_SCORES = RUNS_REAL_CYCLE & ~budget_rules.rules_frozen

PROJECT_MOVES = {
    move.name: move
    for move in [
        Move(
            name="department",
            perm="",
            applies=lambda project: project.status == Status.SUBMITTED,
            form_class=DepartmentForm,
            run=_assign,
            label=_("Assign the department"),
            intro=_("The department checks the project's legal and technical feasibility and its cost."),
            submit=_("Assign"),
            done=_('"%(title)s" is assigned to its department.'),
            wrong_state=_("Only a submitted project, not yet checked, is assigned a department."),
        ),
        Move(
            name="feasibility",
            perm="budgeting.check_feasibility",
            applies=lambda project: project.status == Status.SUBMITTED,
            form_class=FeasibilityForm,
            run=_feasibility,
            label=_("Record feasibility"),
            intro=_("The outcome, the reviews and the reasons are public on the project's page; the proposer "
                    "is told the outcome by SMS or email. This cannot be undone."),
            submit=_("Record"),
            done=_('The feasibility of "%(title)s" is recorded.'),
            wrong_state=_("Only a submitted project is checked."),
        ),
        Move(
            name="committee",
            perm="budgeting.send_to_committee",
            applies=lambda project: project.status == Status.FEASIBLE and project.agenda_item_id is None,
            form_class=CommitteeForm,
            run=_committee,
            label=_("Send to committee"),
            intro=_("The project becomes an agenda item of its sector's subcommittee, whose members score it "
                    "from 0 to 100 in the review workspace. The mean comes back when the item is closed."),
            submit=_("Send"),
            done=_('"%(title)s" is on the committee\'s agenda.'),
            wrong_state=_("Only a feasible project not yet on the agenda goes to the committee."),
        ),
        Move(
            name="scores",
            perm="",
            applies=lambda project: project.status == Status.FEASIBLE,
            form_class=ScoresForm,
            run=_scores,
            label=_("Record budget-school and proposers' scores"),
            intro=_("Scores from 0 to 100, weighted in the final score as the cycle's rules say. They can be "
                    "recorded until the citizen vote opens."),
            submit=_("Record"),
            done=_('The scores of "%(title)s" are recorded.'),
            wrong_state=_("Only a project on the ballot is scored."),
        ),
        Move(
            name="add-milestone",
            perm="budgeting.record_milestone",
            applies=lambda project: project.status == Status.FEASIBLE and is_confirmed_for_implementation(project),
            form_class=MilestoneAddForm,
            run=_add_milestone,
            label=_("Add a milestone"),
            intro=_("A step of the implementation, public on the project's page; the proposer is told."),
            submit=_("Add"),
            done=_('A milestone is added to "%(title)s".'),
            wrong_state=_("Only a funded project the general assembly confirmed has milestones."),
        ),
    ]
}
PREDICATE_MOVES = {"department": RUNS_REAL_CYCLE, "scores": RECORDS_SCORES}


# --- Projects --------------------------------------------------------------------------------------


class MilestoneInline(ReadOnlyInline):
    model = Milestone
    fields = ["milestone_link", "due_on", "progress", "completed_on"]
    readonly_fields = fields
    verbose_name_plural = _("milestones")

    @admin.display(description=_("milestone"))
    def milestone_link(self, milestone):
        url = reverse("admin:budgeting_milestone_change", args=[milestone.pk])
        return format_html('<a href="{}">{}</a>', url, milestone.title_ko)


RECORD_FIELDSETS = [
    (None, {"fields": ["title", "cycle", "pot", "sector", "status", "proposer_display", "submitted_at",
                       "withdrawn_at", "source_ref"]}),
    (_("The proposal"), {"fields": ["summary", "description", "location", "district", "beneficiaries",
                                    "estimated_cost", "image_alt"]}),
    (_("Feasibility"), {"fields": ["department", "legal_review", "technical_review", "adjusted_cost", "cost_reason",
                                   "infeasible_reason", "checked_by", "checked_at"]}),
    (_("Scores and votes"), {"fields": ["agenda_item_id", "committee_score", "committee_spread", "committee_reviews",
                                        "school_score", "proposers_score", "votes_display"]}),
]
RECORD_FIELDS = [name for _title, options in RECORD_FIELDSETS for name in options["fields"]]


@admin.register(Project)
class ProjectAdmin(MovesMixin, admin.ModelAdmin):
    moves = PROJECT_MOVES
    move_errors = (BudgetingError,)
    fieldsets = RECORD_FIELDSETS
    readonly_fields = RECORD_FIELDS
    inlines = [MilestoneInline]
    list_display = ["title", "cycle", "pot", "sector", "status", "department", "cost_display", "committee_score",
                    "votes_display"]
    list_filter = ["status", ("cycle", admin.RelatedOnlyFieldListFilter), ("pot", admin.RelatedOnlyFieldListFilter),
                   ("sector", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["cycle", "pot", "sector", "department"]
    search_fields = ["title"]
    ordering = ["-cycle__year", "pot", "pk"]

    def get_queryset(self, request):
        queryset = with_vote_end(super().get_queryset(request).exclude(status=Status.DRAFT))
        return scope_projects(queryset.select_related("cycle", "pot", "sector", "department", "district"), request)

    def get_object(self, request, object_id, from_field=None):
        try:
            return self.get_queryset(request).select_related("checked_by").prefetch_related("cycle__phases").get(
                pk=int(object_id)
            )
        except (Project.DoesNotExist, ValueError, TypeError, OverflowError, ValidationError):
            return None

    def has_module_permission(self, request):
        return request_may_open(request)

    def has_view_permission(self, request, obj=None):
        if obj is None:
            return request_may_open(request)
        return project_in_scope(request, obj)

    def has_add_permission(self, request):
        return False  # citizens propose projects; an imported cycle comes with its own

    def has_change_permission(self, request, obj=None):
        return False  # the buttons move a project; its fields are the record

    def has_delete_permission(self, request, obj=None):
        return False

    def may_make(self, request, move, obj):
        if move.name in PREDICATE_MOVES:
            return PREDICATE_MOVES[move.name].test(request.user, obj)
        # The rules themselves, not user.has_perm: Django lets a superuser through any permission,
        # and these also depend on the phase, which binds superusers too.
        return rules.has_perm(move.perm, request.user, self.move_perm_object(obj))

    def move_initial(self, move, project):
        if move.name == "scores":
            return {"school_score": project.school_score, "proposers_score": project.proposers_score}
        if move.name == "feasibility":
            return {"adjusted_cost": None}
        if move.name == "department" and project.department_id:
            return {"department": project.department_id}
        return {}

    def move_summary(self, project):
        return [
            (_("title"), project.title),
            (_("status"), project.get_status_display()),
            (_("pot"), f"{project.pot.name_ko} (≤ {project.pot.project_cap:,})"),
            (_("estimated cost (KRW)"), f"{project.estimated_cost:,}"),
            (_("summary"), project.summary),
            (_("description"), project.description),
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["budget_moves"] = self.move_buttons(request, obj)
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    def get_urls(self):
        from .implementation import implementation_urls

        return [*implementation_urls(self.admin_site), *super().get_urls()]

    @admin.display(description=_("cost (KRW)"))
    def cost_display(self, project):
        return f"{project.cost:,}"

    @admin.display(description=_("votes"))
    def votes_display(self, project):
        if votes_are_counted(project):
            return f"{project.votes:,}"
        return format_html('– <span class="help">{}</span>', gettext("counted after the vote ends"))

    @admin.display(description=_("proposer"))
    def proposer_display(self, project):
        if project.proposer_id is None:
            return "-"
        return gettext("Citizen %(code)s") % {"code": proposer_pseudonym(project.proposer_id)}


# --- Milestones ------------------------------------------------------------------------------------


def _progress(actor, milestone, *, progress, completed_on, note_ko, note_en):
    return milestone_update(actor=actor, milestone=milestone, progress=progress, completed_on=completed_on,
                            note_ko=note_ko, note_en=note_en)


MILESTONE_MOVES = {
    "progress": Move(
        name="progress",
        perm="budgeting.record_milestone",
        applies=lambda milestone: True,
        form_class=MilestoneProgressForm,
        run=_progress,
        label=_("Record progress"),
        intro=_("The progress is public on the project's page; the proposer is told. At 100 % the milestone is "
                "complete."),
        submit=_("Record"),
        done=_('The progress of "%(title)s" is recorded.'),
        wrong_state=_("This milestone cannot be updated."),
    )
}


@admin.register(Milestone)
class MilestoneAdmin(MovesMixin, admin.ModelAdmin):
    moves = MILESTONE_MOVES
    move_errors = (BudgetingError,)
    list_display = ["title_ko", "project", "due_on", "progress", "completed_on"]
    list_filter = [("project__cycle", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["project"]
    search_fields = ["title_ko", "title_en", "project__title"]
    fields = ["project", "title_ko", "title_en", "due_on", "progress", "completed_on", "note_ko", "note_en"]
    readonly_fields = fields

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("project__cycle", "project__department")
        return scope_projects(queryset, request, prefix="project__")

    def has_module_permission(self, request):
        return request_may_open(request)

    def has_view_permission(self, request, obj=None):
        if obj is None:
            return request_may_open(request)
        return project_in_scope(request, obj.project)

    def has_add_permission(self, request):
        return False  # added with the button on the project's page

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def may_make(self, request, move, obj):
        # The rules themselves, not user.has_perm, which lets a superuser through outside the phase.
        return rules.has_perm(move.perm, request.user, self.move_perm_object(obj))

    def move_perm_object(self, milestone):
        return milestone.project

    def move_initial(self, move, milestone):
        return {"progress": milestone.progress, "completed_on": milestone.completed_on, "note_ko": milestone.note_ko,
                "note_en": milestone.note_en}

    def move_summary(self, milestone):
        return [
            (_("project"), milestone.project.title),
            (_("title (Korean)"), milestone.title_ko),
            (_("due on"), milestone.due_on.isoformat()),
            (_("progress (%)"), milestone.progress),
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["budget_moves"] = self.move_buttons(request, obj)
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)
