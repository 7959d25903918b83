"""The officials' queue of complaints and a complaint's page in the back office.

Who sees which complaints: complaints/selectors/queues.py (their units' queue; the intake desk all).
A complaint's fields are a record: nobody edits them here. Every change is a button on its page
that calls a service (complaints/admin/moves.py); the services check the permission and the
state again. The filer's personal data is masked in the list and on the page until the official
presses "Open personal data" (audited; complaints/admin/personal_data.py).

Beside the list: the intake desk's triage queue and its form to file for a 120 caller, and the
coordinators' queue of disputed transfers (complaints/admin/queues.py, caller.py).
"""

import copy

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.db import transaction
from django.http import Http404, HttpResponseNotAllowed
from django.urls import path, reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from citizens.admin_readonly import ReadOnlyInline
from seoul_portal.admin_moves import MovesMixin
from seoul_portal.pagination import CappedCountPaginator
from seoul_portal.uploads import stored_file_response

from ..errors import ComplaintError
from ..models import Complaint, ComplaintEvent, ComplaintPhoto, Satisfaction, Transfer
from ..selectors.queues import complaints_visible_to, deadline_filter, may_open_queue, official_queue, queue_counts
from .caller import file_for_caller_view, may_file_for_caller
from .clusters import clusters_view
from .moves import COMPLAINT_MOVES, ROLES
from .personal_data import filer_masked, filer_revealed, masked_filer_label
from .queues import coordination_queue_view, triage_queue_view
from .stats import may_see_stats, stats_csv_view, stats_view
from .trends import TermFilter, trends_view

# --- The list ------------------------------------------------------------------------------------


class DeadlineFilter(admin.SimpleListFilter):
    title = _("deadline")
    parameter_name = "deadline"

    def lookups(self, request, model_admin):
        return [("open", _("Open")), ("overdue", _("Overdue")), ("due_today", _("Due today"))]

    def queryset(self, request, queryset):
        return deadline_filter(queryset, self.value() or "")


class AssignmentFilter(admin.SimpleListFilter):
    title = _("official in charge")
    parameter_name = "assigned"

    def lookups(self, request, model_admin):
        return [("me", _("My assignments"))]

    def queryset(self, request, queryset):
        if self.value() == "me":
            return queryset.filter(assignee=request.user)
        return queryset


# --- The page's tables ---------------------------------------------------------------------------


class EventInline(ReadOnlyInline):
    """The timeline: every move, routing, dispute, note and rating, the non-public ones included."""

    model = ComplaintEvent
    fields = ["at", "kind", "from_status", "to_status", "actor_display", "unit", "note", "is_public"]
    readonly_fields = fields
    verbose_name_plural = _("timeline")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor", "unit", "complaint")

    @admin.display(description=_("by"))
    def actor_display(self, event):
        # Officials are named; a citizen who acted (rating, reopening) is personal data: not named.
        if event.actor_id is None:
            return "-"
        if event.actor.is_staff:
            return str(event.actor)
        return gettext("the filer") if event.actor_id == event.complaint.citizen_id else gettext("a citizen")


class TransferInline(ReadOnlyInline):
    model = Transfer
    fields = ["requested_at", "from_unit", "to_unit", "reason", "outcome", "dispute_reason", "decided_unit",
              "decided_by", "decided_at"]  # fmt: skip
    readonly_fields = fields
    verbose_name_plural = _("transfers")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("from_unit", "to_unit", "decided_unit", "decided_by")


class PhotoInline(ReadOnlyInline):
    model = ComplaintPhoto
    fields = ["position", "preview", "alt"]
    readonly_fields = fields
    verbose_name_plural = _("photos")

    @admin.display(description=_("photo"))
    def preview(self, photo):
        url = reverse("admin:complaints_complaint_photo", args=[photo.complaint_id, photo.position])
        return format_html('<a href="{}"><img src="{}" alt="{}" width="160" loading="lazy"></a>', url, url,
                           photo.alt or gettext("Photo %(number)d") % {"number": photo.position + 1})  # fmt: skip


class RatingInline(ReadOnlyInline):
    model = Satisfaction
    fields = ["answer_round", "rating", "comment", "rated_at"]
    readonly_fields = fields
    verbose_name_plural = _("satisfaction ratings")


RECORD_FIELDSETS = [
    (None, {"fields": ["tracking_number", "status", "channel", "category", "complaint_type", "title", "description",
                       "answers_display", "is_public", "language"]}),
    (_("Place"), {"fields": ["address", "district", "coordinates"]}),
    (_("Handling"), {"fields": ["unit", "assignee", "suggestion", "received_at", "deadline", "overdue_at",
                                "progress_notice_at", "answer_round", "filed_by", "open311_client"]}),
    (_("Result of the handling"), {"fields": ["answer", "answered_at", "answered_by", "rejection_reason", "rejection_remedy",
                               "duplicate_of", "closed_at"]}),
]  # fmt: skip
RECORD_FIELDS = [name for _title, options in RECORD_FIELDSETS for name in options["fields"]]


@admin.register(Complaint)
class ComplaintAdmin(MovesMixin, admin.ModelAdmin):
    moves = COMPLAINT_MOVES
    move_errors = (ComplaintError,)
    list_display = ["tracking_number", "title_display", "category", "status", "unit", "deadline", "channel",
                    "filer_display"]  # fmt: skip
    list_display_links = ["tracking_number"]
    list_filter = [DeadlineFilter, AssignmentFilter, "status", "category", "channel", "unit", TermFilter]
    list_per_page = 50
    # Counting every complaint the official sees on each page costs more than it tells.
    show_full_result_count = False
    # A unit's queue holds up to hundreds of thousands of complaints: count at most 1,001 of them.
    paginator = CappedCountPaginator
    search_fields = ["tracking_number"]
    search_help_text = _("Find a complaint by its tracking number, e.g. 2026-0001234.")
    ordering = ["-received_at", "-pk"]
    fieldsets = RECORD_FIELDSETS
    readonly_fields = RECORD_FIELDS
    inlines = [EventInline, TransferInline, PhotoInline, RatingInline]

    # Who may open what.

    def get_queryset(self, request):
        # The list's columns; the long texts are read on the complaint's page only.
        return official_queue(request.user, super().get_queryset(request)).defer(
            "description", "answer", "rejection_reason", "rejection_remedy", "answers"
        )

    def get_object(self, request, object_id, from_field=None):
        try:
            pk = int(object_id)
        except (TypeError, ValueError):
            return None
        related = ["category", "unit", "assignee", "suggested_unit", "district", "filed_by", "open311_client",
                   "answered_by", "duplicate_of", "citizen", "contact"]  # fmt: skip
        complaint = complaints_visible_to(request.user, Complaint.objects.select_related(*related)).filter(pk=pk).first()
        if complaint is not None:
            complaint._visible_to = request.user.pk  # spares has_view_permission asking again
        return complaint

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # Django redirects to the index saying the record does not exist; a complaint of another
        # unit is simply not there for this official (the change, history and delete pages).
        raise Http404(gettext("No such record among those you may see."))

    def has_module_permission(self, request):
        if not hasattr(request, "_complaints_may_open"):
            request._complaints_may_open = may_open_queue(request.user)
        return request._complaints_may_open

    def has_view_permission(self, request, obj=None):
        if obj is None:
            return self.has_module_permission(request)
        return getattr(obj, "_visible_to", None) == request.user.pk

    def has_add_permission(self, request):
        return False  # complaints come in through their channels; a 120 caller's through "File for a caller"

    def has_change_permission(self, request, obj=None):
        return False  # the buttons move a complaint; its fields are the record

    def has_delete_permission(self, request, obj=None):
        return False

    def get_search_results(self, request, queryset, search_term):
        # An exact tracking number: the unique index finds it among millions.
        term = search_term.strip()
        if not term:
            return queryset, False
        return queryset.filter(tracking_number=term), False

    # The moves.

    def may_make(self, request, move, obj):
        # The role only: the state is the move's `applies` (see moves.py).
        return ROLES[move.name].test(request.user, obj)

    def move_summary(self, complaint):
        return [
            (_("tracking number"), complaint.tracking_number),
            (_("status"), complaint.get_status_display()),
            (_("category"), str(complaint.category) if complaint.category_id else gettext("None yet (triage)")),
            (_("unit"), str(complaint.unit) if complaint.unit_id else "-"),
            (_("due at"), self.deadline(complaint)),
            (_("title"), complaint.title),
            (_("description"), complaint.description),
        ]

    def move_initial(self, move, complaint):
        if move.name == "assign":
            return {"unit_id": complaint.unit_id, "assignee": complaint.assignee_id}
        if move.name == "reject":
            return {"remedy": gettext(
                "If you disagree with this decision, you may file an objection with the head of the agency within "
                "60 days of being notified (Civil Petitions Treatment Act, art. 35)."
            )}  # fmt: skip
        if move.name == "triage":
            return {"title": complaint.title or complaint.description[:60]}
        return {}

    # The pages.

    def get_urls(self):
        wrap = self.admin_site.admin_view
        own = [
            path("triage/", wrap(lambda request: triage_queue_view(self, request)),
                 name="complaints_complaint_triage_queue"),
            path("coordination/", wrap(lambda request: coordination_queue_view(self, request)),
                 name="complaints_complaint_coordination_queue"),
            path("file-for-caller/", wrap(lambda request: file_for_caller_view(self, request)),
                 name="complaints_complaint_file_for_caller"),
            path("stats/", wrap(lambda request: stats_view(self, request)), name="complaints_complaint_stats"),
            path("stats/<slug:table>.csv", wrap(lambda request, table: stats_csv_view(self, request, table)),
                 name="complaints_complaint_stats_csv"),
            path("trends/", wrap(lambda request: trends_view(self, request)), name="complaints_complaint_trends"),
            path("near-duplicates/", wrap(lambda request: clusters_view(self, request)),
                 name="complaints_complaint_clusters"),
            path("<path:object_id>/personal-data/", wrap(self.personal_data_view),
                 name="complaints_complaint_personal_data"),
            path("<path:object_id>/photo/<int:position>/", wrap(self.photo_view), name="complaints_complaint_photo"),
        ]  # fmt: skip
        return [*own, *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        user = request.user
        extra_context = {
            **(extra_context or {}),
            "may_file_for_caller": may_file_for_caller(user),
            "may_see_stats": may_see_stats(user),
            "queue_counts": queue_counts(user),
        }
        return super().changelist_view(request, extra_context=extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["complaint_moves"] = self.move_buttons(request, obj)
            context["filer"] = getattr(request, "_complaint_filer", None) or filer_masked(obj)
            context["personal_data_url"] = reverse("admin:complaints_complaint_personal_data", args=[obj.pk])
            context["is_overdue"] = obj.is_overdue()
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    def personal_data_view(self, request, object_id):
        """POST: the complaint's page once more, with the filer's data in full (audited first)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        complaint = self.get_object(request, unquote(object_id))
        if complaint is None:
            raise Http404(gettext("No such record among those you may see."))
        with transaction.atomic():
            revealed = filer_revealed(actor=request.user, complaint=complaint, ip=getattr(request, "client_ip", None))
        # The same page, rendered as a GET for this response only: a reload asks (and audits) again.
        page_request = copy.copy(request)
        page_request.method = "GET"
        page_request._complaint_filer = revealed
        response = self.change_view(page_request, object_id)
        patch_cache_control(response, private=True, no_store=True, max_age=0)
        return response

    def photo_view(self, request, object_id, position):
        complaint = self.get_object(request, unquote(object_id))
        photo = ComplaintPhoto.objects.filter(complaint=complaint, position=position).first() if complaint else None
        if photo is None:
            raise Http404(gettext("No such photo."))
        # Officials see photos on the site's own host (their session is there), with the headers
        # every user file carries.
        response = stored_file_response(photo.image, folder="complaints/", public=False)
        patch_cache_control(response, private=True, max_age=0)
        return response

    # The columns and the record's fields.

    @admin.display(description=_("title"))
    def title_display(self, complaint):
        return complaint.title or gettext("(no title yet)")

    @admin.display(description=_("due at"), ordering="due_at")
    def deadline(self, complaint):
        if complaint.due_at is None:
            return "-"
        when = timezone.localtime(complaint.due_at).strftime("%Y-%m-%d %H:%M")
        if complaint.is_overdue():
            return format_html('{} <strong class="complaint-overdue">{}</strong>', when, gettext("overdue"))
        return when

    @admin.display(description=_("filer"))
    def filer_display(self, complaint):
        return masked_filer_label(complaint)

    @admin.display(description=_("answers to the category's questions"))
    def answers_display(self, complaint):
        if not complaint.answers:
            return "-"
        questions = {question.code: question for question in complaint.category.questions.all()} if (
            complaint.category_id) else {}  # fmt: skip
        lines = []
        for code, value in complaint.answers.items():
            question = questions.get(code)
            values = value if isinstance(value, list) else [value]
            shown = ", ".join(question.choice_name(item) if question else str(item) for item in values)
            lines.append((question.prompt if question else code, shown))
        return format_html("<br>".join(["{}: {}"] * len(lines)), *[part for line in lines for part in line])

    @admin.display(description=_("location"))
    def coordinates(self, complaint):
        if complaint.latitude is None:
            return "-"
        return f"{complaint.latitude}, {complaint.longitude}"

    @admin.display(description=_("suggested unit"))
    def suggestion(self, complaint):
        if complaint.suggested_unit_id is None:
            return "-"
        confidence = complaint.suggestion_confidence
        return f"{complaint.suggested_unit} ({confidence:.0%})" if confidence is not None else str(complaint.suggested_unit)
