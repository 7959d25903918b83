"""What may go into an audit event's summary: ids and codes, never personal data.

The audit log is kept for years and read by many officials; a phone number or an email that
slips into a summary would outlive the citizen's erasure. The check is deliberately strict:
a false alarm costs a developer a minute, a leak cannot be taken back from an append-only table.
"""

import re
from collections.abc import Mapping

MAX_TEXT_LENGTH = 200

# Keys that name personal data. The IP has its own, expiring, table (audit_record(ip=...)).
PERSONAL_KEYS = frozenset(
    {
        "phone",
        "phone_number",
        "mobile",
        "email",
        "email_address",
        "name",
        "full_name",
        "address",
        "birth_date",
        "birthday",
        "rrn",
        "resident_registration_number",
        "ip",
        "ip_address",
        "password",
        "verification_code",
        "otp",
    }
)

# A number inside a longer token (a hex digest, a reference code) is not a phone number.
_START = r"(?<![0-9A-Za-z])"
_END = r"(?![0-9A-Za-z])"

PERSONAL_PATTERNS = [
    ("email address", re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}")),
    # Korean mobile and landline numbers, with or without +82, dashes, dots or spaces.
    (
        "phone number",
        re.compile(rf"{_START}(?:\+?82[-.\s]?|0)(?:1[016789]|2|[3-6][1-5]|70)[-.\s]?\d{{3,4}}[-.\s]?\d{{4}}{_END}"),
    ),
    # Any other E.164 number.
    ("phone number", re.compile(r"\+\d{8,15}(?!\d)")),
    # Resident registration number (YYMMDD-GNNNNNN): never collected at all (PIPA art. 24-2).
    (
        "resident registration number",
        re.compile(rf"{_START}\d{{2}}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])-?[1-8]\d{{6}}{_END}"),
    ),
]


class PersonalDataInSummary(ValueError):
    """An audit summary held something that looks like personal data."""


def check_summary(summary, path="summary"):
    """Raise PersonalDataInSummary if any key or text in `summary` looks like personal data."""
    if isinstance(summary, Mapping):
        for key, value in summary.items():
            key_text = str(key)
            if key_text.lower() in PERSONAL_KEYS:
                raise PersonalDataInSummary(
                    f"{path}: the key {key_text!r} names personal data; store ids and codes only."
                )
            _check_text(key_text, f"{path} key")
            check_summary(value, f"{path}.{key_text}")
    elif isinstance(summary, (list, tuple)):
        for index, value in enumerate(summary):
            check_summary(value, f"{path}[{index}]")
    elif isinstance(summary, str):
        _check_text(summary, path)
    elif summary is not None and not isinstance(summary, (bool, int, float)):
        raise PersonalDataInSummary(f"{path}: {type(summary).__name__} is not an id or a code.")


def _check_text(text, path):
    if len(text) > MAX_TEXT_LENGTH:
        # Free text is where personal data hides; a code or an id is short.
        raise PersonalDataInSummary(f"{path}: {len(text)} characters is free text, not an id or a code.")
    for label, pattern in PERSONAL_PATTERNS:
        if pattern.search(text):
            raise PersonalDataInSummary(f"{path}: the value looks like personal data ({label}).")
