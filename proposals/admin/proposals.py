"""The officials' back office for Democratic Seoul's proposals, and the categories.

Who sees what: a superuser every proposal; the proposals office (staff with the permission to
change proposals) every published one; another official the proposals assigned to the units they
serve in today (directly: not the units below, as in the milestone admin; the unit that answers a
proposal is the one that sees it). Drafts are the citizen's private work and are never shown to officials.
The proposer is named by the same pseudonym as on the public pages: officials answer a proposal, they
do not need to know who made it.

A proposal's page is read-only: the status and the lifecycle fields change only through the
buttons on it (answer, reassign, promote to a debate, record the Mayor's answer), each leading to a
small form whose POST calls the service. A button shows when the predicate allows it and the
proposal is in a state the move starts from; the services check both again, and what they refuse
is shown on the form. Who supported a proposal is not shown at all: officials see the counts.
"""

from dataclasses import dataclass
from datetime import date

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.templatetags.static import static
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from audit.services import audit_record
from governance.models import OrgUnit
from seoul_portal.pagination import CappedCountPaginator

from ..errors import ProposalError
from ..forms.admin import MayorAnswerForm, ProposalAnswerForm, ProposalAssignForm, ProposalPromoteForm
from ..models import Assignment, Category, Proposal, StageChange
from ..question_rules import can_update_implementation
from ..rules import can_open_back_office, is_proposals_office, is_superuser
from ..selectors.proposals import proposer_pseudonym
from ..services import proposal_answer, proposal_assign, proposal_mayor_answer, proposal_promote
from .implementation import MilestoneInline, request_unit_ids
from .inlines import ReadOnlyInline

Status = Proposal.Status
ACCEPTED_ANSWERS = frozenset({Proposal.AnswerType.ACCEPTED, Proposal.AnswerType.PARTIALLY_ACCEPTED})


# --- Who sees what ----------------------------------------------------------------------------


def request_may_open(request) -> bool:
    """Whether the signed-in official may open the proposals' list at all, computed once per request
    (the admin asks on every page, for the navigation too)."""
    if not hasattr(request, "_proposals_may_open"):
        request._proposals_may_open = can_open_back_office(request.user)
    return request._proposals_may_open


def scope_proposals(queryset, request):
    """The proposals of `queryset` the signed-in official may see in the back office."""
    user = request.user
    if is_superuser(user):
        return queryset
    published = queryset.exclude(status=Status.DRAFT)
    if is_proposals_office(user):
        return published
    return published.filter(assigned_unit_id__in=sorted(request_unit_ids(request)))


def in_scope(request, proposal) -> bool:
    """Whether one proposal is among those `scope_proposals` lets the official see (no query)."""
    user = request.user
    if is_superuser(user):
        return True
    if proposal.status == Status.DRAFT:
        return False
    return is_proposals_office(user) or proposal.assigned_unit_id in request_unit_ids(request)


def days_overdue(proposal, today: date | None = None) -> int | None:
    """Days the department's answer is late, counting the first overdue day as 1; None when not flagged."""
    if proposal.answer_overdue_since is None:
        return None
    today = today or timezone.localdate()
    return max((today - proposal.answer_overdue_since).days + 1, 1)


class OverdueFilter(admin.SimpleListFilter):
    title = _("answer overdue")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("Overdue")), ("no", _("Under review, not overdue"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(answer_overdue_since__isnull=False)
        if self.value() == "no":
            return queryset.filter(status=Status.UNDER_REVIEW, answer_overdue_since__isnull=True)
        return queryset


# --- The moves on a proposal's page -----------------------------------------------------------


@dataclass(frozen=True)
class BackOfficeMove:
    """One button on a proposal's page and the form behind it. The form's cleaned data are the
    service's keyword arguments (besides actor and proposal)."""

    name: str
    perm: str
    from_statuses: frozenset
    form_class: type
    service: object
    label: str
    intro: str
    submit: str
    done: str
    wrong_state: str

    @property
    def url_name(self) -> str:
        return f"proposals_proposal_{self.name.replace('-', '_')}"


MOVES = {
    move.name: move
    for move in [
        BackOfficeMove(
            name="answer",
            perm="proposals.answer_proposal",
            from_statuses=frozenset({Status.UNDER_REVIEW}),
            form_class=ProposalAnswerForm,
            service=proposal_answer,
            label=_("Answer the proposal"),
            intro=_(
                "The department's answer is published on the proposal and sent to the proposer and the followers. "
                "It cannot be changed afterwards."
            ),
            submit=_("Publish the answer"),
            done=_('The answer to "%(title)s" is published.'),
            wrong_state=_("Only a proposal under review can be answered."),
        ),
        BackOfficeMove(
            name="reassign",
            perm="proposals.assign_proposal",
            from_statuses=frozenset({Status.UNDER_REVIEW}),
            form_class=ProposalAssignForm,
            service=proposal_assign,
            label=_("Reassign to another unit"),
            intro=_(
                "The new unit answers the proposal instead. The reassignment and its reason are shown on the "
                "proposal's public timeline."
            ),
            submit=_("Reassign"),
            done=_('"%(title)s" is reassigned.'),
            wrong_state=_("Only a proposal under review can be reassigned."),
        ),
        BackOfficeMove(
            name="promote",
            perm="proposals.promote_proposal",
            from_statuses=frozenset({Status.ANSWERED, Status.CLOSED_INSUFFICIENT}),
            form_class=ProposalPromoteForm,
            service=proposal_promote,
            label=_("Promote to a public debate (우수제안)"),
            intro=_(
                "For the citizen panel: opens a public debate for this proposal although it has fewer supports "
                "than the threshold. The panel's reason is published on the proposal."
            ),
            submit=_("Open the debate"),
            done=_('A public debate on "%(title)s" is open.'),
            wrong_state=_("Only an answered proposal or one closed for lack of support can be promoted to a debate."),
        ),
        BackOfficeMove(
            name="mayor-answer",
            perm="proposals.record_mayor_answer",
            from_statuses=frozenset({Status.AWAITING_MAYOR}),
            form_class=MayorAnswerForm,
            service=proposal_mayor_answer,
            label=_("Record the Mayor's answer"),
            intro=_(
                "The Mayor's answer is published on the proposal and sent to the proposer and the followers. "
                "It cannot be changed afterwards."
            ),
            submit=_("Publish the Mayor's answer"),
            done=_('The Mayor\'s answer to "%(title)s" is published.'),
            wrong_state=_("This proposal is not awaiting the Mayor's answer."),
        ),
    ]
}


# --- Read-only history on a proposal's page ---------------------------------------------------


class StageChangeInline(ReadOnlyInline):
    model = StageChange
    fields = ["at", "from_status", "to_status", "reason", "actor"]
    readonly_fields = fields
    verbose_name_plural = _("timeline")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


class AssignmentInline(ReadOnlyInline):
    model = Assignment
    fields = ["assigned_at", "unit", "assigned_by", "reason"]
    readonly_fields = fields
    verbose_name_plural = _("responsible units (first assignment and reassignments)")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("unit", "assigned_by")


# --- Proposals --------------------------------------------------------------------------------

PROPOSAL_FIELDSETS = [
    (
        None,
        {
            "fields": [
                "title",
                "body",
                "category",
                "district",
                "proposer",
                "status",
                "created_at",
                "published_at",
                "window_opens_at",
                "window_closes_at",
            ]
        },
    ),
    (_("Supports"), {"fields": ["support_count", "withdrawn_supports"]}),
    (
        _("Department review"),
        {
            "fields": [
                "assigned_unit",
                "answer_due_on",
                "answer_overdue_since",
                "overdue_days",
                "answer_type",
                "answer_reason",
                "implementation_plan",
                "answered_at",
                "answered_by",
            ]
        },
    ),
    (
        _("Public debate and the Mayor"),
        {
            "fields": [
                "debate_opens_at",
                "debate_closes_at",
                "promotion_reason",
                "debate_participant_count",
                "mayor_answer",
                "mayor_answered_at",
            ]
        },
    ),
    (_("Implementation"), {"fields": ["implementation_progress", "implemented_at"]}),
]
PROPOSAL_READONLY = [name for _title, options in PROPOSAL_FIELDSETS for name in options["fields"]]


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "title",
        "status",
        "category",
        "district",
        "support_count",
        "assigned_unit",
        "answer_due_on",
        "overdue_flag",
    ]
    list_display_links = ["id", "title"]
    list_filter = ["status", "category", ("assigned_unit", admin.RelatedOnlyFieldListFilter), OverdueFilter, "district"]
    list_select_related = ["category", "district", "assigned_unit"]
    search_fields = ["title"]
    date_hierarchy = "published_at"
    # Proposals pile up year after year (bench/ seeds 100,000): count at most 1,001 for the pages,
    # and not the whole table a second time.
    paginator = CappedCountPaginator
    show_full_result_count = False
    # The most overdue answers first, then the newest.
    ordering = [F("answer_overdue_since").asc(nulls_last=True), "-published_at", "-pk"]
    fieldsets = PROPOSAL_FIELDSETS
    readonly_fields = PROPOSAL_READONLY
    inlines = [StageChangeInline, AssignmentInline]

    # Who may open what.

    def get_queryset(self, request):
        return scope_proposals(
            super().get_queryset(request).select_related("category", "district", "assigned_unit"), request
        )

    def has_module_permission(self, request):
        return request_may_open(request) or super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        if obj is None:
            return request_may_open(request) or super().has_view_permission(request)
        return in_scope(request, obj)

    def has_add_permission(self, request):
        return False  # citizens write proposals

    def has_change_permission(self, request, obj=None):
        return False  # nothing on the page is edited as a field: the moves below call the services

    def has_delete_permission(self, request, obj=None):
        return False  # a proposal is a public record

    def get_inlines(self, request, obj):
        # Milestones (read-only, kept in the milestone admin) for an accepted or partly accepted answer.
        if obj is not None and obj.answer_type in ACCEPTED_ANSWERS:
            return [*self.inlines, MilestoneInline]
        return self.inlines

    # The list.

    @admin.display(description=_("days overdue"), ordering=Coalesce("answer_overdue_since", Value(date.max)))
    def overdue_flag(self, proposal):
        days = days_overdue(proposal)
        if days is None:
            return ""
        return format_html(
            '<span class="proposals-overdue"><img src="{}" alt="" width="14" height="14"> {}</span>',
            static("admin/img/icon-alert.svg"),
            ngettext("%(days)s day overdue", "%(days)s days overdue", days) % {"days": days},
        )

    # The page.

    @admin.display(description=_("proposer"))
    def proposer(self, proposal):
        if proposal.author.erased_at:
            return gettext("A citizen whose account was deleted")
        return gettext("Citizen %(code)s") % {"code": proposer_pseudonym(proposal.author_id)}

    @admin.display(description=_("withdrawn supports"))
    def withdrawn_supports(self, proposal):
        return proposal.supports.filter(withdrawn_at__isnull=False).count()

    @admin.display(description=_("days overdue"))
    def overdue_days(self, proposal):
        days = days_overdue(proposal)
        return "" if days is None else days

    def available_moves(self, request, proposal) -> list[BackOfficeMove]:
        return [
            move
            for move in MOVES.values()
            if proposal.status in move.from_statuses and request.user.has_perm(move.perm, proposal)
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["proposal_moves"] = [
                {"label": move.label, "url": reverse(f"admin:{move.url_name}", args=[obj.pk])}
                for move in self.available_moves(request, obj)
            ]
            context["days_overdue"] = days_overdue(obj)
            # The milestones inline links to the milestone admin's add form for those who keep them.
            context["may_add_milestone"] = can_update_implementation.test(request.user, obj)
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    # The moves.

    def get_urls(self):
        return [
            *[
                path(
                    f"<path:object_id>/{move.name}/",
                    self.admin_site.admin_view(self.move_view),
                    {"move_name": move.name},
                    name=move.url_name,
                )
                for move in MOVES.values()
            ],
            *super().get_urls(),
        ]

    def move_view(self, request, object_id, move_name):
        move = MOVES[move_name]
        proposal = self.get_object(request, unquote(object_id))  # scoped to what the official may see
        if proposal is None:
            raise Http404(gettext("No such proposal among those you may see."))
        if not request.user.has_perm(move.perm, proposal):
            raise PermissionDenied
        change_url = reverse("admin:proposals_proposal_change", args=[proposal.pk])
        if request.method == "POST":
            form = move.form_class(request.POST)
            if form.is_valid():
                try:
                    moved = move.service(actor=request.user, proposal=proposal, **form.cleaned_data)
                except ProposalError as error:
                    form.add_error(error.field if error.field in form.fields else None, error.message)
                else:
                    self.log_change(request, moved, [{"changed": {"fields": [str(move.label)]}}])
                    self.message_user(request, move.done % {"title": moved.title}, messages.SUCCESS)
                    # Reassigned away from the official's units, the proposal is no longer theirs to open.
                    if not in_scope(request, moved):
                        return HttpResponseRedirect(reverse("admin:proposals_proposal_changelist"))
                    return HttpResponseRedirect(change_url)
        elif proposal.status not in move.from_statuses:
            self.message_user(request, move.wrong_state, messages.ERROR)
            return HttpResponseRedirect(change_url)
        else:
            form = move.form_class()
        context = {
            **self.admin_site.each_context(request),
            "title": move.label,
            "subtitle": proposal.title,
            "opts": self.opts,
            "original": proposal,
            "proposal": proposal,
            "move": move,
            "form": form,
            "days_overdue": days_overdue(proposal),
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/proposals/proposal/move.html", context)


# --- Categories -------------------------------------------------------------------------------


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    """The proposals' categories, each with the unit a proposal goes to when it reaches review."""

    list_display = ["slug", "name_ko", "name_en", "default_unit"]
    list_select_related = ["default_unit"]
    search_fields = ["slug", "name_ko", "name_en"]
    fields = ["slug", "name_ko", "name_en", "default_unit"]
    ordering = ["slug"]

    def get_readonly_fields(self, request, obj=None):
        return ["slug"] if obj else []  # the slug is in the public list's filter addresses

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "default_unit":
            kwargs["queryset"] = OrgUnit.objects.filter(is_active=True).order_by("order", "code")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,
            action="proposal_category.change" if change else "proposal_category.create",
            target=obj,
            ip=getattr(request, "client_ip", None),
            summary={"fields": sorted(form.changed_data)},
        )

    def delete_model(self, request, obj):
        pk = obj.pk
        super().delete_model(request, obj)
        audit_record(
            actor=request.user,
            action="proposal_category.delete",
            target=("proposals.category", pk),
            ip=getattr(request, "client_ip", None),
        )

    def delete_queryset(self, request, queryset):
        for category in queryset:
            self.delete_model(request, category)
