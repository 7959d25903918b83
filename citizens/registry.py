"""What other apps plug into the citizen's side: "My Seoul" panels and personal-data handlers.

A channel app registers here in its AppConfig.ready(); citizens never imports a channel app.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class MySeoulPanel:
    """A section of /me/. `context(citizen)` returns the template context, or None when the
    section has nothing for this citizen (a committee's panel for a non-member); it must issue a
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


# How a verification code reaches a phone. The notifications app (a layer above) registers the
# sender in its ready(); citizens only knows the function's shape:
#     sender(*, phone: str, code: str, language: str, reference: str) -> None
# It must write the message inside the caller's transaction (the outbox) and not send it yet.
_code_sender: list[Callable] = []


def register_code_sender(sender: Callable):
    _code_sender[:] = [sender]


def send_code(*, phone: str, code: str, language: str, reference: str):
    if not _code_sender:
        raise RuntimeError("No verification code sender is registered (is the notifications app installed?)")
    _code_sender[0](phone=phone, code=code, language=language, reference=reference)
