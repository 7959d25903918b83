"""The officials' view of the public debates: every stance and argument, read-only.

Arguments are public on the site already; the list lets the responsible unit and the Mayor's
office read a debate by side and by helpfulness. Who took a stance is not shown (the citizen is
personal data and the debate's balance does not need it). Nothing is added, changed or deleted
here: stances belong to the citizens who took them.
"""

from django.contrib import admin
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from citizens.admin_readonly import ReadOnlyModelAdmin

from ..models import DebateStance


@admin.register(DebateStance)
class DebateStanceAdmin(ReadOnlyModelAdmin):
    list_display = ["id", "proposal", "stance", "argument_excerpt", "helpful_count", "created_at", "updated_at"]
    list_filter = ["stance", "proposal__status"]
    list_select_related = ["proposal"]
    search_fields = ["proposal__title", "argument"]
    ordering = ["proposal_id", "-helpful_count", "created_at"]
    fields = ["proposal", "stance", "argument", "helpful_count", "created_at", "updated_at"]
    readonly_fields = fields
    show_full_result_count = False

    @admin.display(description=_("argument"))
    def argument_excerpt(self, stance):
        return Truncator(stance.argument).chars(80) or "—"
