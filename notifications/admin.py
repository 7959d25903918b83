"""The officials' view of the outbox: read-only rows, and one action that goes through a service."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .errors import NotificationStateError
from .kinds import is_sensitive
from .models import Contact, Notification
from .services import notification_retry

HIDDEN_SENSITIVE_TEXT = _("(hidden: contains a sign-in code)")


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
        "key", "kind", "channel", "recipient_display", "language", "subject_display", "body_display",
        "status", "valid_until", "attempts", "interrupted_attempts", "next_attempt_at", "lease_expires_at",
        "last_attempt_at",
        "last_error", "created_at", "sent_at", "failed_at",
        "provider_message_id", "provider_status", "provider_error", "provider_status_at",
    ]
    readonly_fields = fields

    @admin.display(description=_("recipient"))
    def recipient_display(self, obj):
        # Masked phone only: an official never needs the full number to follow a delivery.
        holder = obj.recipient
        return (holder.masked_phone or str(holder)) if holder else "-"

    # The text of a sensitive kind (a sign-in code) is never shown: with it an official, or
    # whoever holds an official's session, could sign in as the citizen.
    @admin.display(description=_("subject"))
    def subject_display(self, obj):
        return HIDDEN_SENSITIVE_TEXT if is_sensitive(obj.kind) else obj.subject

    @admin.display(description=_("text"))
    def body_display(self, obj):
        return HIDDEN_SENSITIVE_TEXT if is_sensitive(obj.kind) else obj.body

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Retry now"), permissions=["change"])
    def retry_now(self, request, queryset):
        retried = 0
        for notification in queryset:
            try:
                notification_retry(actor=request.user, notification=notification,
                                   ip=getattr(request, "client_ip", None))
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
