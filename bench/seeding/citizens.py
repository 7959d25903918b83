"""Citizens by the hundred thousand, stored exactly as sign-in and the profile store them.

`create_user` runs a full_clean and one INSERT per citizen; here the rows go through the bulk
loader instead, with the model's own helpers for the contact details: `set_phone` computes the
blind index and the last four digits, and the encrypted field encrypts the number on its way to
the database. Every seeded citizen has a verified phone, the required consents and a complete
profile, so that they can take part like a real one.

Phone numbers are fake: 010-0100-0000 + the citizen's id, i.e. 010-0100-0001 … 010-0999-9999.
Korean carriers issue no 010 numbers whose middle block starts with 0, so none of them can
belong to a real person (the demo accounts use 010-0000-xxxx, below this range).
"""

import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX

from citizens.consents import purposes
from citizens.models import Citizen, Consent, EncryptedContactDetails

from .bulk import next_id

PHONE_MIDDLE_FIRST = 100  # 010-0100-…
MAX_SEEDED_CITIZEN_ID = 8_999_999  # 010-0999-9999


def bench_phone(citizen_id: int) -> str:
    """The fake E.164 number of a seeded citizen: unique because the id is."""
    if not 0 < citizen_id <= MAX_SEEDED_CITIZEN_ID:
        raise ValueError(f"Seeded citizens' ids must stay within 1..{MAX_SEEDED_CITIZEN_ID} for their fake phones.")
    return f"+8210{PHONE_MIDDLE_FIRST * 10_000 + citizen_id:08d}"


def is_bench_phone(e164: str) -> bool:
    return e164.startswith("+82100") and len(e164) == 13 and PHONE_MIDDLE_FIRST <= int(e164[5:9]) <= 999


class _Contact(EncryptedContactDetails):
    """Holds what `set_phone` computes, without a model instance per row."""


@dataclass(frozen=True)
class CitizenBlock:
    """Citizens seeded with consecutive ids: index i is citizen first_id + i."""

    first_id: int
    count: int

    def id_at(self, index: int) -> int:
        return self.first_id + index

    @property
    def ids(self) -> range:
        return range(self.first_id, self.first_id + self.count)


CITIZEN_FIELDS = [
    "id",
    "password",
    "last_login",
    "is_superuser",
    "phone",
    "phone_index",
    "phone_last4",
    "phone_verified_at",
    "email",
    "email_index",
    "name",
    "birth_date",
    "district",
    "residence_basis",
    "gender",
    "language",
    "notify_by",
    "profile_completed_at",
    "is_staff",
    "is_active",
    "date_joined",
    "erased_at",
]
CONSENT_FIELDS = ["citizen", "purpose", "version", "granted", "answered_at", "withdrawn_at"]


def seed_citizens(loader, *, count, rng, text, district_codes, now, progress=None) -> CitizenBlock:
    """Write `count` citizens (and their consents) through `loader`; returns their id block."""
    block = CitizenBlock(first_id=next_id(Citizen), count=count)
    if count and block.id_at(count - 1) > MAX_SEEDED_CITIZEN_ID:
        raise ValueError("Too many citizens for the fake phone range 010-0100-0000 … 010-0999-9999.")
    citizens = loader.table(Citizen, CITIZEN_FIELDS)
    consents = loader.table(Consent, CONSENT_FIELDS)
    current = purposes()
    today = now.date()
    contact = _Contact()
    for index in range(count):
        citizen_id = block.id_at(index)
        contact.set_phone(bench_phone(citizen_id))
        joined = now - timedelta(days=rng.uniform(1, 5 * 365), seconds=rng.randrange(86_400))
        basis = rng.choices(("lives", "works", "studies"), weights=(85, 10, 5))[0]
        district = rng.choice(district_codes) if basis == "lives" or rng.random() < 0.7 else None
        # Ages 14 to 90, most between 20 and 65 (the portal's own age floor is 14).
        age = min(90, max(14, int(rng.triangular(14, 90, 38))))
        birth = date(today.year - age, 1, 1) - timedelta(days=rng.randrange(1, 365))
        last_login = joined + (now - joined) * rng.random() if rng.random() < 0.8 else None
        citizens.add(
            (
                citizen_id,
                UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30),
                last_login,
                False,
                contact.phone,
                contact.phone_index,
                contact.phone_last4,
                joined,
                "",
                None,
                text.name(),
                birth,
                district,
                basis,
                rng.choices(("female", "male", "other", ""), weights=(49, 49, 1, 1))[0],
                "en" if rng.random() < 0.03 else "ko",
                "sms",
                joined + timedelta(minutes=rng.randrange(1, 30)),
                False,
                True,
                joined,
                None,
            )
        )
        for item in current:
            granted = True if item.required else rng.random() < 0.4
            consents.add((citizen_id, item.key, item.version, granted, joined, None))
        if progress:
            progress.tick("citizens", index + 1, count, loader.written)
    return block
