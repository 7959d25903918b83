"""The officials' back office for committees, memberships, volunteers and draws.

Querysets are scoped: a superuser sees every committee, other staff the committees whose
secretariat is one of their current units or lies below one. Memberships change through the
services (appoint, renew, end, change role), never by editing their status.
"""

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from audit.services import audit_record
from citizens.admin_readonly import ReadOnlyModelAdmin

from ..errors import GovernanceError
from ..models import Committee, DrawRecord, Membership, OrgUnit, Volunteer
from ..selectors.committees import committees_visible_to, scope_by_committee
from ..selectors.org import units_visible_to
from ..services import committees as services

COMMITTEE_FIELDS = [
    "slug", "kind", "parent", "secretariat", "name_ko", "name_en", "legal_basis_ko", "legal_basis_en", "mandate_ko",
    "mandate_en", "max_members", "max_ex_officio", "term_years", "max_terms", "min_meetings_per_year", "quorum_ratio",
    "accepts_volunteers", "is_active",
]


def _client_ip(request):
    return getattr(request, "client_ip", None)


class CommitteeScopedAdmin(admin.ModelAdmin):
    """Records of committees the official manages; foreign keys to committees offer only those."""

    committee_path = "committee"

    def get_queryset(self, request):
        return scope_by_committee(super().get_queryset(request), request.user, self.committee_path)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "committee":
            kwargs["queryset"] = committees_visible_to(request.user).order_by("slug")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class CurrentMembershipInline(admin.TabularInline):
    model = Membership
    fields = ["public_name", "role", "kind", "term_number", "term_start", "term_end", "status"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name_plural = _("serving members")

    def get_queryset(self, request):
        return super().get_queryset(request).filter(status=Membership.Status.ACTIVE)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Committee)
class CommitteeAdmin(admin.ModelAdmin):
    list_display = ["name_ko", "slug", "kind", "parent", "secretariat", "serving", "max_members", "is_active"]
    list_filter = ["kind", "is_active", "accepts_volunteers"]
    list_select_related = ["parent", "secretariat"]
    search_fields = ["name_ko", "name_en", "slug"]
    fields = COMMITTEE_FIELDS
    inlines = [CurrentMembershipInline]

    def get_queryset(self, request):
        today = timezone.localdate()
        serving = Q(memberships__status=Membership.Status.ACTIVE, memberships__term_start__lte=today,
                    memberships__term_end__gte=today)
        return committees_visible_to(request.user).annotate(serving_count=Count("memberships", filter=serving))

    @admin.display(description=_("members serving"), ordering="serving_count")
    def serving(self, obj):
        return obj.serving_count

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "secretariat":
            units = OrgUnit.objects.all() if request.user.is_superuser else units_visible_to(request.user)
            kwargs["queryset"] = units.order_by("order", "code")
            # Staff who are not superusers see committees through their secretariat only.
            kwargs["required"] = not request.user.is_superuser
        if db_field.name == "parent":
            kwargs["queryset"] = committees_visible_to(request.user).order_by("slug")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit_record(actor=request.user, action="committee.change" if change else "committee.create", target=obj,
                     ip=_client_ip(request), summary={"fields": sorted(form.changed_data)})

    def has_delete_permission(self, request, obj=None):
        return False


class MembershipAppointForm(forms.ModelForm):
    """An appointment: checked against the committee's rules before membership_appoint writes it."""

    term_end = forms.DateField(
        label=_("term ends"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Leave empty for a full term. A member filling a vacancy serves the rest of that term."),
    )

    class Meta:
        model = Membership
        fields = ["committee", "person", "public_name", "kind", "role", "term_start", "term_end", "affiliation_ko",
                  "affiliation_en", "expertise_ko", "expertise_en"]
        widgets = {"term_start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def clean(self):
        cleaned = super().clean()
        needed = ("committee", "person", "kind", "role", "term_start")
        if all(cleaned.get(name) for name in needed):
            try:
                services.validate_appointment(
                    committee=cleaned["committee"], person=cleaned["person"], kind=cleaned["kind"],
                    role=cleaned["role"], term_start=cleaned["term_start"], term_end=cleaned.get("term_end"),
                )
            except GovernanceError as error:
                raise forms.ValidationError(error.message) from None
        return cleaned

    def _post_clean(self):
        # The model's own validation would check the term end (computed by the service) and the
        # constraints the service reports in its own words; the service validates instead.
        pass


class MembershipDetailsForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["public_name", "affiliation_ko", "affiliation_en", "expertise_ko", "expertise_en"]


@admin.register(Membership)
class MembershipAdmin(CommitteeScopedAdmin):
    list_display = ["public_name", "committee", "role", "kind", "term_number", "term_start", "term_end", "status"]
    list_filter = ["status", "role", "kind", "committee"]
    list_select_related = ["committee"]
    search_fields = ["public_name"]
    raw_id_fields = ["person"]
    ordering = ["committee__slug", "status", "public_name"]
    actions = ["renew", "end", "make_chair", "make_vice_chair", "make_secretary", "make_member"]
    readonly_fields = ["committee", "person", "role", "kind", "term_number", "term_start", "term_end", "status",
                       "ended_on"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = MembershipDetailsForm if obj is not None else MembershipAppointForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return MembershipAppointForm.Meta.fields
        return [*self.readonly_fields, *MembershipDetailsForm.Meta.fields]

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else []

    def save_model(self, request, obj, form, change):
        if change:
            obj.save(update_fields=form.changed_data or None)
            audit_record(actor=request.user, action="membership.change_details", target=obj, ip=_client_ip(request),
                         summary={"fields": sorted(form.changed_data)})
            return
        data = form.cleaned_data
        created = services.membership_appoint(
            actor=request.user, committee=data["committee"], person=data["person"], public_name=data["public_name"],
            kind=data["kind"], role=data["role"], term_start=data["term_start"], term_end=data.get("term_end"),
            affiliation_ko=data["affiliation_ko"], affiliation_en=data["affiliation_en"],
            expertise_ko=data["expertise_ko"], expertise_en=data["expertise_en"], ip=_client_ip(request),
        )
        # The admin goes on to log and link `obj`: make it the row the service wrote.
        for field in Membership._meta.concrete_fields:
            setattr(obj, field.attname, getattr(created, field.attname))
        obj._state.adding = False

    def has_delete_permission(self, request, obj=None):
        return False

    def _each(self, request, queryset, service, done_message, **kwargs):
        done = 0
        for membership in queryset:
            try:
                service(actor=request.user, membership=membership, ip=_client_ip(request), **kwargs)
            except GovernanceError as error:
                self.message_user(request, f"{membership.public_name}: {error.message}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(request, done_message(done), messages.SUCCESS)

    @admin.action(description=_("Renew for a consecutive term"), permissions=["change"])
    def renew(self, request, queryset):
        self._each(request, queryset, services.membership_renew,
                   lambda n: ngettext("%(count)d membership renewed.", "%(count)d memberships renewed.", n)
                   % {"count": n})

    @admin.action(description=_("End membership today"), permissions=["change"])
    def end(self, request, queryset):
        self._each(request, queryset, services.membership_end,
                   lambda n: ngettext("%(count)d membership ended.", "%(count)d memberships ended.", n)
                   % {"count": n})

    def _role(self, request, queryset, role):
        self._each(request, queryset, services.membership_change_role,
                   lambda n: ngettext("%(count)d role changed.", "%(count)d roles changed.", n) % {"count": n},
                   role=role)

    @admin.action(description=_("Make chair"), permissions=["change"])
    def make_chair(self, request, queryset):
        self._role(request, queryset, Membership.Role.CHAIR)

    @admin.action(description=_("Make vice-chair"), permissions=["change"])
    def make_vice_chair(self, request, queryset):
        self._role(request, queryset, Membership.Role.VICE_CHAIR)

    @admin.action(description=_("Make secretary"), permissions=["change"])
    def make_secretary(self, request, queryset):
        self._role(request, queryset, Membership.Role.SECRETARY)

    @admin.action(description=_("Make ordinary member"), permissions=["change"])
    def make_member(self, request, queryset):
        self._role(request, queryset, Membership.Role.MEMBER)


@admin.register(Volunteer)
class VolunteerAdmin(CommitteeScopedAdmin, ReadOnlyModelAdmin):
    """The pool as drawn from: strata were copied from the profile and are not edited here."""

    list_display = ["id", "committee", "person", "district_code", "age_band", "sex", "vulnerable", "volunteered_at"]
    list_filter = ["committee", "age_band", "sex", "vulnerable"]
    list_select_related = ["committee", "person"]
    fields = list_display
    readonly_fields = list_display
    search_fields = ["=id"]


@admin.register(DrawRecord)
class DrawRecordAdmin(CommitteeScopedAdmin, ReadOnlyModelAdmin):
    list_display = ["id", "committee", "drawn_at", "seats", "seed", "selected_count"]
    list_filter = ["committee"]
    list_select_related = ["committee"]
    fields = ["committee", "drawn_at", "algorithm", "seed", "seats", "quotas", "selected", "pool"]
    readonly_fields = fields

    actions = ["appoint_selected"]

    @admin.display(description=_("selected"))
    def selected_count(self, obj):
        return len(obj.selected)

    def has_change_permission(self, request, obj=None):
        # Read-only for fields; the appoint action needs the right to change memberships.
        return False

    @admin.action(description=_("Appoint the selected citizens as members (term starts today)"))
    def appoint_selected(self, request, queryset):
        if not request.user.has_perm("governance.add_membership"):
            self.message_user(request, _("You may not appoint members."), messages.ERROR)
            return
        for draw in queryset.select_related("committee"):
            try:
                appointed = services.draw_appoint_selected(
                    actor=request.user, draw=draw, term_start=timezone.localdate(), ip=_client_ip(request)
                )
            except GovernanceError as refusal:
                self.message_user(request, f"{draw.committee}: {refusal.message}", messages.ERROR)
            else:
                self.message_user(
                    request,
                    ngettext("%(committee)s: %(count)d member appointed.", "%(committee)s: %(count)d members appointed.",
                             len(appointed)) % {"committee": draw.committee, "count": len(appointed)},
                    messages.SUCCESS,
                )
