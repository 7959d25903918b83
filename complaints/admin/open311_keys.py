"""The API keys of Open311 apps. Creating one shows the key once, on the page that answers the
form (never in a message, a log or a later page): only its hash and its first characters are
kept (complaints/open311/keys.py). Keys are revoked, never deleted: complaints name the app."""

from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from ..errors import ComplaintError
from ..models import Open311Key
from ..open311.keys import open311_key_create, open311_key_revoke


class Open311KeyForm(forms.ModelForm):
    class Meta:
        model = Open311Key
        fields = ["name", "contact_email"]


class ActiveFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "active"

    def lookups(self, request, model_admin):
        return [("yes", _("Active")), ("no", _("Revoked"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(revoked_at__isnull=True)
        if self.value() == "no":
            return queryset.filter(revoked_at__isnull=False)
        return queryset


@admin.register(Open311Key)
class Open311KeyAdmin(admin.ModelAdmin):
    form = Open311KeyForm
    list_display = ["name", "prefix", "contact_email", "created_at", "last_used_at", "is_active_display"]
    list_filter = [ActiveFilter]
    search_fields = ["name", "prefix"]
    list_select_related = ["created_by"]
    actions = ["revoke_keys"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["name", "contact_email"]
        return ["name", "prefix", "contact_email", "created_at", "created_by", "last_used_at", "revoked_at"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["name", "prefix", "created_at", "created_by", "last_used_at", "revoked_at"]

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("active"), boolean=True)
    def is_active_display(self, key):
        return key.is_active

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        try:
            row, key = open311_key_create(actor=request.user, name=obj.name, contact_email=obj.contact_email)
        except ComplaintError as error:
            request._open311_refused = error.message
            return
        # The admin goes on with the form's instance (the log entry): make it the saved row.
        for field in Open311Key._meta.concrete_fields:
            setattr(obj, field.attname, getattr(row, field.attname))
        obj._state.adding, obj._state.db = False, row._state.db
        request._open311_new_key = key

    def log_addition(self, request, obj, message):
        if getattr(request, "_open311_refused", None):
            return None
        return super().log_addition(request, obj, message)

    def response_add(self, request, obj, post_url_continue=None):
        if getattr(request, "_open311_refused", None):
            self.message_user(request, request._open311_refused, messages.ERROR)
            return self.response_post_save_add(request, obj)
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("The new key of %(name)s") % {"name": obj.name},
            "opts": self.opts,
            "key_row": obj,
            "new_key": request._open311_new_key,
        }
        response = TemplateResponse(request, "admin/complaints/open311key/key_created.html", context)
        # Shown once: no cache may keep the page.
        patch_cache_control(response, private=True, no_store=True, max_age=0)
        return response

    @admin.action(description=_("Revoke the selected keys"), permissions=["change"])
    def revoke_keys(self, request, queryset):
        revoked = 0
        for key in queryset.filter(revoked_at__isnull=True):
            try:
                open311_key_revoke(actor=request.user, key=key)
            except ComplaintError:
                continue  # revoked by someone else meanwhile
            revoked += 1
        self.message_user(request, ngettext("%(count)d key revoked.", "%(count)d keys revoked.", revoked)
                          % {"count": revoked}, messages.SUCCESS)  # fmt: skip
