"""Who a notification goes to: a recipient object resolves to one or more targets.

A Citizen and a Contact resolve to themselves. Other apps plug in resolvers for their own
recipient types (an org unit's role resolves to the officials holding it):

    register_recipient_resolver(OrgUnitRole, lambda role: [target_for_citizen(c) for c in ...])

A resolver that returns several targets gives each a distinct `key_suffix`, so that one
idempotency key covers the whole group and every member gets the message once.
"""

from collections.abc import Callable
from dataclasses import dataclass

from citizens.models import Citizen

from .kinds import EMAIL, SMS
from .models import Contact


class UnknownRecipient(TypeError):
    pass


@dataclass(frozen=True)
class Target:
    citizen: Citizen | None
    contact: Contact | None
    language: str
    channels: tuple[str, ...]
    key_suffix: str = ""


def _preferred_channels(holder) -> tuple[str, ...]:
    return tuple(channel for channel, wanted in ((SMS, holder.wants_sms), (EMAIL, holder.wants_email)) if wanted)


def target_for_citizen(citizen: Citizen, *, key_suffix="") -> Target:
    return Target(
        citizen=citizen,
        contact=None,
        language=citizen.language,
        channels=_preferred_channels(citizen),
        key_suffix=key_suffix,
    )


def target_for_contact(contact: Contact, *, key_suffix="") -> Target:
    return Target(
        citizen=None,
        contact=contact,
        language=contact.language,
        channels=_preferred_channels(contact),
        key_suffix=key_suffix,
    )


_resolvers: dict[type, Callable[[object], list[Target]]] = {
    Citizen: lambda citizen: [target_for_citizen(citizen)],
    Contact: lambda contact: [target_for_contact(contact)],
}


def register_recipient_resolver(recipient_type: type, resolver: Callable[[object], list[Target]]):
    _resolvers[recipient_type] = resolver


def resolve_recipients(recipient) -> list[Target]:
    for cls in type(recipient).__mro__:
        if cls in _resolvers:
            return list(_resolvers[cls](recipient))
    raise UnknownRecipient(f"No recipient resolver for {type(recipient).__name__}.")
