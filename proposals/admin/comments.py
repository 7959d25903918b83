"""The moderators' queue of comments.

Opens on the comments hidden pending moderation (three reports hide one); the filter also lists the
visible comments with open reports, the removed ones, or all. Each comment's page has one form: restore
it (shown again, its reports closed) or remove it with a reason, which the public page shows in its
place. Both go through comment_moderate, which audits them; nothing of a comment is edited here, and
a removed comment is a read-only record. The list can restore several comments at once; removing needs
a reason per comment, so it is done on the comment's page.

Moderators: superusers and staff with the permission to change comments (`proposals.moderate_comment`).
"""

from django.contrib import admin, messages
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.template.defaultfilters import linebreaksbr, truncatechars
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from seoul_portal.pagination import CappedCountPaginator

from .. import comment_rules
from ..errors import ProposalError
from ..forms.comments import CommentModerationForm
from ..models import Comment, CommentReport
from ..services.comments import RESTORE, comment_moderate, open_reports_of_comment

Status = Comment.Status
Reason = CommentReport.Reason


class ModerationQueueFilter(admin.SimpleListFilter):
    """The queue shows what waits for a decision unless the moderator picks another list."""

    title = _("moderation queue")
    parameter_name = "queue"
    default = "pending"

    def lookups(self, request, model_admin):
        return [
            ("pending", _("Hidden, awaiting a decision")),
            ("reported", _("Visible, with open reports")),
            ("removed", _("Removed")),
            ("all", _("All comments")),
        ]

    def value(self):
        return super().value() or self.default

    def choices(self, changelist):
        # No "All" link of Django's own: without the parameter the queue is the default list.
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        value = self.value()
        if value == "pending":
            return queryset.filter(status=Status.HIDDEN_PENDING)
        if value == "reported":
            return queryset.filter(status=Status.VISIBLE, report_count__gt=0)
        if value == "removed":
            return queryset.filter(status=Status.REMOVED)
        return queryset


RECORD_FIELDS = [
    "proposal",
    "author_display",
    "parent",
    "text_display",
    "created_at",
    "edited_at",
    "status",
    "report_count",
    "reports_display",
    "moderation_reason",
    "moderated_at",
    "moderated_by",
]


@admin.register(Comment)
class CommentModerationAdmin(admin.ModelAdmin):
    form = CommentModerationForm
    list_display = ["excerpt", "proposal", "author_display", "status", "open_reports_display", "created_at"]
    list_display_links = ["excerpt"]
    list_filter = [ModerationQueueFilter]
    list_select_related = ["proposal", "author"]
    list_per_page = 50
    # "All comments" is every comment ever written: count at most 1,001 of them for the pages, and
    # not the whole table a second time.
    paginator = CappedCountPaginator
    show_full_result_count = False
    search_fields = ["body", "proposal__title"]
    ordering = ["-report_count", "created_at", "pk"]
    actions = ["restore_comments"]
    readonly_fields = RECORD_FIELDS

    # --- Who ------------------------------------------------------------------------------------

    def _is_moderator(self, request):
        return comment_rules.can_moderate_comment.test(request.user)

    def has_module_permission(self, request):
        return self._is_moderator(request)

    def has_view_permission(self, request, obj=None):
        return self._is_moderator(request)

    def has_change_permission(self, request, obj=None):
        # A removed comment is a record: its page is read-only.
        return self._is_moderator(request) and (obj is None or obj.status != Status.REMOVED)

    def has_moderate_permission(self, request):
        return self._is_moderator(request)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    # --- What -----------------------------------------------------------------------------------

    def get_queryset(self, request):
        open_reports = open_reports_of_comment()
        counts = {
            f"open_{code}": Count("reports", filter=Q(reports__reason=code) & open_reports) for code in Reason.values
        }
        return super().get_queryset(request).annotate(**counts)

    def get_fieldsets(self, request, obj=None):
        fieldsets = [(None, {"fields": RECORD_FIELDS})]
        if self.has_change_permission(request, obj):
            fieldsets.append((_("Moderation decision"), {"fields": ["decision", "reason"]}))
        return fieldsets

    @admin.display(description=_("comment"))
    def excerpt(self, obj):
        return truncatechars(obj.body, 80)

    @admin.display(description=_("author"))
    def author_display(self, obj):
        return str(obj.author)

    @admin.display(description=_("text"))
    def text_display(self, obj):
        return linebreaksbr(obj.body, autoescape=True)

    @admin.display(description=_("open reports"))
    def open_reports_display(self, obj):
        parts = [
            f"{label} {getattr(obj, f'open_{code}', 0)}"
            for code, label in Reason.choices
            if getattr(obj, f"open_{code}", 0)
        ]
        return ", ".join(parts) or "-"

    @admin.display(description=_("report history"))
    def reports_display(self, obj):
        reports = list(obj.reports.order_by("created_at", "pk"))
        if not reports:
            return "-"
        closed_before = obj.moderated_at
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li>{} — {} ({})</li>",
                (
                    (
                        report.get_reason_display(),
                        # In Seoul's time (the database keeps UTC).
                        timezone.localtime(report.created_at).strftime("%Y-%m-%d %H:%M"),
                        _("closed") if closed_before and report.created_at <= closed_before else _("open"),
                    )
                    for report in reports
                ),
            ),
        )

    # --- Decisions ------------------------------------------------------------------------------

    def save_model(self, request, obj, form, change):
        # The form's clean() ran the same checks; a refusal here means another moderator decided meanwhile.
        try:
            comment_moderate(
                actor=request.user,
                comment=obj,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
            )
        except ProposalError as error:
            request._comment_moderation_refused = True
            self.message_user(request, error.message, messages.ERROR)
        obj.refresh_from_db()

    def log_change(self, request, obj, message):
        if getattr(request, "_comment_moderation_refused", False):
            return None
        return super().log_change(request, obj, message)

    def response_change(self, request, obj):
        if getattr(request, "_comment_moderation_refused", False):
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    @admin.action(description=_("Restore the selected comments (close their reports)"), permissions=["moderate"])
    def restore_comments(self, request, queryset):
        restored = 0
        for comment in queryset:
            try:
                comment_moderate(actor=request.user, comment=comment, decision=RESTORE)
            except ProposalError as error:
                self.message_user(request, f"{truncatechars(comment.body, 40)}: {error.message}", messages.WARNING)
            else:
                restored += 1
                self.log_change(request, comment, gettext("Restored the comment and closed its reports."))
        if restored:
            self.message_user(
                request,
                ngettext("%(count)d comment restored.", "%(count)d comments restored.", restored) % {"count": restored},
                messages.SUCCESS,
            )
