"""The officials' back office for the organisation: units (in tree order) with their assignments.

Every write goes through governance.services.org; the forms run the services' checks first so that
an illegal placement or a second head shows as a form error, not as an error page.
`UnitScopedAdminMixin` limits any admin to the records of the official's units (see its docstring);
the research and documents admins use it too.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import RelatedOnlyFieldListFilter
from django.contrib.admin.views.main import ORDER_VAR, ChangeList
from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, Value, When
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..errors import GovernanceError
from ..models import OrgAssignment, OrgUnit
from ..selectors.org import visible_unit_ids
from ..services import org as org_services


def request_visible_unit_ids(request):
    """The official's visible units, computed once per request."""
    if not hasattr(request, "_governance_visible_unit_ids"):
        request._governance_visible_unit_ids = visible_unit_ids(request.user)
    return request._governance_visible_unit_ids


class UnitScopedAdminMixin:
    """Superusers see every record; other staff the records whose unit (reached by `unit_path`;
    "" for OrgUnit itself) is one of their current units or below one. Unit choices in forms are
    limited the same way."""

    unit_path = "owner_unit"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        ids = request_visible_unit_ids(request)
        if not self.unit_path:
            return queryset.filter(pk__in=ids)
        matching = self.model._default_manager.filter(**{f"{self.unit_path}__in": ids}).values("pk")
        return queryset.filter(pk__in=matching)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is OrgUnit and not request.user.is_superuser:
            kwargs["queryset"] = OrgUnit.objects.filter(pk__in=request_visible_unit_ids(request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


def _tree_outline():
    """{unit id: (position, depth)} in depth-first order of the tree (one query)."""
    children = {}
    for pk, parent_id in OrgUnit.objects.order_by("order", "code").values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    outline, stack = {}, [(pk, 0) for pk in reversed(children.get(None, []))]
    while stack:
        pk, depth = stack.pop()
        if pk in outline:
            continue
        outline[pk] = (len(outline), depth)
        stack.extend((child, depth + 1) for child in reversed(children.get(pk, [])))
    return outline


class TreeChangeList(ChangeList):
    """The unit list in tree order unless the official sorts by a column."""

    def get_ordering(self, request, queryset):
        if self.params.get(ORDER_VAR):
            return super().get_ordering(request, queryset)
        return ["tree_position", "code", "pk"]


class OrgUnitForm(forms.ModelForm):
    official = None  # set by OrgUnitAdmin.get_form
    website = forms.URLField(label=_("website"), required=False, assume_scheme="https")

    class Meta:
        model = OrgUnit
        fields = ["code", "kind", "parent", "name_ko", "name_en", "mandate_ko", "mandate_en", "phone", "email",
                  "website", "order"]

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind", self.instance.kind)
        parent = cleaned.get("parent")
        if not kind or self.has_error("parent"):
            return cleaned
        moving = self.instance.pk is None or "parent" in self.changed_data
        if moving and parent is None and self.official is not None and not self.official.is_superuser:
            self.add_error("parent", _("Only an administrator may add a unit at the top of the tree."))
            return cleaned
        if moving or "kind" in self.changed_data:
            try:
                org_services.org_unit_check_placement(kind=kind, parent=parent,
                                                      unit=self.instance if self.instance.pk else None)
            except GovernanceError as error:
                self.add_error("parent", error.message)
        return cleaned


class AssignmentInlineForm(forms.ModelForm):
    class Meta:
        model = OrgAssignment
        fields = ["official", "role", "title_ko", "title_en", "started_on", "ended_on"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # Who holds the position and in which role is the assignment itself: to change
            # them, end it and start another. An ended assignment is history.
            for name in ("official", "role", "started_on"):
                self.fields[name].disabled = True
            if self.instance.ended_on:
                for field in self.fields.values():
                    field.disabled = True
        else:
            self.fields["ended_on"].disabled = True
            self.fields["ended_on"].help_text = _("Save the assignment first; end it later.")

    def clean(self):
        cleaned = super().clean()
        ended_on, started_on = cleaned.get("ended_on"), cleaned.get("started_on") or self.instance.started_on
        if ended_on and started_on and ended_on < started_on:
            self.add_error("ended_on", _("An assignment cannot end before it started."))
        official = cleaned.get("official")
        if not self.instance.pk and official is not None and not (official.is_staff and official.is_active):
            self.add_error("official", _("Only an active staff account can be assigned to a unit."))
        return cleaned


class AssignmentInlineFormSet(forms.BaseInlineFormSet):
    def clean(self):
        """The unit's assignments as they will be after this save: one current head, one current
        assignment per official (ends are applied before starts)."""
        super().clean()
        if any(form.errors for form in self.forms):
            return
        current = []
        for form in self.forms:
            if not form.has_changed() and not form.instance.pk:
                continue
            data = form.cleaned_data
            if form.instance.pk:
                if form.instance.ended_on or data.get("ended_on"):
                    continue
                current.append((form.instance.official_id, form.instance.role))
            elif data.get("official"):
                current.append((data["official"].pk, data.get("role")))
        # Existing current assignments not in the formset's page (none: the inline shows them all).
        officials = [official for official, _role in current]
        if len(officials) != len(set(officials)):
            raise ValidationError(_("An official can hold only one current assignment in a unit."))
        if sum(1 for _official, role in current if role == OrgAssignment.Role.HEAD) > 1:
            raise ValidationError(
                _("A unit has one current head: end the current head's assignment before assigning a new head.")
            )


class OrgAssignmentInline(admin.TabularInline):
    model = OrgAssignment
    form = AssignmentInlineForm
    formset = AssignmentInlineFormSet
    fields = ["official", "role", "title_ko", "title_en", "started_on", "ended_on"]
    raw_id_fields = ["official"]
    extra = 0
    can_delete = False
    ordering = ["-started_on", "pk"]
    verbose_name = _("assignment")
    verbose_name_plural = _("officials assigned (end an assignment by giving its end date)")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("official")


@admin.register(OrgUnit)
class OrgUnitAdmin(UnitScopedAdminMixin, admin.ModelAdmin):
    unit_path = ""
    form = OrgUnitForm
    inlines = [OrgAssignmentInline]
    list_display = ["name_in_tree", "code", "kind", "parent", "order", "is_active"]
    list_filter = ["kind", "is_active", ("parent", RelatedOnlyFieldListFilter)]
    list_select_related = ["parent"]
    search_fields = ["code", "name_ko", "name_en"]
    readonly_fields = ["is_active"]
    actions = ["deactivate_units"]

    def get_queryset(self, request):
        # Tree order for the list: each unit right under its parent, indented by its depth.
        outline = _tree_outline()
        position = Case(*[When(pk=pk, then=Value(place)) for pk, (place, _depth) in outline.items()],
                        default=Value(len(outline)), output_field=IntegerField())
        depth = Case(*[When(pk=pk, then=Value(depth)) for pk, (_place, depth) in outline.items()],
                     default=Value(0), output_field=IntegerField())
        return super().get_queryset(request).annotate(tree_position=position, tree_depth=depth)

    def get_changelist(self, request, **kwargs):
        return TreeChangeList

    def get_readonly_fields(self, request, obj=None):
        # The code is in public addresses and the kind decides the tree's rules: both are fixed
        # once the unit exists. Activity changes by the "deactivate" action.
        return ["code", "kind", "is_active"] if obj else ["is_active"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.official = request.user
        return form

    def has_delete_permission(self, request, obj=None):
        return False  # units are deactivated, never deleted: records keep pointing at them

    @admin.display(description=_("unit"), ordering="tree_position")
    def name_in_tree(self, unit):
        return f"{'— ' * getattr(unit, 'tree_depth', 0)}{unit.name_ko}"

    def save_model(self, request, obj, form, change):
        if not change:
            extra = {name: getattr(obj, name) for name in org_services.UNIT_FIELDS if name not in ("name_ko", "name_en")}
            unit = org_services.org_unit_create(
                actor=request.user, code=obj.code, kind=obj.kind, parent=obj.parent, name_ko=obj.name_ko,
                name_en=obj.name_en, **extra,
            )
            # The admin goes on with `obj` (inlines, the log entry, the redirect): make it the saved row.
            obj.pk, obj._state.adding, obj._state.db = unit.pk, False, unit._state.db
            return
        if "parent" in form.changed_data:
            org_services.org_unit_move(actor=request.user, unit=obj, new_parent=obj.parent)
        changed = {name: getattr(obj, name) for name in org_services.UNIT_FIELDS if name in form.changed_data}
        if changed:
            org_services.org_unit_update(actor=request.user, unit=obj, **changed)

    def save_formset(self, request, form, formset, change):
        if formset.model is not OrgAssignment:
            return super().save_formset(request, form, formset, change)
        unit = form.instance
        # The admin's history message reads these lists.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        # Ends first, so that a new head can replace the one whose assignment ends in this save.
        for inline_form in formset.forms:
            assignment = inline_form.instance
            if assignment.pk and "ended_on" in inline_form.changed_data and inline_form.cleaned_data.get("ended_on"):
                ended = org_services.org_assignment_end(actor=request.user, assignment=assignment,
                                                        ended_on=inline_form.cleaned_data["ended_on"])
                formset.changed_objects.append((ended, ["ended_on"]))
        for inline_form in formset.forms:
            assignment, data = inline_form.instance, inline_form.cleaned_data
            if assignment.pk:
                retitled = [name for name in ("title_ko", "title_en") if name in inline_form.changed_data]
                if retitled:
                    changed = org_services.org_assignment_retitle(
                        actor=request.user, assignment=assignment, title_ko=data["title_ko"], title_en=data["title_en"]
                    )
                    formset.changed_objects.append((changed, retitled))
            elif inline_form.has_changed() and data.get("official"):
                formset.new_objects.append(org_services.org_assignment_start(
                    actor=request.user, unit=unit, official=data["official"], role=data["role"],
                    title_ko=data.get("title_ko", ""), title_en=data.get("title_en", ""),
                    started_on=data.get("started_on"),
                ))

    @admin.action(description=_("Deactivate the selected units"), permissions=["change"])
    def deactivate_units(self, request, queryset):
        done = 0
        for unit in queryset:
            try:
                org_services.org_unit_deactivate(actor=request.user, unit=unit)
                done += 1
            except GovernanceError as error:
                self.message_user(request, error.message, messages.ERROR)
        if done:
            self.message_user(request, gettext("%(count)d unit(s) deactivated.") % {"count": done}, messages.SUCCESS)
