"""The committee members' monitoring notes in the back office: the officials read them (the
unanswered concerns first, with a filter) and answer them with the "Answer" button, once
(seoul_portal.admin_moves; the service checks the permission and the state again and tells the
note's author).

Who sees which notes: as for projects (budgeting.admin.projects.scope_projects) — a superuser all,
an official the notes on the projects of the cycles their units run and on their department's
projects. Nobody edits a note: it is the member's public record.
"""

import rules
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, Value, When
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from seoul_portal.admin_moves import Move, MovesMixin

from ..errors import BudgetingError
from ..forms.monitoring import NoteAnswerForm
from ..models import ImplementationNote
from ..services.monitoring import implementation_note_answer
from .projects import project_in_scope, request_may_open, scope_projects

AWAITING_ANSWER = Case(When(raises_concern=True, answered_at__isnull=True, then=Value(0)), default=Value(1),
                       output_field=IntegerField())


class AnswerStateFilter(admin.SimpleListFilter):
    title = _("answer")
    parameter_name = "answer"

    def lookups(self, request, model_admin):
        return [
            ("open-concerns", _("Unanswered concerns")),
            ("unanswered", _("Unanswered notes")),
            ("answered", _("Answered")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "open-concerns":
            return queryset.filter(raises_concern=True, answered_at__isnull=True)
        if self.value() == "unanswered":
            return queryset.filter(answered_at__isnull=True)
        if self.value() == "answered":
            return queryset.filter(answered_at__isnull=False)
        return queryset


def _answer(actor, note, *, answer):
    return implementation_note_answer(actor=actor, note=note, answer=answer)


NOTE_MOVES = {
    "answer": Move(
        name="answer",
        perm="budgeting.answer_implementation_note",
        applies=lambda note: note.answered_at is None,
        form_class=NoteAnswerForm,
        run=_answer,
        label=_("Answer"),
        intro=_("The answer is public on the project's page, under the note; the member who wrote it is told by "
                "SMS or email. It cannot be changed afterwards."),
        submit=_("Publish the answer"),
        done=_("The answer is published; the note's author is told."),
        wrong_state=_("This note is already answered."),
    )
}


@admin.register(ImplementationNote)
class ImplementationNoteAdmin(MovesMixin, admin.ModelAdmin):
    moves = NOTE_MOVES
    move_errors = (BudgetingError,)
    list_display = ["excerpt", "project", "author_name", "raises_concern", "created_at", "answered_at"]
    list_filter = [AnswerStateFilter, "raises_concern", ("project__cycle", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["project"]
    search_fields = ["body", "author_name", "project__title"]
    fields = ["project", "author_name", "raises_concern", "created_at", "body", "answer", "answered_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("project__cycle", "project__department")
        return scope_projects(queryset, request, prefix="project__")

    def get_object(self, request, object_id, from_field=None):
        try:
            return self.get_queryset(request).get(pk=int(object_id))
        except (ImplementationNote.DoesNotExist, ValueError, TypeError, OverflowError, ValidationError):
            return None

    def get_ordering(self, request):
        # The concerns awaiting an answer first, then the newest.
        return [AWAITING_ANSWER.asc(), "-created_at", "-pk"]

    def has_module_permission(self, request):
        return request_may_open(request)

    def has_view_permission(self, request, obj=None):
        if obj is None:
            return request_may_open(request)
        return project_in_scope(request, obj.project)

    def has_add_permission(self, request):
        return False  # committee members write notes on their monitoring page

    def has_change_permission(self, request, obj=None):
        return False  # the button answers; the note is the member's record

    def has_delete_permission(self, request, obj=None):
        return False

    def may_make(self, request, move, obj):
        # The rules themselves, not user.has_perm: Django lets a superuser through any permission,
        # and these also depend on the cycle (an imported one is read-only), which binds superusers too.
        return rules.has_perm(move.perm, request.user, self.move_perm_object(obj))

    def move_perm_object(self, note):
        return note.project

    def move_summary(self, note):
        return [
            (_("project"), note.project.title),
            (_("published as"), note.author_name),
            (_("raises a concern"), _("Concern raised") if note.raises_concern else _("No concern")),
            (_("monitoring note"), note.body),
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["budget_moves"] = self.move_buttons(request, obj)
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    @admin.display(description=_("monitoring note"))
    def excerpt(self, note):
        return Truncator(note.body).chars(80)
