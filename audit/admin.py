import json

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from citizens.admin_readonly import ReadOnlyModelAdmin

from .models import AuditEvent, PersonalDataAccess
from .selectors import audit_event_actions, audit_events_for_admin


class ActionFilter(admin.SimpleListFilter):
    title = _("action")
    parameter_name = "action"

    def lookups(self, request, model_admin):
        return [(action, action) for action in audit_event_actions()]

    def queryset(self, request, queryset):
        return queryset.filter(action=self.value()) if self.value() else queryset


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyModelAdmin):
    """Read-only: officials can list, filter and open events, never add, change or delete them.

    The client IP is not shown: reading it is itself an access to personal data, which belongs
    in a logged investigation procedure, not in a list anyone with the view permission opens.
    """

    list_display = ["occurred_at", "action", "actor_kind", "actor_id", "target_type", "target_id"]
    # Dates by fixed ranges (today, past 7 days, this month, this year): date_hierarchy would
    # read the distinct dates of every event on each page load.
    list_filter = [ActionFilter, "actor_kind", "occurred_at"]
    # Exact match: the index on target_id serves it, a LIKE '%...%' over years of events would not.
    search_fields = ["=target_id"]
    search_help_text = _("Search by target id (exact).")
    fields = ["occurred_at", "actor_kind", "actor_id", "action", "target_type", "target_id", "summary_json"]
    readonly_fields = fields
    # Counting every event on each page load is the slow part of a long log.
    show_full_result_count = False
    list_per_page = 50

    def get_queryset(self, request):
        return audit_events_for_admin()

    @admin.display(description=_("summary"))
    def summary_json(self, event):
        return json.dumps(event.summary, ensure_ascii=False, sort_keys=True, indent=2)



@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(ReadOnlyModelAdmin):
    """The staff access log, read-only: who opened which record's personal data, when, from where.
    Whoever may read it sees officials' IPs: give its view permission to the privacy officer."""

    list_display = ["accessed_at", "staff_id", "target_type", "target_id", "items", "ip"]
    list_filter = ["target_type", "accessed_at"]
    search_fields = ["=staff_id", "=target_id"]
    search_help_text = _("Search by official id or record id (exact).")
    fields = list_display
    readonly_fields = fields
    show_full_result_count = False
    list_per_page = 50
