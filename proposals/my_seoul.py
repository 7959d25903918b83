"""Democratic Seoul's panel on "My Seoul" (/me/): my proposals, the supports I gave with their
receipts, and my stances in public debates. Three queries, whatever the citizen did."""

from django.utils.translation import gettext_lazy as _

from citizens.registry import MySeoulPanel, register_panel

from .selectors.proposals import citizen_active_supports, citizen_debate_stances, citizen_proposals


def panel_context(citizen) -> dict:
    return {
        "proposals": citizen_proposals(citizen),
        "supports": citizen_active_supports(citizen),
        "stances": citizen_debate_stances(citizen),
    }


PANEL = MySeoulPanel(
    key="proposals",
    title=_("Democratic Seoul"),
    template="proposals/panels/my_seoul.html",
    context=panel_context,
    order=100,
)


def register_my_seoul_panel():
    register_panel(PANEL)
