"""The back office of deliberation: agenda items (added and edited through agenda_item_create and
agenda_item_update, closed only through agenda_item_close), and the members' reviews and conflict
declarations, read-only. All scoped to the committees the official manages."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from citizens.admin_readonly import ReadOnlyModelAdmin

from ..forms.review import CloseForm
from ..models import AgendaItem, ConflictDeclaration, Meeting, Review
from ..registry import subject_kind_choices, subject_label
from ..selectors.committees import committees_visible_to
from ..services.agenda import (
    AGENDA_ITEM_FIELDS,
    SCORING_FIELDS,
    agenda_item_check_changes,
    agenda_item_close,
    agenda_item_create,
    agenda_item_update,
)
from ..services.reviews import ReviewError
from .committees import CommitteeScopedAdmin

EDITABLE_FIELDS = list(AGENDA_ITEM_FIELDS)
RESOLUTION_FIELDS = [
    "status", "outcome", "resolution_ko", "resolution_en", "votes_for", "votes_against", "votes_abstain", "closed_at",
]


class AgendaItemAdminForm(forms.ModelForm):
    """The subject kind is picked from the kinds the installed channels registered. What the
    services would refuse (agenda_item_check_changes) is shown as an error on the form."""

    class Meta:
        model = AgendaItem
        fields = EDITABLE_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "subject_kind" in self.fields:
            choices = [("", "---------"), *subject_kind_choices()]
            current = self.instance.subject_kind
            if current and current not in dict(choices):
                choices.append((current, current))
            self.fields["subject_kind"] = forms.ChoiceField(
                label=_("subject kind"), choices=choices, required=False,
                help_text=_("What is deliberated; the subject id is that record's id in its service."),
            )

    def changes(self) -> dict:
        """The values the services get: every field of a new item, the changed ones of an item."""
        names = self.fields if self.instance.pk is None else self.changed_data
        return {name: self.cleaned_data[name] for name in names if name in self.cleaned_data}

    def clean(self):
        cleaned = super().clean()
        try:
            agenda_item_check_changes(self.instance if self.instance.pk else AgendaItem(), self.changes())
        except ReviewError as error:
            self.add_error(error.field if error.field in self.fields else None, error.message)
        return cleaned


@admin.register(AgendaItem)
class AgendaItemAdmin(CommitteeScopedAdmin):
    # Officials see and add items of the committees their unit runs as secretariat.
    form = AgendaItemAdminForm
    list_display = ["title_ko", "committee", "status", "review_deadline", "outcome", "subject_display"]
    list_filter = ["committee", "status", "asks_score"]
    list_select_related = ["committee"]
    search_fields = ["title_ko", "title_en", "subject_id"]
    date_hierarchy = "review_deadline"
    actions = ["close_items"]
    fields = [*EDITABLE_FIELDS, *RESOLUTION_FIELDS]

    @admin.display(description=_("linked record"))
    def subject_display(self, obj):
        return f"{subject_label(obj.subject_kind)} #{obj.subject_id}" if obj.subject_kind else "-"

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "meeting":
            kwargs["queryset"] = (
                Meeting.objects.filter(committee__in=committees_visible_to(request.user).values("pk"))
                .select_related("committee").order_by("committee__slug", "-number")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        # The form's clean() ran the same checks; a refusal here means someone changed the item meanwhile.
        ip = getattr(request, "client_ip", None)
        if change:
            saved = agenda_item_update(actor=request.user, item=obj, changes=form.changes(), ip=ip)
        else:
            saved = agenda_item_create(actor=request.user, ip=ip, **form.changes())
        obj.pk = saved.pk
        obj.refresh_from_db()

    def get_readonly_fields(self, request, obj=None):
        # The resolution is written only by the closing service; a closed item is a record.
        if obj is not None and obj.status == AgendaItem.Status.CLOSED:
            return self.fields
        if obj is not None and obj.reviews.exists():
            # Scores already given were checked against this range.
            return [*RESOLUTION_FIELDS, *SCORING_FIELDS]
        return RESOLUTION_FIELDS

    @admin.action(description=_("Close with the committee's resolution"), permissions=["change"])
    def close_items(self, request, queryset):
        form = CloseForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            closed = 0
            for item in queryset:
                try:
                    agenda_item_close(actor=request.user, item=item, ip=getattr(request, "client_ip", None),
                                      **form.cleaned_data)
                except ReviewError as error:
                    self.message_user(request, f"{item}: {error.message}", messages.WARNING)
                else:
                    closed += 1
                    self.log_change(request, item, "Closed with the committee's resolution")
            if closed:
                self.message_user(
                    request,
                    ngettext("%(count)d item closed.", "%(count)d items closed.", closed) % {"count": closed},
                    messages.SUCCESS,
                )
            return None
        return TemplateResponse(request, "governance/review/admin_close.html", {
            **self.admin_site.each_context(request),
            "title": _("Close with the committee's resolution"),
            "opts": self.model._meta,
            "items": queryset.select_related("committee"),
            "form": form,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        })


@admin.register(Review)
class ReviewAdmin(CommitteeScopedAdmin, ReadOnlyModelAdmin):
    committee_path = "item__committee"
    list_display = ["item", "member_display", "recommendation", "score", "submitted_at", "updated_at"]
    list_filter = ["recommendation", "item__committee"]
    list_select_related = ["item", "membership"]
    search_fields = ["item__title_ko", "membership__public_name"]
    fields = ["item", "member_display", "recommendation", "score", "opinion", "submitted_at", "updated_at"]
    readonly_fields = fields

    @admin.display(description=_("member"))
    def member_display(self, obj):
        return obj.membership.public_name


@admin.register(ConflictDeclaration)
class ConflictDeclarationAdmin(CommitteeScopedAdmin, ReadOnlyModelAdmin):
    committee_path = "item__committee"
    list_display = ["item", "member_display", "declared_at"]
    list_filter = ["item__committee"]
    list_select_related = ["item", "membership"]
    search_fields = ["item__title_ko", "membership__public_name"]
    fields = ["item", "member_display", "reason", "declared_at"]
    readonly_fields = fields

    @admin.display(description=_("member"))
    def member_display(self, obj):
        return obj.membership.public_name
