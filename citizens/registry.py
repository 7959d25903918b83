"""What other apps plug into the citizen's side: "My Seoul" panels and personal-data handlers.

A channel app registers here in its AppConfig.ready(); citizens never imports a channel app.
"""

from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class MySeoulPanel:
    """A section of /me/. `context(citizen)` returns the template context; it must issue a
    constant number of queries (the /me/ query-count test holds every panel to that)."""

    key: str
    title: str
    template: str
    context: Callable
    order: int = 100


@dataclass(frozen=True)
class PersonalDataHandler:
    """How one app exports and erases what it holds about a citizen.

    `export(citizen)` returns JSON-serialisable data of that citizen only.
    `erase(citizen)` deletes or anonymises it, inside the erasure transaction; records other
    people's results depend on (ballots, supports) are kept without the link to the person.
    """

    key: str
    export: Callable
    erase: Callable


_panels: dict[str, MySeoulPanel] = {}
_handlers: dict[str, PersonalDataHandler] = {}


def register_panel(panel: MySeoulPanel):
    _panels[panel.key] = panel


def register_personal_data(handler: PersonalDataHandler):
    _handlers[handler.key] = handler


def panels():
    return sorted(_panels.values(), key=lambda panel: (panel.order, panel.key))


def personal_data_handlers():
    return [_handlers[key] for key in sorted(_handlers)]
