"""The officials' view of accounts: masked contact data only, changes through services."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .admin_readonly import ReadOnlyModelAdmin
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


@admin.register(Citizen)
class CitizenAdmin(admin.ModelAdmin):
    """Accounts with their phone masked and no email shown: reading contact data is not part of
    managing accounts. Search takes a whole phone number or email and finds it by its index."""

    list_display = ["id", "__str__", "masked_phone", "district", "residence_basis", "is_staff", "is_active",
                    "date_joined"]
    list_filter = ["is_staff", "is_active", "residence_basis", "district"]
    list_select_related = ["district"]
    search_fields = ["=id"]
    search_help_text = _("A whole mobile number (010-1234-5678), a whole email address, or an account id.")
    show_full_result_count = False
    ordering = ["-date_joined"]
    fields = ["name", "masked_phone", "district", "residence_basis", "birth_date", "language", "notify_by",
              "is_active", "is_staff", "groups", "user_permissions", "date_joined", "last_login", "erased_at"]
    readonly_fields = ["masked_phone", "district", "residence_basis", "birth_date", "language", "notify_by",
                       "date_joined", "last_login", "erased_at"]
    filter_horizontal = ["groups", "user_permissions"]
    actions = ["erase_accounts"]

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
