"""The back office of Seoul asks: questions (written, published, closed and concluded through the
services) and the opinions citizens gave (read-only).

The change form follows the question's state: a draft is edited (question_update_draft); an open
question is read-only; a closed one takes the conclusion (question_conclude); a concluded one is a
record. Publishing and closing are actions. The counts are only ever written by the citizens'
services.

Who: the permissions follow the `rules` predicates, not Django's model permissions (no official
holds those). Any official serving today in some unit, and a superuser, may open the questions and
the opinions and write a question (in the name of a unit they serve in: `proposals.ask_question`).
Officials see the questions of their units and the units below (UnitScopedAdminMixin: a head of
division reads their teams' questions); they manage only those of the units they serve in directly
(`proposals.manage_question`).
"""

from django import forms
from django.contrib import admin, messages
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from citizens.admin_readonly import ReadOnlyModelAdmin
from governance.admin.org import UnitScopedAdminMixin
from governance.models import OrgUnit
from seoul_portal.pagination import CappedCountPaginator

from .. import question_rules
from ..errors import ProposalError
from ..models import Question, QuestionOpinion
from ..rules import current_assignments
from ..services.questions import (
    check_may_ask,
    check_may_manage,
    check_question_fields,
    clean_conclusion,
    question_close,
    question_conclude,
    question_create,
    question_publish,
    question_update_draft,
)
from .implementation import request_serves

Status = Question.Status

DRAFT_FIELDS = ["title", "body", "kind", "closes_at"]
COUNT_FIELDS = ["yes_count", "no_count", "opinion_count"]
RECORD_FIELDS = ["unit", "status", "opens_at", *COUNT_FIELDS, "created_at"]
ALL_FIELDS = ["unit", *DRAFT_FIELDS, "status", "opens_at", *COUNT_FIELDS, "conclusion", "concluded_at", "created_at"]


class QuestionAdminForm(forms.ModelForm):
    """The fields the question's state lets the official write; clean() runs the services' checks."""

    official = None  # set by QuestionAdmin.get_form

    class Meta:
        model = Question
        fields = ["unit", *DRAFT_FIELDS, "conclusion"]

    def _field_error(self, error):
        self.add_error(error.field if error.field in self.fields else None, error.message)

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        question = self.instance
        try:
            if question.pk is None or question.status == Status.DRAFT:
                cleaned["title"], cleaned["body"] = check_question_fields(
                    title=cleaned.get("title"),
                    body=cleaned.get("body"),
                    kind=cleaned.get("kind"),
                    closes_at=cleaned.get("closes_at"),
                    now=timezone.now(),
                )
                if question.pk is None:
                    check_may_ask(self.official, cleaned.get("unit"))
                else:
                    check_may_manage(self.official, question)
            elif question.status == Status.CLOSED and "conclusion" in self.fields:
                check_may_manage(self.official, question)
                cleaned["conclusion"] = clean_conclusion(cleaned.get("conclusion"))
        except ProposalError as error:
            self._field_error(error)
        return cleaned

    def _post_clean(self):
        # The services write the question (save_model); the form's instance stays as loaded.
        pass


@admin.register(Question)
class QuestionAdmin(UnitScopedAdminMixin, admin.ModelAdmin):
    unit_path = "unit"
    form = QuestionAdminForm
    list_display = ["title", "unit", "kind", "status", "opens_at", "closes_at", *COUNT_FIELDS]
    list_filter = ["status", "kind"]
    list_select_related = ["unit"]
    search_fields = ["title"]
    date_hierarchy = "closes_at"
    actions = ["publish_questions", "close_questions"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["unit", *DRAFT_FIELDS]
        return ALL_FIELDS

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        if not self.has_change_permission(request, obj):
            return ALL_FIELDS
        if obj.status == Status.DRAFT:
            return [name for name in ALL_FIELDS if name not in DRAFT_FIELDS]
        if obj.status == Status.CLOSED:
            return [name for name in ALL_FIELDS if name != "conclusion"]
        return ALL_FIELDS

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.official = request.user
        if "conclusion" in form.base_fields:
            form.base_fields["conclusion"].required = True
            form.base_fields["conclusion"].help_text = _(
                "Published on the question's page as the city's conclusion; it cannot be changed afterwards."
            )
        return form

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is OrgUnit and not request.user.is_superuser:
            # A question is asked in the name of a unit the official serves in (not the units below).
            kwargs["queryset"] = OrgUnit.objects.filter(
                pk__in=current_assignments().filter(official_id=request.user.pk).values("unit_id")
            )
            return super(UnitScopedAdminMixin, self).formfield_for_foreignkey(db_field, request, **kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    # Who may do what: the rules predicates (see the module docstring). The queryset is scoped.

    def has_module_permission(self, request):
        return request_serves(request)

    def has_view_permission(self, request, obj=None):
        return request_serves(request)

    def has_add_permission(self, request):
        return request_serves(request)

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return request_serves(request)
        return question_rules.can_manage_question.test(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return False  # citizens answered it, or may have: a question is a record

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if not change:
            question = question_create(
                actor=request.user,
                unit=data["unit"],
                title=data["title"],
                body=data["body"],
                kind=data["kind"],
                closes_at=data["closes_at"],
            )
        elif obj.status == Status.DRAFT:
            question = question_update_draft(
                actor=request.user,
                question=obj,
                title=data["title"],
                body=data["body"],
                kind=data["kind"],
                closes_at=data["closes_at"],
            )
        elif obj.status == Status.CLOSED and data.get("conclusion"):
            question = question_conclude(actor=request.user, question=obj, conclusion=data["conclusion"])
        else:
            return
        # The admin goes on with `obj` (the log entry, the redirect): make it the saved row.
        for field in Question._meta.concrete_fields:
            setattr(obj, field.attname, getattr(question, field.attname))
        obj._state.adding, obj._state.db = False, question._state.db

    def _run(self, request, queryset, service, done_message, log_message):
        """Apply `service` to each question; `log_message` is the history entry of each one done."""
        done = 0
        for question in queryset:
            try:
                changed = service(question)
            except ProposalError as error:
                self.message_user(request, f"{question}: {error.message}", messages.WARNING)
                continue
            if changed is not False:
                done += 1
                self.log_change(request, question, log_message)
        if done:
            self.message_user(request, done_message(done), messages.SUCCESS)

    @admin.action(description=_("Publish the selected drafts to citizens"), permissions=["change"])
    def publish_questions(self, request, queryset):
        def publish(question):
            return question_publish(actor=request.user, question=question)

        self._run(
            request,
            queryset,
            publish,
            lambda count: (
                ngettext("%(count)d question published.", "%(count)d questions published.", count) % {"count": count}
            ),
            gettext("Published to citizens."),
        )

    @admin.action(description=_("Close the selected questions whose closing date has passed"), permissions=["change"])
    def close_questions(self, request, queryset):
        def close(question):
            check_may_manage(request.user, question)
            return question_close(question=question, now=timezone.now(), actor=request.user)

        self._run(
            request,
            queryset,
            close,
            lambda count: (
                ngettext("%(count)d question closed.", "%(count)d questions closed.", count) % {"count": count}
            ),
            gettext("Closed: its closing date has passed."),
        )


@admin.register(QuestionOpinion)
class QuestionOpinionAdmin(UnitScopedAdminMixin, ReadOnlyModelAdmin):
    """The opinions citizens gave, to read them all while writing the conclusion (no names: the
    conclusion answers what was said, not who said it)."""

    unit_path = "question__unit"
    list_display = ["question", "excerpt", "created_at"]
    list_select_related = ["question"]
    list_filter = ["question__status"]
    # Every opinion on every question: count at most 1,001 of them for the pages, and not the whole
    # table a second time.
    paginator = CappedCountPaginator
    show_full_result_count = False
    search_fields = ["body", "question__title"]
    fields = ["question", "body", "created_at"]
    readonly_fields = fields

    def has_module_permission(self, request):
        return request_serves(request)

    def has_view_permission(self, request, obj=None):
        return request_serves(request)  # the queryset is scoped to the official's units

    @admin.display(description=_("opinion"))
    def excerpt(self, obj):
        return Truncator(obj.body).chars(80)
