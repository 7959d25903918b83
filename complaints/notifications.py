"""What a complaint's filer and followers hear, through the outbox, in the complaint's language
and by the channel its filer chose (`contact_preference`; the other channel when the chosen one
has no address, nothing for "no messages").

Kinds (templates/notifications/<kind>/): received (tracking number, deadline, where to track it),
assigned (the unit and the expected date), transferred (the new unit and the reason), answered
(the answer and where to rate it), rejected (the reason and the remedy), duplicate (the original's
tracking number), progress notice (still open after 30 days: the law's interim notice), the
unit head's overdue alert, and the emergency-keyword alert to the officials on duty
(services/emergency.py). Every call names an idempotency key unique to its event.
"""

from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from notifications.kinds import EMAIL, SMS, NotificationKind, register_kind
from notifications.recipients import Target, register_recipient_resolver
from notifications.services import notify

KIND_LABELS = {
    "complaint_received": _("Complaint received"),
    "complaint_assigned": _("Complaint assigned to a unit"),
    "complaint_transferred": _("Complaint transferred to another unit"),
    "complaint_answered": _("Complaint answered"),
    "complaint_rejected": _("Complaint rejected"),
    "complaint_duplicate": _("Complaint merged into an earlier report"),
    "complaint_progress": _("Complaint still being handled (30-day notice)"),
    "complaint_overdue": _("Complaint overdue (to the unit head)"),
    "complaint_emergency": _("Emergency keyword in a new complaint (to the unit on duty)"),
}


def register_notification_kinds():
    for key, label in KIND_LABELS.items():
        register_kind(NotificationKind.from_folder(key, label=label))


@dataclass(frozen=True)
class ComplaintFiler:
    """A complaint's filer as a recipient: the citizen or the contact, on the complaint's terms."""

    complaint: object


@dataclass(frozen=True)
class ComplaintFollower:
    """Someone following a complaint (not its filer): their own channels and language."""

    follower: object


def _channels(holder, preference) -> tuple:
    has_phone, has_email = bool(getattr(holder, "phone_index", None)), bool(getattr(holder, "email_index", None))
    if preference == "none":
        return ()
    if preference == "email":
        return (EMAIL,) if has_email else ((SMS,) if has_phone else ())
    return (SMS,) if has_phone else ((EMAIL,) if has_email else ())


def _resolve_filer(filer: ComplaintFiler) -> list[Target]:
    complaint = filer.complaint
    citizen = complaint.citizen if complaint.citizen_id else None
    if citizen is not None and (citizen.erased_at or not citizen.is_active):
        citizen = None
    holder = citizen or (complaint.contact if complaint.contact_id else None)
    if holder is None:
        return []
    return [
        Target(
            citizen=citizen,
            contact=None if citizen else holder,
            language=complaint.language or "ko",
            channels=_channels(holder, complaint.contact_preference),
        )
    ]


def _resolve_follower(wrapper: ComplaintFollower) -> list[Target]:
    from notifications.recipients import target_for_citizen, target_for_contact

    follower = wrapper.follower
    if follower.citizen_id:
        citizen = follower.citizen
        if citizen.erased_at or not citizen.is_active:
            return []
        return [target_for_citizen(citizen)]
    return [target_for_contact(follower.contact)]


def register_recipients():
    register_recipient_resolver(ComplaintFiler, _resolve_filer)
    register_recipient_resolver(ComplaintFollower, _resolve_follower)


def track_url(complaint, language=None) -> str:
    """The tracking page in `language` (default: the complaint's, i.e. its filer's). A complaint
    filed without a phone (by email, say) cannot be tracked with the phone's last digits: its
    filer gets a signed link that opens it as theirs instead."""
    with translation.override(language or complaint.language or "ko"):
        if not complaint.tracking_last4:
            path = reverse("complaints:claim", args=[filer_link_token(complaint)])
            return f"{settings.PUBLIC_BASE_URL}{path}"
        path = reverse("complaints:track")
    return f"{settings.PUBLIC_BASE_URL}{path}?number={complaint.tracking_number}"


FILER_LINK_SALT = "complaints.filer-link"


def filer_link_token(complaint) -> str:
    """The same link in every message of the complaint (no time in it): it is as lasting as the
    tracking number with the phone's digits would be."""
    from django.core import signing

    return signing.Signer(salt=FILER_LINK_SALT).sign_object({"c": complaint.pk, "n": complaint.tracking_number})


def complaint_of_filer_link(token):
    """The complaint a signed filer link names, or None (tampered, expired, or gone)."""
    from django.core import signing

    from .models import Complaint

    try:
        data = signing.Signer(salt=FILER_LINK_SALT).unsign_object(token)
    except (signing.BadSignature, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    return Complaint.objects.filter(pk=data.get("c"), tracking_number=data.get("n")).first()


def admin_url(complaint) -> str:
    """The complaint's page in the officials' back office (outside the language prefixes)."""
    return settings.PUBLIC_BASE_URL + reverse("admin:complaints_complaint_change", args=[complaint.pk])


def base_context(complaint, language=None) -> dict:
    local_due = timezone.localtime(complaint.due_at) if complaint.due_at else None
    return {
        "complaint_id": complaint.pk,
        "tracking_number": complaint.tracking_number,
        "title": complaint.title,
        "due_at": local_due.strftime("%Y-%m-%d %H:%M") if local_due else "",
        "track_url": track_url(complaint, language),
    }


def notify_filer(complaint, kind: str, *, key_suffix: str = "", **context) -> list:
    """The filer's notice of `kind`, in the caller's transaction; key: kind, complaint (and suffix)."""
    key = f"complaints:{kind}:{complaint.pk}" + (f":{key_suffix}" if key_suffix else "")
    return notify(
        recipient=ComplaintFiler(complaint), kind=kind, context={**base_context(complaint), **context}, key=key
    )


def notify_followers(complaint, kind: str, *, key_suffix: str = "", **context) -> list:
    """Every follower but the filer (who hears through notify_filer)."""
    from .models import Follower

    written = []
    followers = Follower.objects.filter(complaint=complaint).select_related("citizen", "contact")
    for follower in followers:
        if (follower.citizen_id and follower.citizen_id == complaint.citizen_id) or (
            follower.contact_id and follower.contact_id == complaint.contact_id and not complaint.citizen_id
        ):
            continue
        key = f"complaints:{kind}:{complaint.pk}:follower:{follower.pk}" + (f":{key_suffix}" if key_suffix else "")
        # The link in the follower's language, not the filer's: the message is rendered in theirs.
        language = (follower.citizen or follower.contact).language
        # A follower is not the filer: no rating, and the complaint's public page instead of tracking.
        with translation.override(language or "ko"):
            page = f"{settings.PUBLIC_BASE_URL}{reverse('complaints:detail', args=[complaint.tracking_number])}"
        follower_context = {**base_context(complaint, language), **context, "follower": True, "track_url": page}
        written += notify(recipient=ComplaintFollower(follower), kind=kind, context=follower_context, key=key)
    return written


def notify_unit_head(complaint, head, kind: str, *, key_suffix: str = "", **context) -> list:
    """An official (a unit head) hears of `kind` about the complaint, by their own channels and
    in their language; key: kind, complaint, official (and suffix)."""
    key = f"complaints:{kind}:{complaint.pk}:official:{head.pk}" + (f":{key_suffix}" if key_suffix else "")
    context = {**base_context(complaint, head.language), "admin_url": admin_url(complaint), **context}
    return notify(recipient=head, kind=kind, context=context, key=key)
