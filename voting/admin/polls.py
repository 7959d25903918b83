"""The officials' back office for polls.

Who sees which polls: see scope.py. What they may do: voting/rules.py.

- A policy vote is written here as a draft: the add form calls poll_create, the change form of a
  draft poll_update_draft (both with the options inline, images through seoul_portal.images).
  Everything else about a poll is read-only: its status and lifecycle fields change only through
  the buttons on its page (publish, approve, reject, close early, hide, unhide, record the policy
  follow-up), each leading to a small form whose POST calls the service.
- Citizens' polls arrive awaiting screening; screeners approve or reject them with a reason the
  proposer is sent. The list also approves or publishes several at once.
- The page shows the counts so far from the maintained counters (tallies), never from ballots.
  Ballots and participations are not in the back office at all: who voted and what was voted are
  never shown, let alone side by side.
- The proposer of a citizen poll is named by a pseudonym: officials screen a poll, not a person.
"""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Case, Count, F, IntegerField, OuterRef, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from citizens.admin_readonly import ReadOnlyInline
from governance.models import OrgUnit
from seoul_portal.admin_moves import Move, MovesMixin

from ..errors import VotingError
from ..models import MAX_OPTIONS, PolicyReflection, Poll, PollOption, PollReport, TallyCount
from ..ranking import borda_scores, parse_ranking
from ..rules import can_manage_policy_poll
from ..services import (
    poll_approve,
    poll_close_early,
    poll_create,
    poll_hide,
    poll_publish,
    poll_reject,
    poll_unhide,
    reflection_record,
)
from ..services.polls import poll_update_draft
from ..tallies import ranking_sums, tally_sums
from .forms import (
    DRAFT_FIELDS,
    CloseEarlyForm,
    ConfirmForm,
    HideForm,
    OptionForm,
    OptionFormSet,
    PollDraftForm,
    PollRecordForm,
    ReflectionForm,
    RejectForm,
    option_image_url,
)
from .scope import (
    PUBLISHED,
    poll_in_scope,
    request_is_screener,
    request_is_superuser,
    request_may_open,
    request_unit_ids,
    scope_polls,
)

Status = Poll.Status


def proposer_pseudonym(citizen_id) -> str:
    """A code for a citizen poll's proposer: tells screeners that two polls come from the same
    person and nothing about who that person is."""
    return salted_hmac("voting.proposer-pseudonym", str(citizen_id)).hexdigest()[:6].upper()


# --- The moves on a poll's page --------------------------------------------------------------


def _publish(actor, poll):
    return poll_publish(actor=actor, poll=poll)


def _approve(actor, poll):
    return poll_approve(actor=actor, poll=poll)


def _reject(actor, poll, *, reason):
    return poll_reject(actor=actor, poll=poll, reason=reason)


def _close_early(actor, poll, *, reason):
    return poll_close_early(actor=actor, poll=poll, reason=reason)


def _hide(actor, poll, *, reason):
    return poll_hide(actor=actor, poll=poll, reason=reason)


def _unhide(actor, poll):
    return poll_unhide(actor=actor, poll=poll)


def _reflect(actor, poll, *, outcome, note, link):
    return reflection_record(actor=actor, poll=poll, outcome=outcome, note=note, link=link)


POLL_MOVES = {
    move.name: move
    for move in [
        Move(
            name="publish",
            perm="voting.publish_poll",
            applies=lambda poll: poll.status == Status.DRAFT,
            form_class=ConfirmForm,
            run=_publish,
            label=_("Publish the poll"),
            intro=_(
                "The poll is published on M-Voting: it opens at its opening time (at once if that has come). "
                "Its question and options cannot be changed afterwards."
            ),
            submit=_("Publish"),
            done=_('"%(title)s" is published.'),
            wrong_state=_("Only a draft can be published."),
        ),
        Move(
            name="approve",
            perm="voting.approve_poll",
            applies=lambda poll: poll.status == Status.PENDING_REVIEW,
            form_class=ConfirmForm,
            run=_approve,
            label=_("Approve the poll"),
            intro=_(
                "The citizen's poll passes screening: it is published and opens at its opening time. "
                "The proposer is told by SMS or email."
            ),
            submit=_("Approve"),
            done=_('"%(title)s" is approved.'),
            wrong_state=_("Only a poll awaiting screening can be approved."),
        ),
        Move(
            name="reject",
            perm="voting.reject_poll",
            applies=lambda poll: poll.status == Status.PENDING_REVIEW,
            form_class=RejectForm,
            run=_reject,
            label=_("Reject the poll"),
            intro=_("The poll is not published. The proposer is sent the reason."),
            submit=_("Reject"),
            done=_('"%(title)s" is rejected; the proposer is told why.'),
            wrong_state=_("Only a poll awaiting screening can be rejected."),
        ),
        Move(
            name="close-early",
            perm="voting.close_poll_early",
            applies=lambda poll: poll.status in {Status.OPEN, Status.SCHEDULED},
            form_class=CloseEarlyForm,
            run=_close_early,
            label=_("Close early"),
            intro=_(
                "Voting ends now, before the closing time. The ballots cast so far are the result; the reason "
                "is shown with it. This cannot be undone."
            ),
            submit=_("Close the poll now"),
            done=_('"%(title)s" is closed.'),
            wrong_state=_("Only an open or upcoming poll can be closed early."),
        ),
        Move(
            name="hide",
            perm="voting.hide_poll",
            applies=lambda poll: poll.hidden_at is None and poll.status in PUBLISHED,
            form_class=HideForm,
            run=_hide,
            label=_("Hide the poll"),
            intro=_("The poll disappears from the lists and stops taking ballots while it is hidden."),
            submit=_("Hide"),
            done=_('"%(title)s" is hidden.'),
            wrong_state=_("Only a published poll that is not hidden can be hidden."),
        ),
        Move(
            name="unhide",
            perm="voting.unhide_poll",
            applies=lambda poll: poll.hidden_at is not None,
            form_class=ConfirmForm,
            run=_unhide,
            label=_("Show the poll again"),
            intro=_("The poll is listed again and, if it is open, takes ballots again."),
            submit=_("Show again"),
            done=_('"%(title)s" is shown again.'),
            wrong_state=_("This poll is not hidden."),
        ),
        Move(
            name="reflect",
            perm="voting.record_reflection",
            applies=lambda poll: poll.status == Status.CLOSED,
            form_class=ReflectionForm,
            run=_reflect,
            label=_("Record the policy follow-up"),
            intro=_(
                "How the result was reflected in policy, for the public results-into-policy page. A follow-up "
                "recorded earlier is replaced."
            ),
            submit=_("Record"),
            done=_('The policy follow-up of "%(title)s" is recorded.'),
            wrong_state=_("Only a closed poll's result can be reflected in policy."),
        ),
    ]
}


# --- Inlines --------------------------------------------------------------------------------------


class OptionInline(admin.TabularInline):
    """The options of a draft (or of the poll being added), written by the services."""

    model = PollOption
    form = OptionForm
    formset = OptionFormSet
    fields = ["label", "description", "image", "image_alt"]
    max_num = MAX_OPTIONS
    can_delete = True
    verbose_name_plural = _("options (in the order voters see them)")

    def get_extra(self, request, obj=None, **kwargs):
        # Rows enough for a usual poll without JavaScript's "add another".
        return 4 if obj is None else 2

    def has_view_permission(self, request, obj=None):
        return True  # the poll's page has decided who sees it

    def _may_write(self, request, obj):
        if obj is None:
            return True  # the add form: PollAdmin.has_add_permission decided
        return obj.status == Status.DRAFT and can_manage_policy_poll.test(request.user, obj)

    def has_add_permission(self, request, obj=None):
        return self._may_write(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._may_write(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._may_write(request, obj)


class OptionRecordInline(ReadOnlyInline):
    model = PollOption
    fields = ["position", "label", "description", "image_preview", "image_alt"]
    readonly_fields = fields
    verbose_name_plural = _("options")

    @admin.display(description=_("image"))
    def image_preview(self, option):
        if not option.image:
            return "-"
        return format_html(
            '<img src="{}" alt="{}" width="96" loading="lazy">', option_image_url(option), option.image_alt or ""
        )


class ReportInline(ReadOnlyInline):
    """The reports of the poll (who reported is not shown: the category and details are what matter)."""

    model = PollReport
    fields = ["category", "detail", "reported_at", "resolution", "resolved_at"]
    readonly_fields = fields
    verbose_name_plural = _("reports of this poll")


# --- The list ---------------------------------------------------------------------------------------


class HiddenFilter(admin.SimpleListFilter):
    title = _("hidden")
    parameter_name = "hidden"

    def lookups(self, request, model_admin):
        return [("yes", _("Hidden")), ("no", _("Not hidden"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(hidden_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(hidden_at__isnull=True)
        return queryset


def _ballots_so_far():
    counters = (
        TallyCount.objects.filter(poll=OuterRef("pk"), option_position=0, dimension="")
        .values("poll")
        .annotate(total=Sum("count"))
        .values("total")
    )
    return Coalesce(Subquery(counters, output_field=IntegerField()), Value(0))


def _open_reports():
    reports = (
        PollReport.objects.filter(poll=OuterRef("pk"), resolved_at__isnull=True)
        .values("poll")
        .annotate(open=Count("pk"))
        .values("open")
    )
    return Coalesce(Subquery(reports, output_field=IntegerField()), Value(0))


# --- The page ---------------------------------------------------------------------------------------

ADD_FIELDSETS = [
    (None, {"fields": ["title", "description", "org_unit", "question_type", "max_choices"]}),
    (_("Audience"), {"fields": ["audience_districts", "audience_min_age", "audience_max_age", "eligible_population"]}),
    (_("Schedule"), {"fields": ["opens_at", "closes_at", "results_visibility"]}),
    (
        _("Access"),
        {
            "fields": ["access", "event_starts_at", "event_ends_at"],
            "description": _(
                "A private room gets a room code when the poll is saved; an on-site poll gets the QR code "
                "for its event window."
            ),
        },
    ),
]
DRAFT_FIELDSETS = [(None, {"fields": ["kind", "status", "room_code", "created_by"]}), *ADD_FIELDSETS]
RECORD_FIELDSETS = [
    (
        None,
        {
            "fields": [
                "kind", "status", "title", "description", "org_unit", "proposer_display", "question_type",
                "max_choices", "created_at",
            ]
        },
    ),
    (_("Audience"), {"fields": ["audience_display", "audience_min_age", "audience_max_age", "eligible_population"]}),
    (
        _("Schedule"),
        {"fields": ["opens_at", "closes_at", "opened_at", "closed_at", "close_reason", "results_visibility"]},
    ),
    (_("Access"), {"fields": ["access", "room_code", "event_starts_at", "event_ends_at", "qr_link"]}),
    (_("Screening"), {"fields": ["reviewed_by", "reviewed_at", "rejection_reason"]}),
    (_("Moderation"), {"fields": ["hidden_at", "hidden_reason", "open_report_count"]}),
    (_("Ballots so far"), {"fields": ["tally_display"]}),
    (_("Policy follow-up"), {"fields": ["reflection_display"]}),
]
RECORD_FIELDS = [name for _title, options in RECORD_FIELDSETS for name in options["fields"]]


@admin.register(Poll)
class PollAdmin(MovesMixin, admin.ModelAdmin):
    form = PollDraftForm
    moves = POLL_MOVES
    move_errors = (VotingError,)
    list_display = [
        "title", "kind", "status", "question_type", "access", "org_unit", "opens_at", "closes_at", "ballots",
        "open_reports", "is_hidden",
    ]
    list_display_links = ["title"]
    list_filter = [
        "kind", "status", "access", HiddenFilter, "question_type", ("org_unit", admin.RelatedOnlyFieldListFilter)
    ]
    list_select_related = ["org_unit"]
    search_fields = ["title"]
    # Polls awaiting screening first (the screeners' queue), then the newest.
    ordering = [Case(When(status=Status.PENDING_REVIEW, then=Value(0)), default=Value(1)), "-opens_at", "-pk"]
    actions = ["publish_polls", "approve_polls"]

    # Who may open what.

    def get_queryset(self, request):
        return scope_polls(super().get_queryset(request).select_related("org_unit"), request).annotate(
            ballots_so_far=_ballots_so_far(), open_reports=_open_reports(), proposer_erased_at=F("proposer__erased_at")
        )

    def get_object(self, request, object_id, from_field=None):
        # The page (and a move's page) shows who screened it and its follow-up: one query with them.
        queryset = self.get_queryset(request).select_related(
            "reviewed_by", "created_by", "reflection", "reflection__recorded_by"
        )
        try:
            return queryset.get(pk=Poll._meta.pk.to_python(object_id))
        except (Poll.DoesNotExist, ValidationError, ValueError):
            return None

    def has_module_permission(self, request):
        return request_may_open(request)

    def has_view_permission(self, request, obj=None):
        if obj is None:
            return request_may_open(request)
        return poll_in_scope(request, obj)

    def has_add_permission(self, request):
        return request_is_superuser(request) or bool(request_unit_ids(request))

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return self.has_add_permission(request)
        return obj.status == Status.DRAFT and request.user.has_perm("voting.edit_poll_draft", obj)

    def has_delete_permission(self, request, obj=None):
        return False  # a poll is a record, drafts included (the audit log names them)

    def has_publish_permission(self, request):
        return self.has_add_permission(request)

    def has_screen_permission(self, request):
        return request_is_superuser(request) or request_is_screener(request)

    # The form.

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return ADD_FIELDSETS
        if self.has_change_permission(request, obj):
            return DRAFT_FIELDSETS
        return RECORD_FIELDSETS

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        if self.has_change_permission(request, obj):
            return ["kind", "status", "room_code", "created_by"]
        return RECORD_FIELDS

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None and not self.has_change_permission(request, obj):
            kwargs["form"] = PollRecordForm  # read-only: without the draft form's help texts
        return super().get_form(request, obj, change=change, **kwargs)

    def get_inlines(self, request, obj):
        if obj is None or self.has_change_permission(request, obj):
            return [OptionInline]
        return [OptionRecordInline, ReportInline]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is OrgUnit:
            units = OrgUnit.objects.filter(is_active=True).order_by("order", "code")
            if not request_is_superuser(request):
                units = units.filter(pk__in=sorted(request_unit_ids(request)))
            kwargs["queryset"] = units
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        pass  # the services write the poll with its options: save_related

    def save_related(self, request, form, formsets, change):
        options = next(formset for formset in formsets if isinstance(formset, OptionFormSet))
        data = {name: form.cleaned_data.get(name) for name in DRAFT_FIELDS}
        data["audience_districts"] = list(data["audience_districts"] or [])
        data["description"] = data["description"] or ""
        try:
            if change:
                poll = poll_update_draft(actor=request.user, poll=form.instance, options=options.cleaned_options, **data)
            else:
                poll = poll_create(
                    actor=request.user, kind=Poll.Kind.POLICY, options=options.cleaned_options, **data
                )
        except VotingError as error:
            # The forms ran the same checks: this is another official's move in between.
            request._voting_refused = error.message
            return
        # The admin goes on with the form's instance (the log entry, the redirect): make it the saved row.
        instance = form.instance
        for field in Poll._meta.concrete_fields:
            setattr(instance, field.attname, getattr(poll, field.attname))
        instance._state.adding, instance._state.db = False, poll._state.db

    def construct_change_message(self, request, form, formsets, add=False):
        return [{"added": {}}] if add else [{"changed": {"fields": [str(name) for name in form.changed_data]}}]

    def log_addition(self, request, obj, message):
        if not getattr(request, "_voting_refused", None):
            return super().log_addition(request, obj, message)
        return None

    def log_change(self, request, obj, message):
        if not getattr(request, "_voting_refused", None):
            return super().log_change(request, obj, message)
        return None

    def response_add(self, request, obj, post_url_continue=None):
        if getattr(request, "_voting_refused", None):
            self.message_user(request, request._voting_refused, messages.ERROR)
            return self.response_post_save_add(request, obj)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if getattr(request, "_voting_refused", None):
            self.message_user(request, request._voting_refused, messages.ERROR)
            return self.response_post_save_change(request, obj)
        return super().response_change(request, obj)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["voting_moves"] = self.move_buttons(request, obj)
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    # The moves' pages.

    def move_summary(self, poll):
        return [
            (_("title"), poll.title),
            (_("kind"), poll.get_kind_display()),
            (_("status"), poll.get_status_display()),
            (_("opens at"), timezone.localtime(poll.opens_at).strftime("%Y-%m-%d %H:%M")),
            (_("closes at"), timezone.localtime(poll.closes_at).strftime("%Y-%m-%d %H:%M")),
            (_("proposer"), self.proposer_display(poll)),
            (_("description"), poll.description),
        ]

    def move_initial(self, move, poll):
        if move.name == "reflect":
            try:
                reflection = poll.reflection
            except PolicyReflection.DoesNotExist:
                return {}
            return {"outcome": reflection.outcome, "note": reflection.note, "link": reflection.link}
        return {}

    # The columns and read-only fields.

    @admin.display(description=_("ballots"), ordering="ballots_so_far")
    def ballots(self, poll):
        return getattr(poll, "ballots_so_far", 0)

    @admin.display(description=_("open reports"), ordering="open_reports")
    def open_reports(self, poll):
        return getattr(poll, "open_reports", 0) or ""

    @admin.display(description=_("open reports"))
    def open_report_count(self, poll):
        return getattr(poll, "open_reports", 0)

    @admin.display(description=_("hidden"), boolean=True)
    def is_hidden(self, poll):
        return poll.hidden_at is not None

    @admin.display(description=_("proposer"))
    def proposer_display(self, poll):
        if poll.kind == Poll.Kind.POLICY:
            return str(poll.created_by) if poll.created_by_id else "-"
        if poll.proposer_id is None:
            return "-"
        if getattr(poll, "proposer_erased_at", None):  # annotated: the proposer's row is never loaded
            return gettext("A citizen whose account was deleted")
        return gettext("Citizen %(code)s") % {"code": proposer_pseudonym(poll.proposer_id)}

    @admin.display(description=_("districts"))
    def audience_display(self, poll):
        names = [district.name_ko for district in poll.audience_districts.all()]
        return ", ".join(names) if names else gettext("Every district")

    @admin.display(description=_("QR code"))
    def qr_link(self, poll):
        if poll.access != Poll.Access.ONSITE:
            return "-"
        try:
            url = reverse("voting:qr", args=[poll.pk])
        except NoReverseMatch:
            return gettext("The QR code page is not available.")
        return format_html('<a href="{}">{}</a>', url, gettext("Show the QR code for the event"))

    @admin.display(description=_("counts"))
    def tally_display(self, poll):
        sums = tally_sums(poll.pk)
        total = sums.get((0, "", ""), 0)
        options = list(poll.options.all())
        ranked = poll.is_ranked
        borda = {}
        if ranked:
            rankings = {parse_ranking(text): count for text, count in ranking_sums(poll.pk).items() if count}
            borda = borda_scores(rankings, [option.position for option in options])
        rows = []
        for option in options:
            count = sums.get((option.position, "", ""), 0)
            share = f"{count * 100 / total:.1f}%" if total else "-"
            rows.append((option.position, option.label, count, share, borda.get(option.position, "-") if ranked else ""))
        header = format_html(
            "<tr><th scope='col'>#</th><th scope='col'>{}</th><th scope='col'>{}</th><th scope='col'>%</th>{}</tr>",
            gettext("option"),
            gettext("first preferences") if ranked else gettext("ballots"),
            format_html("<th scope='col'>{}</th>", gettext("Borda score")) if ranked else "",
        )
        body = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td>" + ("<td>{}</td></tr>" if ranked else "{}</tr>"),
            rows,
        )
        return format_html(
            '<p>{}</p><table class="voting-tally">{}{}</table>',
            ngettext("%(count)d ballot cast.", "%(count)d ballots cast.", total) % {"count": total},
            header,
            body,
        )

    @admin.display(description=_("policy follow-up"))
    def reflection_display(self, poll):
        try:
            reflection = poll.reflection
        except PolicyReflection.DoesNotExist:
            return gettext("Not recorded yet.") if poll.status == Status.CLOSED else "-"
        link = format_html(' <a href="{}" rel="noopener">{}</a>', reflection.link, reflection.link) if reflection.link else ""
        return format_html(
            "<strong>{}</strong> — {}{}<br>{}",
            reflection.get_outcome_display(),
            reflection.note,
            link,
            gettext("Recorded %(date)s by %(official)s")
            % {
                "date": timezone.localtime(reflection.recorded_at).strftime("%Y-%m-%d"),
                "official": reflection.recorded_by,
            },
        )

    # Several at once.

    def _run_each(self, request, queryset, perm, service, done, log_message):
        moved = 0
        for poll in queryset:
            if not request.user.has_perm(perm, poll):
                self.message_user(request, gettext("%(title)s: you may not do this.") % {"title": poll}, messages.WARNING)
                continue
            try:
                service(actor=request.user, poll=poll)
            except VotingError as error:
                self.message_user(request, f"{poll}: {error.message}", messages.WARNING)
                continue
            moved += 1
            self.log_change(request, poll, log_message)
        if moved:
            self.message_user(request, done(moved), messages.SUCCESS)

    @admin.action(description=_("Publish the selected drafts"), permissions=["publish"])
    def publish_polls(self, request, queryset):
        self._run_each(
            request, queryset, "voting.publish_poll", poll_publish,
            lambda count: ngettext("%(count)d poll published.", "%(count)d polls published.", count) % {"count": count},
            gettext("Published."),
        )

    @admin.action(description=_("Approve the selected polls awaiting screening"), permissions=["screen"])
    def approve_polls(self, request, queryset):
        self._run_each(
            request, queryset, "voting.approve_poll", poll_approve,
            lambda count: ngettext("%(count)d poll approved.", "%(count)d polls approved.", count) % {"count": count},
            gettext("Approved in screening."),
        )

