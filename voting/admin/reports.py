"""The officials' queue of poll reports.

Opens on the reports not handled yet, the newest first; the filter also lists the handled ones,
or all. A report's page has two buttons: hide the poll (with a
reason shown in its place; the poll's other open reports stay in the queue until handled) or
dismiss the report. Both go through report_resolve, which audits them; nothing of a report is
edited here. The list dismisses several reports at once. Who reported is not shown: the category
and the details are what the decision needs.

Moderators: superusers and staff holding `voting.moderate_poll`.
"""

from django.contrib import admin, messages
from django.db.models import F
from django.template.defaultfilters import truncatechars
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from seoul_portal.admin_moves import Move, MovesMixin

from ..errors import VotingError
from ..models import PollReport
from ..rules import can_moderate
from ..services import report_resolve
from .forms import ConfirmForm, HideForm


def _hide_poll(actor, report, *, reason):
    return report_resolve(actor=actor, report=report, hide=True, reason=reason)


def _dismiss(actor, report):
    return report_resolve(actor=actor, report=report, hide=False)


def _unresolved(report):
    return report.resolved_at is None


REPORT_MOVES = {
    move.name: move
    for move in [
        Move(
            name="hide-poll",
            perm="voting.resolve_report",
            applies=_unresolved,
            form_class=HideForm,
            run=_hide_poll,
            label=_("Hide the poll"),
            intro=_(
                "The reported poll disappears from the lists and stops taking ballots; the reason is shown in its "
                "place. The report is closed as handled by hiding. If the poll is hidden already, only the report "
                "is closed."
            ),
            submit=_("Hide the poll"),
            done=_("The report is handled: the poll is hidden."),
            wrong_state=_("This report has already been handled."),
        ),
        Move(
            name="dismiss",
            perm="voting.resolve_report",
            applies=_unresolved,
            form_class=ConfirmForm,
            run=_dismiss,
            label=_("Dismiss the report"),
            intro=_("The poll stays as it is; the report is closed as dismissed."),
            submit=_("Dismiss"),
            done=_("The report is dismissed."),
            wrong_state=_("This report has already been handled."),
        ),
    ]
}


class ReportQueueFilter(admin.SimpleListFilter):
    """The queue shows what waits for a decision unless the moderator picks another list."""

    title = _("report queue")
    parameter_name = "queue"
    default = "open"

    def lookups(self, request, model_admin):
        return [("open", _("Not handled yet")), ("handled", _("Handled")), ("all", _("All reports"))]

    def value(self):
        return super().value() or self.default

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.filter(resolved_at__isnull=True)
        if self.value() == "handled":
            return queryset.filter(resolved_at__isnull=False)
        return queryset


RECORD_FIELDS = [
    "poll_link", "poll_status", "poll_hidden", "category", "detail", "reported_at", "resolution", "resolved_by",
    "resolved_at",
]


@admin.register(PollReport)
class PollReportAdmin(MovesMixin, admin.ModelAdmin):
    moves = REPORT_MOVES
    move_errors = (VotingError,)
    list_display = ["excerpt", "poll", "category", "reported_at", "resolution", "resolved_at"]
    list_display_links = ["excerpt"]
    list_filter = [ReportQueueFilter, "category"]
    list_select_related = ["poll"]
    list_per_page = 50
    search_fields = ["poll__title", "detail"]
    # Reports waiting for a decision first, the newest first.
    ordering = [F("resolved_at").asc(nulls_first=True), "-reported_at", "-pk"]
    fields = RECORD_FIELDS
    readonly_fields = RECORD_FIELDS
    actions = ["dismiss_reports"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("poll", "resolved_by")

    def _is_moderator(self, request):
        if not hasattr(request, "_voting_moderates"):
            request._voting_moderates = can_moderate.test(request.user)
        return request._voting_moderates

    def has_module_permission(self, request):
        return self._is_moderator(request)

    def has_view_permission(self, request, obj=None):
        return self._is_moderator(request)

    def has_add_permission(self, request):
        return False  # citizens report polls

    def has_change_permission(self, request, obj=None):
        return False  # the buttons call report_resolve

    def has_delete_permission(self, request, obj=None):
        return False

    def has_moderate_permission(self, request):
        return self._is_moderator(request)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["voting_moves"] = self.move_buttons(request, obj)
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    def move_summary(self, report):
        return [
            (_("poll"), report.poll.title),
            (_("status"), report.poll.get_status_display()),
            (_("category"), report.get_category_display()),
            (_("details"), report.detail or "-"),
        ]

    @admin.display(description=_("report"))
    def excerpt(self, report):
        return truncatechars(report.detail, 60) if report.detail else report.get_category_display()

    @admin.display(description=_("poll"))
    def poll_link(self, report):
        url = reverse("admin:voting_poll_change", args=[report.poll_id])
        return format_html('<a href="{}">{}</a>', url, report.poll.title)

    @admin.display(description=_("poll status"))
    def poll_status(self, report):
        return report.poll.get_status_display()

    @admin.display(description=_("poll hidden"), boolean=True)
    def poll_hidden(self, report):
        return report.poll.hidden_at is not None

    @admin.action(description=_("Dismiss the selected reports"), permissions=["moderate"])
    def dismiss_reports(self, request, queryset):
        dismissed = 0
        for report in queryset:
            try:
                report_resolve(actor=request.user, report=report, hide=False)
            except VotingError as error:
                self.message_user(request, f"{report.poll.title}: {error.message}", messages.WARNING)
                continue
            dismissed += 1
            self.log_change(request, report, gettext("Dismissed."))
        if dismissed:
            self.message_user(
                request,
                ngettext("%(count)d report dismissed.", "%(count)d reports dismissed.", dismissed)
                % {"count": dismissed},
                messages.SUCCESS,
            )
