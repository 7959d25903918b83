"""Emergency keywords: a new complaint that mentions one (싱크홀, 가스 냄새, 붕괴) alerts the unit
on duty for it at once.

`complaint_check_emergency` runs inside intake's transaction (every channel, the triage path
too): per matching active keyword an EmergencyAlert and a `complaint_emergency` notification to
every active official assigned to the keyword's unit today (any role), written to the outbox in
the same transaction. The outbox worker delivers them as soon as it commits: well within a
minute, and a broker outage delays them until the sweep, never loses them.

Matching ignores spaces (a keyword "가스 냄새" matches "가스냄새" and "가스  냄새"), Unicode
width and composition (NFKC) and the case of Latin letters. It is a substring match: "붕괴"
matches "붕괴위험" too, which for an emergency is the safer mistake.

The active keywords are read once per few minutes per cache, not per complaint; the admin
clears the cache when officials change them.
"""

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from governance.models import OrgAssignment
from governance.selectors.org import visible_unit_ids

from ..errors import ComplaintError
from ..models import EmergencyAlert, EmergencyKeyword
from ..notifications import admin_url, base_context
from ..rules import handles_any_unit

KEYWORDS_CACHE_KEY = "complaints:emergency-keywords:v1"
KEYWORDS_CACHE_SECONDS = 300
_SPACES = re.compile(r"\s+")


def normalise_for_matching(text: str) -> str:
    return _SPACES.sub("", unicodedata.normalize("NFKC", text or "")).casefold()


@dataclass(frozen=True)
class ActiveKeyword:
    pk: int
    phrase: str
    needle: str
    unit_id: int


def active_keywords() -> list[ActiveKeyword]:
    cached = cache.get(KEYWORDS_CACHE_KEY)
    if cached is None:
        cached = [
            (pk, phrase, unit_id)
            for pk, phrase, unit_id in EmergencyKeyword.objects.filter(is_active=True)
            .order_by("pk")
            .values_list("pk", "phrase", "unit_id")
        ]
        cache.set(KEYWORDS_CACHE_KEY, cached, KEYWORDS_CACHE_SECONDS)
    keywords = [ActiveKeyword(pk, phrase, normalise_for_matching(phrase), unit_id) for pk, phrase, unit_id in cached]
    return [keyword for keyword in keywords if keyword.needle]


def emergency_keywords_changed():
    """Call after adding, changing or removing a keyword: the next complaint reads them again."""
    cache.delete(KEYWORDS_CACHE_KEY)


def matching_keywords(text: str) -> list[ActiveKeyword]:
    haystack = normalise_for_matching(text)
    if not haystack:
        return []
    return [keyword for keyword in active_keywords() if keyword.needle in haystack]


def officials_on_duty(unit_ids, today) -> dict[int, list]:
    """The active officials assigned to each unit today, whatever their role."""
    on_duty = defaultdict(list)
    assignments = (
        OrgAssignment.objects.filter(unit_id__in=unit_ids, started_on__lte=today, official__is_active=True)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today))
        .select_related("official", "unit")
        .order_by("unit_id", "official_id", "pk")
    )
    for assignment in assignments:
        if all(official.pk != assignment.official_id for official in on_duty[assignment.unit_id]):
            on_duty[assignment.unit_id].append(assignment.official)
    return on_duty


def complaint_check_emergency(complaint, *, now=None) -> list[EmergencyAlert]:
    """Alerts for the complaint's matching keywords (in the caller's transaction). Safe to call
    twice: an alert exists once per complaint and keyword, a notification once per alert and
    official. Returns the alerts raised by this call."""
    text = f"{complaint.title}\n{complaint.description}"
    matches = matching_keywords(text)
    if not matches:
        return []
    now = now or timezone.now()
    raised = []
    with transaction.atomic():
        # The cache only says "nothing matches" fast. A match is checked against the table: a
        # keyword deactivated or deleted a moment ago (the cache refilled just before) is not used.
        haystack = normalise_for_matching(text)
        current = [
            ActiveKeyword(keyword.pk, keyword.phrase, normalise_for_matching(keyword.phrase), keyword.unit_id)
            for keyword in EmergencyKeyword.objects.filter(pk__in=[match.pk for match in matches], is_active=True)
            .order_by("pk")
        ]  # fmt: skip
        already = set(
            EmergencyAlert.objects.filter(complaint=complaint, keyword_id__in=[keyword.pk for keyword in current])
            .values_list("keyword_id", flat=True)
        )  # fmt: skip
        fresh = [keyword for keyword in current if keyword.needle and keyword.needle in haystack
                 and keyword.pk not in already]  # fmt: skip
        if not fresh:
            return []
        on_duty = officials_on_duty({keyword.unit_id for keyword in fresh}, timezone.localdate(now))
        for keyword in fresh:
            alert = EmergencyAlert.objects.create(complaint=complaint, keyword_id=keyword.pk, unit_id=keyword.unit_id,
                                                  raised_at=now)  # fmt: skip
            raised.append(alert)
            for official in on_duty.get(keyword.unit_id, []):
                notify_emergency(alert, complaint, official, phrase=keyword.phrase)
    return raised


def notify_emergency(alert, complaint, official, *, phrase) -> list:
    from notifications.services import notify

    context = {
        **base_context(complaint, official.language),
        "admin_url": admin_url(complaint),
        "phrase": phrase,
        # Both names: the message is rendered in the official's language, not the caller's.
        "district_ko": complaint.district.name_ko if complaint.district_id else "",
        "district_en": complaint.district.name_en if complaint.district_id else "",
        "address": complaint.address,
    }
    key = f"complaints:complaint_emergency:{alert.pk}:official:{official.pk}"
    return notify(recipient=official, kind="complaint_emergency", context=context, key=key)


def may_acknowledge(user, alert) -> bool:
    if user is None or not getattr(user, "is_staff", False) or not user.is_active:
        return False
    return handles_any_unit.test(user) or alert.unit_id in visible_unit_ids(user)


def emergency_alert_acknowledge(*, actor, alert: EmergencyAlert, now=None) -> EmergencyAlert:
    """An official of the unit on duty (or one who handles every unit) takes the alert in hand."""
    now = now or timezone.now()
    with transaction.atomic():
        alert = EmergencyAlert.objects.select_for_update().get(pk=alert.pk)
        if not may_acknowledge(actor, alert):
            raise ComplaintError(_("Only an official of the unit on duty can acknowledge this alert."),
                                 code="forbidden")  # fmt: skip
        if alert.acknowledged_at is not None:
            raise ComplaintError(_("This alert has already been acknowledged."), code="conflict")
        alert.acknowledged_at, alert.acknowledged_by = now, actor
        alert.save(update_fields=["acknowledged_at", "acknowledged_by"])
        audit_record(actor=actor, action="complaint.emergency_acknowledge", target=alert.complaint,
                     summary={"alert": alert.pk, "keyword": alert.keyword_id, "unit": alert.unit_id})  # fmt: skip
    return alert
