"""M-Voting's panel on "My Seoul" (/me/): the polls I voted in (the poll and the date, never what
I voted) and the polls I proposed with the city's screening answer. Two queries, whatever the
citizen did."""

from django.utils.translation import gettext_lazy as _

from citizens.registry import MySeoulPanel, register_panel

from .selectors.polls import citizen_participations, citizen_proposed_polls


def panel_context(citizen) -> dict:
    return {
        "participations": citizen_participations(citizen),
        "proposed": citizen_proposed_polls(citizen),
    }


PANEL = MySeoulPanel(
    key="voting",
    title=_("M-Voting"),
    template="voting/panels/my_seoul.html",
    context=panel_context,
    order=200,
)


def register_my_seoul_panel():
    register_panel(PANEL)
