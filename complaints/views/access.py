"""Who is a complaint's filer on the web, and what a guest proved, held in the session.

A signed-in citizen is the filer of the complaints filed under their account. A visitor becomes
the filer of a complaint, for this session, by filing it as a guest or by giving its tracking
number with the phone's last four digits on the tracking page. The session holds complaint ids
only (the most recent few).

A guest who confirmed an SMS code is remembered for a while (their phone, until when), so that a
form sent back with an error, or a follow after filing, does not ask for another code.
"""

from datetime import timedelta

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from ..proofs import FilingProof

FILER_SESSION_KEY = "complaints_filer_of"
MAX_PROVEN = 20
GUEST_SESSION_KEY = "complaints_guest_phone"
GUEST_CODE_SENT_KEY = "complaints_guest_code_sent_to"
GUEST_VERIFIED_FOR = timedelta(minutes=30)


def grant_filer_access(request, complaint):
    proven = [pk for pk in request.session.get(FILER_SESSION_KEY, []) if pk != complaint.pk]
    request.session[FILER_SESSION_KEY] = [*proven, complaint.pk][-MAX_PROVEN:]


def session_filed_ids(request) -> list[int]:
    return list(request.session.get(FILER_SESSION_KEY, []))


def is_filer(request, complaint) -> bool:
    user = request.user
    if user.is_authenticated and complaint.citizen_id is not None and complaint.citizen_id == user.pk:
        return True
    return complaint.pk in request.session.get(FILER_SESSION_KEY, [])


def filer_actor(request, complaint):
    """Who acts as the filer: the signed-in citizen who filed it, else the session's proof."""
    user = request.user
    if user.is_authenticated and complaint.citizen_id == user.pk:
        return user
    return FilingProof(complaint.pk)


# --- A guest's verified phone ------------------------------------------------------------------


def remember_code_sent(request, phone: str):
    request.session[GUEST_CODE_SENT_KEY] = phone


def phone_code_was_sent_to(request) -> str:
    return request.session.get(GUEST_CODE_SENT_KEY, "")


def mark_guest_verified(request, phone: str, *, now=None):
    until = (now or timezone.now()) + GUEST_VERIFIED_FOR
    request.session[GUEST_SESSION_KEY] = {"phone": phone, "until": until.isoformat()}


def verified_guest_phone(request, *, now=None) -> str:
    """The phone (E.164) this session confirmed a code for, while that still counts; else ""."""
    held = request.session.get(GUEST_SESSION_KEY) or {}
    until = parse_datetime(held.get("until") or "")
    if not held.get("phone") or until is None or until <= (now or timezone.now()):
        return ""
    return held["phone"]
