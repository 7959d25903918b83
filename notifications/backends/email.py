"""Email through Django's email backend (settings.EMAIL_BACKEND; django-anymail in production)."""

from django.core.mail import EmailMessage


def send_email(*, to: str, subject: str, body: str) -> str:
    """Sends one message; returns the ESP's message id when anymail reports one."""
    message = EmailMessage(subject=subject, body=body, to=[to])
    message.send()
    status = getattr(message, "anymail_status", None)
    message_id = getattr(status, "message_id", None)
    # anymail gives a set of ids when recipients got different ones; ours has one recipient.
    if message_id is None or isinstance(message_id, set | frozenset):
        return ""
    return str(message_id)
