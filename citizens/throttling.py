"""Limits on sending verification codes: per phone, per client IP, per number range and for the
whole site.

Per phone: a sliding one-minute cool-down (a conditional UPDATE on the phone's row, so only one
request at a time gets past it), then the phone's own codes of the past hour and their wrong
attempts of the past day. Per IP and per number range (hourly) and for the whole site (daily):
fixed-window counters in `SendCounter`, bumped by a conditional UPDATE (`... WHERE count < limit`),
so two concurrent requests can never both take the last slot. All limits are taken inside one
transaction: when a later one refuses, the earlier bumps roll back with it.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, Sum
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import crypto
from .models import PhoneVerification, SendCounter


class RateLimited(Exception):
    """A limit refused the request; `message` says what to do, in the citizen's language."""

    def __init__(self, message, *, scope):
        super().__init__(str(message))
        self.message = message
        self.scope = scope


@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime


def _hour_window(now):
    start = now.replace(minute=0, second=0, microsecond=0)
    return Window(start, start + timedelta(hours=1))


def _seoul_day_window(now):
    local = timezone.localtime(now)
    start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return Window(start, start + timedelta(days=1))


def _bump(scope, key, window_start, limit, now):
    counter, _created = SendCounter.objects.get_or_create(scope=scope, key=key, window_start=window_start)
    taken = SendCounter.objects.filter(pk=counter.pk, count__lt=limit).update(
        count=F("count") + 1, last_sent_at=now
    )
    return taken == 1


def _cooldown(key, seconds, now):
    """Sliding cool-down: at most one send per `seconds` for this key."""
    counter, _created = SendCounter.objects.get_or_create(scope="phone-cooldown", key=key, window_start=_epoch())
    taken = SendCounter.objects.filter(
        Q(last_sent_at__isnull=True) | Q(last_sent_at__lte=now - timedelta(seconds=seconds)), pk=counter.pk
    ).update(count=F("count") + 1, last_sent_at=now)
    if taken:
        return 0
    counter.refresh_from_db(fields=["last_sent_at"])
    waited = (now - counter.last_sent_at).total_seconds()
    return max(1, int(seconds - waited + 0.999))


def _epoch():
    return datetime(1970, 1, 1, tzinfo=timezone.get_fixed_timezone(0))


def _clock(moment):
    return formats.time_format(timezone.localtime(moment), "H:i")


def ip_key(ip):
    # The counter keys an IP by a keyed hash: the table never holds an address.
    return crypto.keyed_hash(ip or "unknown", purpose="throttle-ip")


def prefix_key(phone):
    """The number range of an E.164 phone (all but its last 4 digits), as a keyed hash.

    SMS pumping sends codes to many numbers of one range, each under its own per-phone limit and
    from many addresses; counting the range catches it. The table holds no part of the number.
    """
    return crypto.keyed_hash(phone[:-4], purpose="throttle-prefix")


def take_send_slot(*, phone_index, prefix, ip, now=None):
    """Take one slot under every limit, or raise RateLimited naming the first that refused.

    `prefix` is the phone's `prefix_key`."""
    now = now or timezone.now()
    hour = _hour_window(now)
    day = _seoul_day_window(now)
    with transaction.atomic():
        wait = _cooldown(phone_index, settings.PHONE_CODE_PHONE_COOLDOWN_SECONDS, now)
        if wait:
            raise RateLimited(
                ngettext(
                    "A code was sent to this number a moment ago. Please wait %(seconds)d second "
                    "before asking for another.",
                    "A code was sent to this number a moment ago. Please wait %(seconds)d seconds "
                    "before asking for another.",
                    wait,
                )
                % {"seconds": wait},
                scope="phone-cooldown",
            )
        # Per phone the window slides: the codes this phone was sent in the last hour are the
        # rows themselves. The cool-down above lets one request per phone through at a time,
        # so counting them here cannot race.
        recent = list(
            PhoneVerification.objects.filter(phone_index=phone_index, created_at__gt=now - timedelta(hours=1))
            .order_by("created_at")
            .values_list("created_at", "failed_attempts")
        )
        if len(recent) >= settings.PHONE_CODE_PHONE_HOURLY_LIMIT:
            raise RateLimited(
                _(
                    "This number has been sent %(limit)d codes in the past hour. "
                    "Please try again after %(time)s."
                )
                % {
                    "limit": settings.PHONE_CODE_PHONE_HOURLY_LIMIT,
                    "time": _clock(recent[-settings.PHONE_CODE_PHONE_HOURLY_LIMIT][0] + timedelta(hours=1)),
                },
                scope="phone-hour",
            )
        failed_today = PhoneVerification.objects.filter(
            phone_index=phone_index, created_at__gt=now - timedelta(days=1)
        ).aggregate(total=Sum("failed_attempts"))["total"] or 0
        if failed_today >= settings.PHONE_CODE_PHONE_DAILY_FAILED_LIMIT:
            # Guessing: 5 tries per code and 5 codes an hour would otherwise allow 600 guesses a day.
            raise RateLimited(
                _(
                    "Wrong codes were entered for this number too many times today. "
                    "Please try again tomorrow, or call the Dasan Call Center at 120."
                ),
                scope="phone-failures",
            )
        if not _bump("ip-hour", ip_key(ip), hour.start, settings.PHONE_CODE_IP_HOURLY_LIMIT, now):
            raise RateLimited(
                _(
                    "Too many codes have been requested from your network in the past hour. "
                    "Please try again after %(time)s."
                )
                % {"time": _clock(hour.end)},
                scope="ip-hour",
            )
        if not _bump("prefix-hour", prefix, hour.start, settings.PHONE_CODE_PREFIX_HOURLY_LIMIT, now):
            raise RateLimited(
                _(
                    "Too many codes have been requested for numbers like this one in the past hour. "
                    "Please try again after %(time)s, or call the Dasan Call Center at 120."
                )
                % {"time": _clock(hour.end)},
                scope="prefix-hour",
            )
        if not _bump("global-day", "all", day.start, settings.PHONE_CODE_DAILY_GLOBAL_CAP, now):
            raise RateLimited(
                _(
                    "The portal has sent as many sign-in codes today as it can. Please try again "
                    "tomorrow, or call the Dasan Call Center at 120."
                ),
                scope="global-day",
            )
