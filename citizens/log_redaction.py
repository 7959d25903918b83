"""A logging filter on every handler (settings.LOGGING): phone numbers and email addresses that
reach a log line anyway (a library's message, an exception's text) are replaced by placeholders
before the line is written. The log calls themselves pass ids, never contact data; this is the
net under them. Verification codes cannot be told from other numbers here: no log call passes one
(tests/site/test_logs_have_no_personal_data.py checks the main flows)."""

import logging
import re

from .redaction import EMAIL

# Narrower than redaction.PHONE, which takes any 9 digits: a log line is full of ids and tracking
# numbers (2026-0001234) that must stay readable. A Korean mobile number in any usual writing
# (010-1234-5678, 01012345678, +82 10 1234 5678) or any E.164 number.
PHONE = re.compile(r"(?<![\w+])(?:\+\d{8,15}|(?:\+?82[\s.-]?)?0?1[016789][\s.-]?\d{3,4}[\s.-]?\d{4})(?!\w)")


def redact_log_text(text: str) -> str:
    return PHONE.sub("[phone]", EMAIL.sub("[email]", text))


class RedactContactData(logging.Filter):
    def filter(self, record):
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 (a malformed call is logging's to report, not ours)
            return True
        redacted = redact_log_text(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = redact_log_text(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = redact_log_text(record.exc_text)
        return True
