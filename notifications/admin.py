"""The officials' view of the outbox: read-only rows, and one action that goes through a service."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .errors import NotificationStateError
from .models import Contact, Notification
from .services import notification_retry


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["id", "kind", "channel", "status", "recipient_display", "attempts", "created_at", "sent_at",
                    "provider_status"]
    list_filter = ["status", "kind", "channel", "provider_status"]
    list_select_related = ["citizen", "contact"]
    search_fields = ["key", "provider_message_id"]
    date_hierarchy = "created_at"
    actions = ["retry_now"]
    # Every field is shown, none is edited: status moves only through services and workers.
    fields = [
        "key", "kind", "channel", "recipient_display", "language", "subject", "body",
        "status", "attempts", "interrupted_attempts", "next_attempt_at", "lease_expires_at", "last_attempt_at",
        "last_error", "created_at", "sent_at", "failed_at",
        "provider_message_id", "provider_status", "provider_error", "provider_status_at",
    ]
    readonly_fields = fields

    @admin.display(description=_("recipient"))
    def recipient_display(self, obj):
        # Masked phone only: an official never needs the full number to follow a delivery.
        holder = obj.recipient
        return (holder.masked_phone or str(holder)) if holder else "-"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Retry now"), permissions=["change"])
    def retry_now(self, request, queryset):
        retried = 0
        for notification in queryset:
            try:
                notification_retry(actor=request.user, notification=notification)
            except NotificationStateError as error:
                self.message_user(request, f"#{notification.pk}: {error}", messages.WARNING)
            else:
                retried += 1
                self.log_change(request, notification, "Retried now")
        if retried:
            self.message_user(
                request,
                ngettext("%(count)d notification will be sent again.",
                         "%(count)d notifications will be sent again.", retried) % {"count": retried},
                messages.SUCCESS,
            )


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["id", "masked_phone_display", "language", "created_at"]
    list_filter = ["language"]
    fields = ["masked_phone_display", "language", "created_at"]
    readonly_fields = fields

    @admin.display(description=_("mobile phone"))
    def masked_phone_display(self, obj):
        return obj.masked_phone

    def has_add_permission(self, request):
        return False
