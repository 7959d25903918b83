"""The consent texts a citizen answers (Personal Information Protection Act, art. 15 and 22).

Each purpose states what is collected, why, for how long, and what refusing means. Changing a
text means raising its version: citizens are then asked again, and every answer is kept with
the version it answered.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class ConsentPurpose:
    key: str
    version: str
    required: bool
    title: Promise
    purpose: Promise
    items: Promise
    retention: Promise
    refusal: Promise


PURPOSES = (
    ConsentPurpose(
        key="participation",
        version="2026-11",
        required=True,
        title=_("Taking part in the civic portal (required)"),
        purpose=_(
            "To sign you in, to make sure each person supports, votes and proposes once, to check "
            "who may take part in district and age-limited programmes, to answer your complaints and "
            "to tell you what became of your participation."
        ),
        items=_(
            "Mobile phone number, birth date, district of residence (or why you take part from outside "
            "Seoul), and, if you give them, gender and email address. We never collect your resident "
            "registration number."
        ),
        retention=_(
            "Until you delete your account. Records that other people's results depend on (votes "
            "counted, supports given) are then kept without anything that identifies you."
        ),
        refusal=_(
            "You may refuse. Without this consent you can still read everything on the portal, but "
            "you cannot sign in to propose, vote or file complaints online (the 120 Dasan Call "
            "Center takes complaints by phone)."
        ),
    ),
    ConsentPurpose(
        key="city_news",
        version="2026-11",
        required=False,
        title=_("News of new participation programmes (optional)"),
        purpose=_("To tell you by SMS or email when new polls, debates or budget votes open in your district."),
        items=_("Mobile phone number, email address, district."),
        retention=_("Until you withdraw this consent or delete your account."),
        refusal=_(
            "You may refuse without any disadvantage: you will still be told about your own "
            "proposals, votes and complaints."
        ),
    ),
)


def purposes():
    return PURPOSES


def purpose(key):
    return next(item for item in PURPOSES if item.key == key)
