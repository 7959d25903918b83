"""Participatory budgeting's panel on "My Seoul" (/me/): the budget votes I took part in (the cycle
and the day, never what I picked) and the projects I proposed, with where each stands. Two
queries, whatever the citizen did."""

from django.utils.translation import gettext_lazy as _

from citizens.registry import MySeoulPanel, register_panel

from .models import BudgetParticipation, Project


def panel_context(citizen) -> dict:
    return {
        "votes": list(
            BudgetParticipation.objects.filter(citizen=citizen).select_related("cycle").order_by("-voted_on")[:20]
        ),
        "projects": list(
            Project.objects.filter(proposer=citizen).select_related("cycle").order_by("-created_at")[:20]
        ),
    }


PANEL = MySeoulPanel(
    key="budgeting",
    title=_("Participatory budgeting"),
    template="budgeting/panels/my_seoul.html",
    context=panel_context,
    order=300,
)


def register_my_seoul_panel():
    register_panel(PANEL)
