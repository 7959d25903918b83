"""Complaints' panel on "My Seoul" (/me/): the complaints I filed under my account, newest first,
with where each stands and its deadline. One query, whatever the citizen filed."""

from django.utils.translation import gettext_lazy as _

from citizens.registry import MySeoulPanel, register_panel

from .selectors import citizen_complaints

PANEL_SIZE = 20


def panel_context(citizen) -> dict:
    return {"complaints": citizen_complaints(citizen, limit=PANEL_SIZE)}


PANEL = MySeoulPanel(
    key="complaints",
    title=_("My complaints"),
    template="complaints/panels/my_seoul.html",
    context=panel_context,
    order=400,
)


def register_my_seoul_panel():
    register_panel(PANEL)
