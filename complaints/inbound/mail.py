"""Email to the complaints address: anymail's inbound webhook of the configured ESP (mounted under
/complaints-inbound/email/, complaints/inbound/urls.py) parses the message and sends anymail's
`inbound` signal; `complaint_from_email` files it.

The subject becomes the title, the text part the description (the HTML part as plain text when
there is no text part). Attachments are not taken: a photo of a complaint is checked and
re-encoded at intake (seoul_portal.images), and a complaint in triage has no photos yet; the intake
desk asks the sender for them through the web form when the complaint needs them.

Not filed, and logged: mail the ESP marked as spam, automatic replies and bounces (answering them
with a tracking number would start a mail loop), mail without one valid sender, mail from this
site's own address, an empty message, and more than the sender's flood limit. Nothing raises out
of here for such mail: an exception would make the ESP deliver the message again and again.
"""

import logging
from email.utils import parseaddr
from functools import partial

from anymail.exceptions import AnymailInvalidAddress
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from ..models import Channel
from .contacts import contact_for_email
from .filing import Outcome, file_inbound
from .plain_text import html_to_text

logger = logging.getLogger(__name__)

_AUTOMATIC_PRECEDENCE = frozenset({"bulk", "junk", "list", "auto_reply"})
_AUTOMATIC_SENDERS = ("mailer-daemon@", "postmaster@")


def is_automatic(message) -> bool:
    """An auto-reply, a bounce or a mailing list (RFC 3834's Auto-Submitted, Precedence, and the
    headers common auto-responders add)."""
    if (message.get("Auto-Submitted") or "no").strip().lower() != "no":
        return True
    if (message.get("Precedence") or "").strip().lower() in _AUTOMATIC_PRECEDENCE:
        return True
    return any(message.get(header) for header in ("X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress"))


def sender_address(message) -> str:
    """The sender's address, lower-cased, or "" when there is not exactly one valid one."""
    try:
        sender = message.from_email
    except AnymailInvalidAddress:
        return ""
    if sender is None or isinstance(sender, list):
        return ""
    address = (sender.addr_spec or "").strip().lower()
    try:
        validate_email(address)
    except ValidationError:
        return ""
    return address


def own_address() -> str:
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1].strip().lower()


def body_text(message) -> str:
    text = (message.text or "").strip()
    if text:
        return text
    return html_to_text(message.html or "")


def complaint_from_email(sender, event, esp_name, **kwargs):
    """anymail's `inbound` signal: file the message as a complaint in triage (or say why not)."""
    message = getattr(event, "message", None)
    if message is None:
        return
    address = sender_address(message)
    if not address:
        logger.info("Inbound email via %s ignored: no single valid sender", esp_name)
        return
    if getattr(message, "spam_detected", None):
        logger.info("Inbound email via %s ignored: marked as spam by the ESP", esp_name)
        return
    if is_automatic(message) or address.startswith(_AUTOMATIC_SENDERS) or address == own_address():
        logger.info("Inbound email via %s ignored: an automatic message", esp_name)
        return
    message_id = (message.get("Message-ID") or "").strip() or (getattr(event, "event_id", None) or "")
    receipt = file_inbound(
        channel=Channel.EMAIL, contact_for=partial(contact_for_email, address), message_id=message_id,
        description=body_text(message), title=" ".join((message.subject or "").split()),
    )  # fmt: skip
    if receipt.outcome == Outcome.FLOODED:
        logger.warning("Inbound email via %s refused: its sender passed the %s's limit of complaints by email",
                       esp_name, receipt.limit)  # fmt: skip
    elif receipt.outcome == Outcome.EMPTY:
        logger.info("Inbound email via %s ignored: no text", esp_name)
    elif receipt.outcome == Outcome.ALREADY_FILED:
        logger.info("Inbound email via %s delivered again: already complaint %s", esp_name,
                    receipt.complaint.tracking_number)  # fmt: skip


def connect_inbound_email():
    """Called from ComplaintsConfig.ready()."""
    from anymail.signals import inbound

    inbound.connect(complaint_from_email, dispatch_uid="complaints.inbound.email")
