"""Filing a message that came in by SMS or email: at most once per provider message, within the
sender's flood limits, and nothing written when it is refused.

Every message of one sender first takes the sender's Contact row (`contact_for_phone`,
`contact_for_email`), which stays locked until the filing transaction ends: the messages of one
sender are filed one after the other. So counting the sender's recent complaints (the flood
limit: the rows themselves are the sliding window, as in citizens/throttling.py) and looking for
the provider's message id among them cannot race with a retried or concurrent delivery.

Idempotency: the provider's id of the message (Twilio's MessageSid, the email's Message-ID) is
kept in a non-public event of the complaint it became. A webhook delivered twice finds it and
files nothing. (A unique column on Complaint would let the database say it instead; see the
report that came with this module.)
"""

import enum
import hashlib
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from notifications.models import Contact

from ..errors import ComplaintError
from ..models import Channel, Complaint, ComplaintEvent, ContactPreference
from ..services.intake import Filer, complaint_file_for_triage

logger = logging.getLogger(__name__)

_HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")
# A Message-ID may be long; beyond this the event keeps its digest.
_MARKER_ID_MAX = 200


class Outcome(enum.StrEnum):
    FILED = "filed"
    ALREADY_FILED = "already_filed"
    FLOODED = "flooded"
    EMPTY = "empty"


@dataclass(frozen=True)
class Receipt:
    outcome: Outcome
    complaint: Complaint | None = None
    # Which limit refused a flooded message: "hour" or "day".
    limit: str = ""


def hourly_limit() -> int:
    return getattr(settings, "COMPLAINTS_INBOUND_HOURLY_LIMIT", 5)


def daily_limit() -> int:
    return getattr(settings, "COMPLAINTS_INBOUND_DAILY_LIMIT", 20)


def language_of(text: str) -> str:
    """The language to answer a message in: Korean if it has any Hangul, English otherwise (a
    visitor writing in English is better served in English than in Korean)."""
    return "ko" if _HANGUL.search(text or "") else "en"


def message_marker(channel: str, message_id: str) -> str:
    """The note of the event that remembers which provider message a complaint came from."""
    message_id = message_id.strip()
    if len(message_id) > _MARKER_ID_MAX:
        message_id = "sha256:" + hashlib.sha256(message_id.encode("utf-8")).hexdigest()
    return f"{channel} message id: {message_id}"


def _limit_reached(contact: Contact, channel: str, now) -> str:
    """"day" or "hour" when the sender has filed as many complaints on this channel as a sliding
    day or hour allows, "" otherwise (one query)."""
    received = list(
        Complaint.objects.filter(contact=contact, channel=channel, received_at__gt=now - timedelta(days=1))
        .values_list("received_at", flat=True)
    )  # fmt: skip
    if len(received) >= daily_limit():
        return "day"
    if sum(1 for at in received if at > now - timedelta(hours=1)) >= hourly_limit():
        return "hour"
    return ""


def file_inbound(
    *, channel: str, contact_for: Callable[..., Contact], message_id: str, description: str, title: str = "",
    now=None,
) -> Receipt:  # fmt: skip
    """File the message `description` (with `title`) from the sender that `contact_for(language=)`
    finds or creates. Returns what happened; writes nothing unless it files."""
    if channel not in (Channel.SMS, Channel.EMAIL):
        raise ValueError(f"file_inbound takes sms or email, not {channel!r}")
    description = (description or "").strip()
    if not description:
        return Receipt(Outcome.EMPTY)
    now = now or timezone.now()
    language = language_of(f"{title}\n{description}")
    marker = message_marker(channel, message_id) if (message_id or "").strip() else ""
    with transaction.atomic():
        contact = contact_for(language=language)
        if marker:
            earlier = (
                ComplaintEvent.objects.filter(complaint__contact=contact, kind=ComplaintEvent.Kind.NOTE, note=marker)
                .select_related("complaint")
                .first()
            )
            if earlier is not None:
                transaction.set_rollback(True)
                return Receipt(Outcome.ALREADY_FILED, complaint=earlier.complaint)
        limit = _limit_reached(contact, channel, now)
        if limit:
            transaction.set_rollback(True)
            return Receipt(Outcome.FLOODED, limit=limit)
        preference = ContactPreference.SMS if channel == Channel.SMS else ContactPreference.EMAIL
        try:
            complaint = complaint_file_for_triage(
                channel=channel, description=description, title=title, now=now,
                filer=Filer(contact=contact, preference=preference, language=language),
            )  # fmt: skip
        except ComplaintError:
            # The service refuses only what is empty after its own cleaning.
            transaction.set_rollback(True)
            return Receipt(Outcome.EMPTY)
        if marker:
            ComplaintEvent.objects.create(complaint=complaint, at=now, kind=ComplaintEvent.Kind.NOTE, note=marker,
                                          is_public=False)  # fmt: skip
    return Receipt(Outcome.FILED, complaint=complaint)
