"""The officials' view of accounts: masked contact data only, changes through services."""

import copy
import json

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.admin.options import get_content_type_for_model
from django.contrib.admin.utils import unquote
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseNotAllowed
from django.urls import path, reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .admin_readonly import ReadOnlyModelAdmin
from .masking import citizen_label, mask_email, mask_name, may_open_personal_data, record_personal_data_access
from .models import Citizen, District, email_blind_index, phone_blind_index
from .phones import normalize_mobile


@admin.register(District)
class DistrictAdmin(ReadOnlyModelAdmin):
    list_display = ["code", "name_ko", "name_en"]
    fields = ["code", "name_ko", "name_en"]
    readonly_fields = fields


class StaffCreationForm(forms.ModelForm):
    email = forms.EmailField(label=_("Email"))
    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label=_("Password (again)"), widget=forms.PasswordInput, strip=False)

    class Meta:
        model = Citizen
        fields = ["name"]

    def clean_email(self):
        email = self.cleaned_data["email"]
        if Citizen.objects.filter(email_index=email_blind_index(email)).exists():
            raise ValidationError(_("This email address belongs to another account."))
        return email

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        elif first:
            try:
                validate_password(first, Citizen(name=cleaned.get("name", "")))
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class _Labelled:
    """Stands for a citizen where Django would print str(citizen): the masked label instead."""

    def __init__(self, pk, label):
        self.pk, self.label = pk, label

    def __str__(self):
        return self.label


@admin.register(Citizen)
class CitizenAdmin(admin.ModelAdmin):
    """Accounts with their name, phone and email masked: reading contact data is not part of
    managing accounts. An official with the permission audit.open_personal_data may open them
    for one account ("Open personal data", a POST), which the staff access log records first
    (audit.access_log); the page then shows them in that one response. Search takes a whole phone
    number or email and finds it by its index."""

    list_display = ["id", "masked_name", "masked_phone", "district", "residence_basis", "is_staff", "is_active",
                    "date_joined"]
    list_select_related = ["district"]
    list_filter = ["is_staff", "is_active", "residence_basis", "district"]
    search_fields = ["=id"]
    search_help_text = _("A whole mobile number (010-1234-5678), a whole email address, or an account id.")
    show_full_result_count = False
    ordering = ["-date_joined"]
    # The personal items: masked (MASKED) until opened (OPENED); see get_fields.
    MASKED = ["masked_name", "masked_phone", "masked_email"]
    OPENED = ["name", "opened_phone", "opened_email"]
    fields = [*MASKED, "district", "residence_basis", "birth_date", "language", "notify_by",
              "is_active", "is_staff", "groups", "user_permissions", "date_joined", "last_login", "erased_at"]
    readonly_fields = ["masked_name", "masked_phone", "masked_email", "opened_phone", "opened_email", "district",
                       "residence_basis", "birth_date", "language", "notify_by", "date_joined", "last_login",
                       "erased_at"]
    filter_horizontal = ["groups", "user_permissions"]
    actions = ["erase_accounts"]
    change_form_template = "admin/citizens/citizen/change_form.html"
    object_history_template = "admin/citizens/citizen/object_history.html"

    def action_checkbox(self, citizen):
        # Django labels the checkbox with str(citizen), the name, for screen readers.
        return super().action_checkbox(_Labelled(citizen.pk, citizen_label(citizen)))

    @admin.display(description=_("name"))
    def masked_name(self, citizen):
        return citizen_label(citizen) if citizen.erased_at else (mask_name(citizen.name) or "-")

    @admin.display(description=_("mobile phone"))
    def masked_phone(self, citizen):
        return citizen.masked_phone or "-"

    @admin.display(description=_("email"))
    def masked_email(self, citizen):
        return mask_email(citizen.email) or "-"

    @admin.display(description=_("mobile phone"))
    def opened_phone(self, citizen):
        return citizen.phone or "-"

    @admin.display(description=_("email"))
    def opened_email(self, citizen):
        return citizen.email or "-"

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        # A permission's label names its app and model: fetched with it, not once per option
        # (several hundred queries on every account's page otherwise), as Django's UserAdmin does.
        if db_field.name == "user_permissions":
            kwargs["queryset"] = db_field.remote_field.model.objects.select_related("content_type")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        if obj is None:
            return fields
        if getattr(request, "_personal_data_open", False):
            return [*self.OPENED, *fields[len(self.MASKED):]]
        if request.method == "POST" and "name" in request.POST and self.has_change_permission(request, obj):
            # A name typed in (after opening the data) is saved; writing it is not reading it.
            return ["name", *fields[1:]]
        return fields

    def get_urls(self):
        own = [
            path("<path:object_id>/personal-data/", self.admin_site.admin_view(self.personal_data_view),
                 name="citizens_citizen_personal_data"),
        ]  # fmt: skip
        return [*own, *super().get_urls()]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["citizen_label"] = citizen_label(obj)
            context["personal_data_open"] = getattr(request, "_personal_data_open", False)
            if may_open_personal_data(request.user) and not obj.erased_at:
                context["personal_data_url"] = reverse("admin:citizens_citizen_personal_data", args=[obj.pk])
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # The page's title would otherwise be str(citizen): the name.
        citizen = self.get_object(request, unquote(object_id))
        extra_context = {**(extra_context or {}), "subtitle": citizen_label(citizen) if citizen else None}
        return super().change_view(request, object_id, form_url=form_url, extra_context=extra_context)

    def history_view(self, request, object_id, extra_context=None):
        citizen = self.get_object(request, unquote(object_id))
        if citizen is not None:
            label = citizen_label(citizen)
            extra_context = {**(extra_context or {}), "title": _("Change history: %s") % label,
                             "citizen_label": label}  # fmt: skip
        return super().history_view(request, object_id, extra_context=extra_context)

    def personal_data_view(self, request, object_id):
        """POST: the account's page once more, with its name, phone and email in full, after the
        opening is written to the staff access log."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        citizen = self.get_object(request, unquote(object_id))
        if citizen is None or not self.has_view_permission(request, citizen):
            raise Http404(_("No such account."))
        if not may_open_personal_data(request.user):
            raise PermissionDenied(_("Opening personal data needs the permission to do so."))
        with transaction.atomic():
            record_personal_data_access(
                actor=request.user, target=citizen, items=["name", "phone", "email"], ip=request.client_ip
            )
        # The same page, rendered as a GET for this response only: a reload asks (and logs) again.
        page_request = copy.copy(request)
        page_request.method = "GET"
        page_request._personal_data_open = True
        change_url = reverse("admin:citizens_citizen_change", args=[citizen.pk])
        response = self.change_view(page_request, object_id, form_url=change_url)
        patch_cache_control(response, private=True, no_store=True, max_age=0)
        return response

    # The admin's change history names the object as str() would: the masked label instead.

    def log_addition(self, request, obj, message):
        return self._log(request, obj, ADDITION, message)

    def log_change(self, request, obj, message):
        return self._log(request, obj, CHANGE, message)

    def _log(self, request, obj, flag, message):
        if isinstance(message, list):
            message = json.dumps(message)
        return LogEntry.objects.create(
            user_id=request.user.pk,
            content_type_id=get_content_type_for_model(obj).pk,
            object_id=str(obj.pk),
            object_repr=citizen_label(obj)[:200],
            action_flag=flag,
            change_message=message,
        )

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if "@" in term:
            return queryset.filter(email_index=email_blind_index(term)), False
        try:
            return queryset.filter(phone_index=phone_blind_index(normalize_mobile(term))), False
        except ValidationError:
            pass
        if term.isascii() and term.isdigit():
            return queryset.filter(pk=int(term)), False
        return (queryset.none() if term else queryset), False

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = StaffCreationForm
            kwargs["fields"] = ["name"]
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": ["email", "name", "password1", "password2"]})]
        return super().get_fieldsets(request, obj)

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            services.citizen_admin_update(
                actor=request.user, citizen=obj, changed_fields=form.changed_data, ip=request.client_ip
            )
        else:
            created = services.staff_account_create(
                actor=request.user,
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password1"],
                name=form.cleaned_data.get("name", ""),
                ip=request.client_ip,
            )
            obj.pk = created.pk
            obj._state.adding = False
            obj._state.db = created._state.db

    def has_change_permission(self, request, obj=None):
        # An erased account is an empty shell kept for others' totals: it can be viewed only.
        if obj is not None and obj.erased_at:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        # Accounts are erased (personal data removed, participation kept), never deleted.
        return False

    @admin.action(description=_("Erase the selected accounts' personal data"), permissions=["change"])
    def erase_accounts(self, request, queryset):
        erased = 0
        for citizen in queryset.filter(erased_at__isnull=True):
            services.citizen_erase(citizen=citizen, actor=request.user, ip=request.client_ip)
            erased += 1
        self.message_user(
            request,
            ngettext("%(count)d account erased.", "%(count)d accounts erased.", erased) % {"count": erased},
            messages.SUCCESS,
        )
