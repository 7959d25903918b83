"""Removing contact data from free text we keep (provider errors, logs): phone numbers and
email addresses are replaced by placeholders before the text is stored or logged."""

import re

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# +82 10 1234 5678, 010-1234-5678, +821012345678: 9 or more digits with optional separators.
PHONE = re.compile(r"(?<![\w])\+?\d(?:[\s().-]?\d){8,}(?![\w])")


def redact_contact_data(text: str) -> str:
    text = EMAIL.sub("[email]", text or "")
    return PHONE.sub("[phone]", text)
