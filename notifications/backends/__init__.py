"""Delivery backends: SMS (backends.sms) and email (backends.email)."""


class SendError(Exception):
    """A provider refused or failed a message. `permanent` errors (an invalid number) are not
    retried; others (a timeout, a 5xx) are retried with backoff."""

    def __init__(self, message, *, permanent=False):
        super().__init__(message)
        self.permanent = permanent
