"""Emergency keywords and their alerts in the back office, and the trends' stop words.

Keywords and stop words are settings officials keep (Django's model permissions say who): saving
or deleting one clears the cache the intake and the tokeniser read, once the change commits.
Alerts are a record: nobody edits them; an official of the unit on duty (or one who handles
every unit) acknowledges them with the action, which calls the service (audited)."""

from django.contrib import admin, messages
from django.db import transaction
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from governance.selectors.org import visible_unit_ids

from ..errors import ComplaintError
from ..models import EmergencyAlert, EmergencyKeyword, TrendStopWord
from ..rules import handles_any_unit
from ..selectors.queues import may_open_queue
from ..services.emergency import emergency_alert_acknowledge, emergency_keywords_changed
from ..terms import normalise_word, stop_words_changed


class _ClearsCacheOnChange:
    cache_changed = staticmethod(lambda: None)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        transaction.on_commit(self.cache_changed)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        transaction.on_commit(self.cache_changed)

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        transaction.on_commit(self.cache_changed)


@admin.register(EmergencyKeyword)
class EmergencyKeywordAdmin(_ClearsCacheOnChange, admin.ModelAdmin):
    cache_changed = staticmethod(emergency_keywords_changed)
    list_display = ["phrase", "unit", "is_active", "created_at"]
    list_filter = ["is_active", "unit"]
    search_fields = ["phrase"]
    fields = ["phrase", "unit", "is_active"]
    list_select_related = ["unit"]
    actions = ["deactivate"]

    @admin.action(description=_("Deactivate the selected keywords"), permissions=["change"])
    def deactivate(self, request, queryset):
        changed = queryset.filter(is_active=True).update(is_active=False)
        transaction.on_commit(emergency_keywords_changed)
        self.message_user(request, ngettext("%(count)d keyword deactivated.", "%(count)d keywords deactivated.",
                                            changed) % {"count": changed})  # fmt: skip


class AcknowledgedFilter(admin.SimpleListFilter):
    title = _("acknowledged")
    parameter_name = "acknowledged"

    def lookups(self, request, model_admin):
        return [("no", _("Not yet")), ("yes", _("Acknowledged"))]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.filter(acknowledged_at__isnull=True)
        if self.value() == "yes":
            return queryset.filter(acknowledged_at__isnull=False)
        return queryset


@admin.register(EmergencyAlert)
class EmergencyAlertAdmin(admin.ModelAdmin):
    list_display = ["raised_at", "keyword", "complaint_link", "unit", "acknowledged_at", "acknowledged_by"]
    list_filter = [AcknowledgedFilter, "unit", "keyword"]
    list_select_related = ["keyword", "complaint", "unit", "acknowledged_by"]
    fields = ["complaint_link", "keyword", "unit", "raised_at", "acknowledged_at", "acknowledged_by"]
    readonly_fields = fields
    actions = ["acknowledge"]
    list_per_page = 50

    def get_queryset(self, request):
        alerts = super().get_queryset(request)
        if handles_any_unit.test(request.user):
            return alerts
        return alerts.filter(unit_id__in=visible_unit_ids(request.user))

    def has_module_permission(self, request):
        return may_open_queue(request.user)

    def has_view_permission(self, request, obj=None):
        return may_open_queue(request.user)

    def has_add_permission(self, request):
        return False  # raised by the intake only

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        # The action is the only write: offered to whoever sees the list (the service checks the unit).
        actions = super().get_actions(request)
        if "acknowledge" not in actions and may_open_queue(request.user):
            actions["acknowledge"] = self.get_action("acknowledge")
        return actions

    @admin.display(description=_("complaint"), ordering="complaint__tracking_number")
    def complaint_link(self, alert):
        url = reverse("admin:complaints_complaint_change", args=[alert.complaint_id])
        return format_html('<a href="{}">{}</a>', url, alert.complaint.tracking_number)

    @admin.action(description=_("Acknowledge the selected alerts"))
    def acknowledge(self, request, queryset):
        done, refused = 0, []
        for alert in queryset.order_by("pk"):
            try:
                emergency_alert_acknowledge(actor=request.user, alert=alert)
                done += 1
            except ComplaintError as error:
                refused.append(f"{alert.complaint.tracking_number}: {error.message}")
        if done:
            self.message_user(request, ngettext("%(count)d alert acknowledged.", "%(count)d alerts acknowledged.",
                                                done) % {"count": done})  # fmt: skip
        for message in refused:
            self.message_user(request, message, level=messages.WARNING)
        if not done and not refused:
            self.message_user(request, gettext("No alert was selected."), level=messages.WARNING)


@admin.register(TrendStopWord)
class TrendStopWordAdmin(_ClearsCacheOnChange, admin.ModelAdmin):
    cache_changed = staticmethod(stop_words_changed)
    list_display = ["word", "created_at"]
    search_fields = ["word"]
    fields = ["word"]

    def save_model(self, request, obj, form, change):
        # Compared as the tokeniser compares terms: "CCTV" keeps out "cctv".
        obj.word = normalise_word(obj.word)
        super().save_model(request, obj, form, change)
