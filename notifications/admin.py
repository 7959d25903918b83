"""The officials' view of the outbox: read-only rows, and one action that goes through a service."""

from django.contrib import admin, messages
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from citizens.masking import citizen_label
from seoul_portal.pagination import CappedCountPaginator

from .errors import NotificationStateError
from .kinds import is_sensitive, registered_kinds
from .models import Contact, Notification
from .services import notification_retry
from .tracking import FINAL_STATUSES

HIDDEN_SENSITIVE_TEXT = _("(hidden: contains a sign-in code)")

# What Twilio and the ESPs report (tracking.py): the final statuses and those on the way to one.
PROVIDER_STATUSES = sorted(FINAL_STATUSES | {"queued", "accepted", "scheduled", "sending", "sent", "deferred"})


class KnownValuesFilter(admin.SimpleListFilter):
    """A filter whose choices are known without reading the table: Django's filter on a field
    without choices lists them with a SELECT DISTINCT over every row, on every page load.
    Its parameter is the one Django's own filter used, so that saved links keep working."""

    field_name = ""

    def queryset(self, request, queryset):
        value = self.value()
        return queryset.filter(**{self.field_name: value}) if value else queryset


class KindFilter(KnownValuesFilter):
    title = _("kind")
    parameter_name = "kind__exact"
    field_name = "kind"

    def lookups(self, request, model_admin):
        return [(kind.key, kind.label) for kind in registered_kinds()]


class ProviderStatusFilter(KnownValuesFilter):
    title = _("provider status")
    parameter_name = "provider_status__exact"
    field_name = "provider_status"

    def lookups(self, request, model_admin):
        return [(status, status) for status in PROVIDER_STATUSES]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["id", "kind", "channel", "status", "recipient_display", "attempts", "created_at", "sent_at",
                    "provider_status"]
    # The outbox keeps a year of messages (millions of rows): nothing here reads the whole table
    # on a page load. By date: fixed ranges (today, past 7 days, this month, this year), which the
    # index on created_at serves; date_hierarchy would list the distinct months or years with a
    # SELECT DISTINCT date_trunc(...) that reads every row despite that index.
    list_filter = ["status", KindFilter, "channel", ProviderStatusFilter, "created_at"]
    list_select_related = ["citizen", "contact"]
    # Whole values only, each found through an index: get_search_results replaces Django's
    # icontains (a scan of every row) on these fields.
    search_fields = ["id", "key", "provider_message_id"]
    search_help_text = _("A whole notification id, idempotency key or provider message ID (exact).")
    # Count at most 1,001 rows for the pages, and not the whole outbox a second time.
    paginator = CappedCountPaginator
    show_full_result_count = False
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

    def get_search_results(self, request, queryset, search_term):
        # Django's "=id" compares the id as text (UPPER(id::text) = ...), which no index serves.
        term = search_term.strip()
        if not term:
            return queryset, False
        match = Q(key=term) | Q(provider_message_id=term)
        if term.isascii() and term.isdigit() and len(term) < 19:  # fits a bigint
            match |= Q(pk=int(term))
        return queryset.filter(match), False

    @admin.display(description=_("recipient"))
    def recipient_display(self, obj):
        # Masked phone only: an official never needs the full number to follow a delivery.
        holder = obj.recipient
        if holder is None:
            return "-"
        return holder.masked_phone or (citizen_label(holder) if obj.citizen_id else str(holder))

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
