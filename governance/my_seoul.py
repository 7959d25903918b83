"""The committees' panel on "My Seoul" (/me/): shown only to a citizen who serves on a committee
today, with the number of open items waiting for their review and the way into the workspace —
the one link to /review/ a member has besides the reminders."""

from django.utils.translation import gettext_lazy as _

from citizens.registry import MySeoulPanel, register_panel

from .selectors.reviews import workspace_summary

PANEL = MySeoulPanel(
    key="committees",
    title=_("Committee reviews"),
    template="governance/panels/my_seoul.html",
    context=workspace_summary,
    order=50,
)


def register_my_seoul_panel():
    register_panel(PANEL)
