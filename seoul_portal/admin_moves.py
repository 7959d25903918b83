"""The buttons on a record's page in the back office, and the form behind each (a poll's publish
or close, a budget project's feasibility check, ...).

A move names the permission it needs (the app's rules.py), the states it starts from, its form and
the service it calls. The button shows when both allow it; the view checks the permission again
(403), and the service checks the state again: what it refuses (an exception of the ModelAdmin's
`move_errors`, with `message` and `field`) is shown on the form and changes nothing.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext


@dataclass(frozen=True)
class Move:
    """One button. `applies(obj)`: whether the object is in a state the move starts from;
    `run(actor, obj, **cleaned_data)` calls the service."""

    name: str
    perm: str
    applies: Callable
    form_class: type
    run: Callable
    label: str
    intro: str
    submit: str
    done: str
    wrong_state: str


class MovesMixin:
    """Adds each move's URL (<pk>/<move>/) and view to a ModelAdmin, and the buttons to its page.

    Subclasses set `moves` ({name: Move}) and may override `move_perm_object` (what the permission
    is asked about), `move_summary` (what the form page shows of the object) and `move_initial`."""

    moves: dict = {}
    # The app's domain errors: refusals shown on the form (anything else is a bug, and raises).
    move_errors: tuple = ()
    move_template = "admin/move.html"

    def move_url_name(self, move) -> str:
        return f"{self.opts.app_label}_{self.opts.model_name}_{move.name.replace('-', '_')}"

    def move_perm_object(self, obj):
        return obj

    def move_summary(self, obj) -> list[tuple[str, object]]:
        return []

    def may_make(self, request, move, obj) -> bool:
        return request.user.has_perm(move.perm, self.move_perm_object(obj))

    def available_moves(self, request, obj) -> list[Move]:
        return [move for move in self.moves.values() if move.applies(obj) and self.may_make(request, move, obj)]

    def move_buttons(self, request, obj) -> list[dict]:
        return [
            {"label": move.label, "url": reverse(f"admin:{self.move_url_name(move)}", args=[obj.pk])}
            for move in self.available_moves(request, obj)
        ]

    def get_urls(self):
        return [
            *[
                path(
                    f"<path:object_id>/{move.name}/",
                    self.admin_site.admin_view(self.move_view),
                    {"move_name": move.name},
                    name=self.move_url_name(move),
                )
                for move in self.moves.values()
            ],
            *super().get_urls(),
        ]

    def move_view(self, request, object_id, move_name):
        move = self.moves[move_name]
        obj = self.get_object(request, unquote(object_id))  # scoped to what the official may see
        if obj is None or not self.has_view_permission(request, obj):
            raise Http404(gettext("No such record among those you may see."))
        if not self.may_make(request, move, obj):
            raise PermissionDenied
        change_url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk])
        if request.method == "POST":
            form = move.form_class(request.POST)
            if form.is_valid():
                try:
                    move.run(request.user, obj, **form.cleaned_data)
                except self.move_errors as error:
                    form.add_error(error.field if error.field in form.fields else None, error.message)
                else:
                    self.log_change(request, obj, [{"changed": {"fields": [str(move.label)]}}])
                    self.message_user(request, move.done % {"title": str(obj)}, messages.SUCCESS)
                    if self.get_object(request, unquote(object_id)) is None:
                        # The move took it out of the official's sight.
                        return HttpResponseRedirect(
                            reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")
                        )
                    return HttpResponseRedirect(change_url)
        elif not move.applies(obj):
            self.message_user(request, move.wrong_state, messages.ERROR)
            return HttpResponseRedirect(change_url)
        else:
            form = move.form_class(initial=self.move_initial(move, obj))
        context = {
            **self.admin_site.each_context(request),
            "title": move.label,
            "subtitle": str(obj),
            "opts": self.opts,
            "original": obj,
            "object": obj,
            "summary": self.move_summary(obj),
            "move": move,
            "form": form,
            "change_url": change_url,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, self.move_template, context)

    def move_initial(self, move, obj) -> dict:
        return {}
