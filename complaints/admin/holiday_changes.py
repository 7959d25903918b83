"""The table of holiday changes the deadlines count on (complaints/calendar.py)."""

from django.contrib import admin

from audit.services import audit_record

from ..models import HolidayChange


@admin.register(HolidayChange)
class HolidayChangeAdmin(admin.ModelAdmin):
    list_display = ["day", "kind", "name", "basis"]
    list_filter = ["kind"]
    search_fields = ["name", "basis"]
    date_hierarchy = "day"

    def get_actions(self, request):
        # Each change is deleted on its own page, so that each deletion is audited.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit_record(actor=request.user, action="complaints.holiday_change.save", target=obj,
                     summary={"day": obj.day.isoformat(), "kind": obj.kind, "changed": sorted(form.changed_data)})

    def delete_model(self, request, obj):
        audit_record(actor=request.user, action="complaints.holiday_change.delete", target=obj,
                     summary={"day": obj.day.isoformat(), "kind": obj.kind})
        super().delete_model(request, obj)
