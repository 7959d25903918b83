"""The officials' back office for meetings: schedule, agenda, attendance, minutes and votes.

Every change goes through governance.services.meetings; the inlines shown depend on the
meeting's state (agenda while scheduled; attendance and votes once held, until the minutes are
approved).
"""

from django import forms
from django.contrib import admin, messages
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from audit.services import audit_record

from ..errors import GovernanceError
from ..models import AgendaItem, Attendance, Meeting
from ..selectors.meetings import with_present_count
from ..services import meetings as services
from .committees import CommitteeScopedAdmin


def _client_ip(request):
    return getattr(request, "client_ip", None)


def _record_open(meeting):
    return (meeting is not None and meeting.status == Meeting.Status.HELD
            and meeting.minutes_status != Meeting.MinutesStatus.APPROVED)


class AttendanceInline(admin.TabularInline):
    model = Attendance
    fields = ["membership", "present"]
    readonly_fields = ["membership"]
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("membership").order_by("membership__public_name")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return _record_open(obj) and super().has_change_permission(request, obj)


class AgendaListInline(admin.TabularInline):
    model = AgendaItem
    fk_name = "meeting"
    fields = ["order", "title_ko", "title_en", "is_public", "status"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = _("agenda")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class RecordRefused(Exception):
    """A service refused one change of a submission: raised out of the change view's transaction so that
    every write of the submission is rolled back, then shown on the re-rendered form."""

    def __init__(self, message):
        self.message = message
        super().__init__(message)


class RefusalForm(forms.ModelForm):
    """The meeting's form on the second rendering of a refused submission: invalid, with the refusal."""

    refusal = None

    def clean(self):
        cleaned = super().clean()
        if self.refusal:
            raise forms.ValidationError(self.refusal, code="refused")
        return cleaned


class RowCheckFormSet(BaseInlineFormSet):
    """Runs the service's checks on every changed row before anything is saved; a refusal is a row error."""

    def check_row(self, row):
        raise NotImplementedError

    def clean(self):
        super().clean()
        for row in self.forms:
            if not row.has_changed() or not hasattr(row, "cleaned_data") or row.errors:
                continue
            try:
                self.check_row(row)
            except GovernanceError as error:
                row.add_error(None, error.message)


class AgendaAddFormSet(RowCheckFormSet):
    adds_agenda = True

    def check_row(self, row):
        if row.cleaned_data.get("title_ko"):
            services.validate_agenda_add(meeting=self.instance, title_ko=row.cleaned_data["title_ko"])


class AgendaVotesFormSet(RowCheckFormSet):
    def check_row(self, row):
        data = row.cleaned_data
        if data.get("votes_for") is None:
            return
        services.validate_votes(
            meeting=self.instance, item=row.instance, votes_for=data["votes_for"],
            votes_against=data.get("votes_against") or 0, votes_abstain=data.get("votes_abstain") or 0,
        )


class AgendaAddInline(admin.StackedInline):
    """New items for a scheduled meeting's agenda (added through meeting_agenda_add)."""

    model = AgendaItem
    formset = AgendaAddFormSet
    fk_name = "meeting"
    fields = ["title_ko", "title_en", "description_ko", "description_en", "is_public"]
    extra = 1
    can_delete = False
    verbose_name = _("new agenda item")
    verbose_name_plural = _("add to the agenda")

    def get_queryset(self, request):
        return super().get_queryset(request).none()


class AgendaVotesInline(admin.TabularInline):
    """The vote the meeting took on each item (agenda_item_record_votes)."""

    model = AgendaItem
    formset = AgendaVotesFormSet
    fk_name = "meeting"
    fields = ["order", "title_ko", "status", "votes_for", "votes_against", "votes_abstain"]
    readonly_fields = ["order", "title_ko", "status"]
    extra = 0
    can_delete = False
    verbose_name_plural = _("agenda and votes")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return _record_open(obj) and super().has_change_permission(request, obj)


class MeetingScheduleForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = ["committee", "title_ko", "title_en", "starts_at", "ends_at", "place_ko", "place_en", "online"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("starts_at"):
            try:
                services.validate_schedule(
                    title_ko=cleaned.get("title_ko"), starts_at=cleaned["starts_at"], ends_at=cleaned.get("ends_at"),
                    place_ko=cleaned.get("place_ko", ""), online=cleaned.get("online", False),
                )
            except GovernanceError as error:
                raise forms.ValidationError(error.message) from None
        return cleaned


DETAIL_FIELDS = ["title_ko", "title_en", "ends_at", "place_ko", "place_en", "online"]
MINUTES_FIELDS = ["minutes_ko", "minutes_en"]
STATE_FIELDS = ["committee", "number", "starts_at", "status", "members_serving", "quorum", "minutes_status",
                "minutes_approved_at"]


@admin.register(Meeting)
class MeetingAdmin(CommitteeScopedAdmin):
    list_display = ["committee", "number", "title_ko", "starts_at", "status", "attendance", "minutes_status"]
    list_filter = ["status", "minutes_status", "committee"]
    list_select_related = ["committee"]
    search_fields = ["title_ko", "title_en"]
    date_hierarchy = "starts_at"
    ordering = ["-starts_at"]
    actions = ["mark_held", "cancel", "approve_minutes"]

    def get_queryset(self, request):
        return with_present_count(super().get_queryset(request))

    @admin.display(description=_("present / serving (quorum)"))
    def attendance(self, obj):
        if obj.quorum is None:
            return "—"
        return f"{obj.present_count} / {obj.members_serving} ({obj.quorum})"

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = MeetingScheduleForm
        elif getattr(request, "_meeting_refusal", None):
            kwargs["form"] = type("MeetingRefusalForm", (RefusalForm,), {"refusal": request._meeting_refusal})
        return super().get_form(request, obj, change=change, **kwargs)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # The view runs in one transaction: a refusal raised while saving rolls back the whole
        # submission (the meeting's fields and every inline), and the page is shown again with it.
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except RecordRefused as refused:
            request._meeting_refusal = refused.message
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_fields(self, request, obj=None):
        if obj is None:
            return MeetingScheduleForm.Meta.fields
        return [*STATE_FIELDS, *DETAIL_FIELDS, *MINUTES_FIELDS]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        readonly = list(STATE_FIELDS)
        if obj.status != Meeting.Status.SCHEDULED:
            readonly += ["ends_at", "online"]
        if not _record_open(obj):
            readonly += MINUTES_FIELDS
        return readonly

    def get_inlines(self, request, obj):
        if obj is None:
            return []
        if obj.status == Meeting.Status.SCHEDULED:
            return [AgendaListInline, AgendaAddInline]
        if obj.status == Meeting.Status.HELD:
            return [AttendanceInline, AgendaVotesInline]
        return [AgendaListInline]

    def save_model(self, request, obj, form, change):
        ip = _client_ip(request)
        if not change:
            data = form.cleaned_data
            created = services.meeting_schedule(
                actor=request.user, committee=data["committee"], starts_at=data["starts_at"],
                ends_at=data.get("ends_at"), title_ko=data["title_ko"], title_en=data.get("title_en", ""),
                place_ko=data.get("place_ko", ""), place_en=data.get("place_en", ""), online=data.get("online", False),
                ip=ip,
            )
            for field in Meeting._meta.concrete_fields:
                setattr(obj, field.attname, getattr(created, field.attname))
            obj._state.adding = False
            return
        details = [name for name in form.changed_data if name in DETAIL_FIELDS]
        if details:
            obj.save(update_fields=details)
            audit_record(actor=request.user, action="meeting.change_details", target=obj, ip=ip,
                         summary={"fields": sorted(details)})
        if any(name in MINUTES_FIELDS for name in form.changed_data):
            try:
                services.meeting_write_minutes(actor=request.user, meeting=obj, minutes_ko=obj.minutes_ko,
                                               minutes_en=obj.minutes_en, ip=ip)
            except GovernanceError as error:
                raise RecordRefused(error.message) from error

    def save_formset(self, request, form, formset, change):
        # Nothing is saved by the formset itself: each change goes through a service.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        meeting, ip = form.instance, _client_ip(request)
        try:
            if formset.model is Attendance and formset.has_changed():
                present = [row.instance.membership_id for row in formset.forms if row.cleaned_data.get("present")]
                services.meeting_record_attendance(actor=request.user, meeting=meeting, present=present, ip=ip)
            elif getattr(formset, "adds_agenda", False):
                self._add_agenda(request, meeting, formset, ip)
            elif formset.model is AgendaItem:
                self._record_votes(request, meeting, formset, ip)
        except GovernanceError as error:
            raise RecordRefused(error.message) from error

    def _add_agenda(self, request, meeting, formset, ip):
        for row in formset.forms:
            if not row.has_changed() or not row.cleaned_data.get("title_ko"):
                continue
            data = row.cleaned_data
            services.meeting_agenda_add(
                actor=request.user, meeting=meeting, title_ko=data["title_ko"], title_en=data.get("title_en", ""),
                description_ko=data.get("description_ko", ""), description_en=data.get("description_en", ""),
                is_public=data.get("is_public", True), ip=ip,
            )

    def _record_votes(self, request, meeting, formset, ip):
        for row in formset.forms:
            if not row.has_changed():
                continue
            data = row.cleaned_data
            if data.get("votes_for") is None:
                continue
            services.agenda_item_record_votes(
                actor=request.user, meeting=meeting, item=row.instance, votes_for=data["votes_for"],
                votes_against=data.get("votes_against") or 0, votes_abstain=data.get("votes_abstain") or 0, ip=ip,
            )

    def _each(self, request, queryset, service, done_message):
        done = 0
        for meeting in queryset:
            try:
                service(actor=request.user, meeting=meeting, ip=_client_ip(request))
            except GovernanceError as error:
                self.message_user(request, f"{meeting}: {error.message}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(request, done_message(done), messages.SUCCESS)

    @admin.action(description=_("Mark as held"), permissions=["change"])
    def mark_held(self, request, queryset):
        self._each(request, queryset, services.meeting_mark_held,
                   lambda n: ngettext("%(count)d meeting marked as held.", "%(count)d meetings marked as held.", n)
                   % {"count": n})

    @admin.action(description=_("Cancel"), permissions=["change"])
    def cancel(self, request, queryset):
        self._each(request, queryset, services.meeting_cancel,
                   lambda n: ngettext("%(count)d meeting cancelled.", "%(count)d meetings cancelled.", n)
                   % {"count": n})

    @admin.action(description=_("Approve the minutes (publishes them)"), permissions=["change"])
    def approve_minutes(self, request, queryset):
        self._each(request, queryset, services.meeting_approve_minutes,
                   lambda n: ngettext("Minutes of %(count)d meeting approved.", "Minutes of %(count)d meetings approved.",
                                      n) % {"count": n})

    def has_delete_permission(self, request, obj=None):
        return False
