"""The back office of implementation tracking: a proposal's milestones.

Choice (documented for the proposal admin): `MilestoneInline` is read-only. It lists the milestones
on the proposal's page with a link to each one and a link to add one; the writes happen in the
Milestone admin, whose add form calls `milestone_add` and whose change form calls `milestone_update`.
An editable inline would only save if the proposal's own change form saves (a proposal admin that is
view-only for its fields would drop the milestones silently) and a refusal in a formset's save would
be an error page; here the forms run the services' checks first, so a refusal is a form error.

Who: the permissions follow the `rules` predicates, not Django's model permissions (no official
holds those). Any official serving today in some unit (`is_serving_official`), and a superuser, may
open the milestones' list and the add form; an official sees and changes only the milestones of the
proposals assigned to a unit they serve in directly (`proposals.update_implementation`: the same
people who answered the proposal), a superuser every one. The scope is the direct units, not the
units below, in this admin and in the proposal admin alike: the unit that answers a proposal keeps
its implementation, its parent does not. The form also refuses a proposal of another unit.
Milestones are never deleted: one that is dropped is cancelled, which leaves it out of the progress.
"""

from django import forms
from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import question_rules
from ..errors import ProposalError
from ..models import Milestone
from ..rules import current_unit_ids, is_serving_official, is_superuser
from ..services.implementation import (
    IMPLEMENTABLE_ANSWERS,
    NOTE_MAX_LENGTH,
    check_due_on,
    check_implementable,
    check_may_update,
    check_update,
    clean_milestone_text,
    milestone_add,
    milestone_update,
)
from ..text import clean_text
from .inlines import ReadOnlyInline

ADD_FIELDS = ["proposal", "title", "description", "due_on"]
CHANGE_FIELDS = ["title", "description", "due_on", "status", "progress", "completed_on", "note"]


# --- Who may open what (shared with the proposal and question admins) --------------------------


def request_unit_ids(request) -> frozenset[int]:
    """The units the signed-in official serves in today (directly), computed once per request."""
    if not hasattr(request, "_proposals_unit_ids"):
        request._proposals_unit_ids = current_unit_ids(request.user)
    return request._proposals_unit_ids


def request_serves(request) -> bool:
    """Whether the signed-in user is a superuser or an official serving today in some unit, computed
    once per request (the admin asks on every page, for the navigation too)."""
    if not hasattr(request, "_proposals_serves"):
        user = request.user
        request._proposals_serves = bool(is_superuser(user) or is_serving_official(user))
    return request._proposals_serves


class MilestoneAdminForm(forms.ModelForm):
    """Adding: proposal, title, description, due date. Changing: also status, progress, completion
    date and a note for the notice to the proposer. clean() runs the services' checks."""

    official = None  # set by MilestoneAdmin.get_form
    note = forms.CharField(
        label=_("note to the proposer and followers"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Optional, sent with the notice of this change; not shown on the page."),
    )

    class Meta:
        model = Milestone
        fields = ADD_FIELDS + ["status", "progress", "completed_on"]
        widgets = {
            "due_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "completed_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "completed_on" in self.fields:
            self.fields["completed_on"].help_text = _("For a done milestone; today when left empty.")

    def _field_error(self, error):
        self.add_error(error.field if error.field in self.fields else None, error.message)

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        today = timezone.localdate()
        try:
            if self.instance.pk is None:
                proposal = cleaned.get("proposal")
                if proposal is None:
                    return cleaned
                cleaned["title"], cleaned["description"] = clean_milestone_text(
                    title=cleaned.get("title"), description=cleaned.get("description")
                )
                check_implementable(proposal)
                check_may_update(self.official, proposal)
                check_due_on(proposal, cleaned.get("due_on"), today=today)
            else:
                proposal = self.instance.proposal
                check_may_update(self.official, proposal)
                cleaned["title"], cleaned["description"] = clean_milestone_text(
                    title=cleaned.get("title"), description=cleaned.get("description")
                )
                if "due_on" in self.changed_data:
                    check_due_on(proposal, cleaned.get("due_on"), today=today)
                cleaned["note"] = clean_text(
                    cleaned.get("note"), field_name="note", label=_("note"), max_length=NOTE_MAX_LENGTH, required=False
                )
                status = cleaned.get("status")
                completed_on = cleaned.get("completed_on") if status == Milestone.Status.DONE else None
                cleaned["progress"], cleaned["completed_on"] = check_update(
                    self.instance,
                    status=status,
                    progress=cleaned.get("progress"),
                    completed_on=completed_on,
                    today=today,
                )
        except ProposalError as error:
            self._field_error(error)
        return cleaned

    def _post_clean(self):
        # The instance is written by the services (save_model), not by the form.
        pass


class MilestoneInline(ReadOnlyInline):
    """Read-only list of a proposal's milestones for the proposal admin; see the module docstring."""

    model = Milestone
    fields = ["title", "due_on", "status", "progress", "completed_on", "updated_at"]
    readonly_fields = fields
    show_change_link = True
    template = "proposals/admin/milestones_inline.html"
    verbose_name_plural = _("implementation milestones")


@admin.register(Milestone)
class MilestoneAdmin(admin.ModelAdmin):
    form = MilestoneAdminForm
    list_display = ["title", "proposal", "status", "progress", "due_on", "completed_on", "updated_at"]
    list_filter = ["status"]
    list_select_related = ["proposal"]
    search_fields = ["title", "proposal__title"]
    raw_id_fields = ["proposal"]
    date_hierarchy = "due_on"

    def get_fields(self, request, obj=None):
        return ADD_FIELDS if obj is None else ["proposal", *CHANGE_FIELDS]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        if not self.has_change_permission(request, obj):
            return ["proposal", *CHANGE_FIELDS]
        return ["proposal"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.official = request.user
        return form

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("proposal")
        if is_superuser(request.user):
            return queryset
        return queryset.filter(proposal__assigned_unit_id__in=sorted(request_unit_ids(request)))

    # Who may do what: the rules predicates (see the module docstring).

    def _in_scope(self, request, obj) -> bool:
        return is_superuser(request.user) or obj.proposal.assigned_unit_id in request_unit_ids(request)

    def has_module_permission(self, request):
        return request_serves(request)

    def has_view_permission(self, request, obj=None):
        return request_serves(request) and (obj is None or self._in_scope(request, obj))

    def has_add_permission(self, request):
        return request_serves(request)

    @admin.display(description=_("note to the proposer and followers"))
    def note(self, obj):
        return "-"

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return request_serves(request)
        return question_rules.can_update_implementation.test(request.user, obj.proposal)

    def has_delete_permission(self, request, obj=None):
        return False  # a dropped milestone is cancelled, so that the timeline keeps it

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "proposal":
            # The raw id widget shows the chosen proposal; the form refuses one that is not accepted.
            kwargs["queryset"] = db_field.related_model.objects.filter(answer_type__in=IMPLEMENTABLE_ANSWERS)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if not change:
            milestone = milestone_add(
                actor=request.user,
                proposal=data["proposal"],
                title=data["title"],
                due_on=data["due_on"],
                description=data.get("description", ""),
            )
        else:
            milestone = milestone_update(
                actor=request.user,
                milestone=obj,
                status=data["status"],
                progress=data["progress"],
                completed_on=data.get("completed_on"),
                note=data.get("note", ""),
                title=data["title"],
                description=data.get("description", ""),
                due_on=data["due_on"],
            )
        # The admin goes on with `obj` (the log entry, the redirect): make it the saved row.
        for field in Milestone._meta.concrete_fields:
            setattr(obj, field.attname, getattr(milestone, field.attname))
        obj._state.adding, obj._state.db = False, milestone._state.db
