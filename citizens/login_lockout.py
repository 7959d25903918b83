"""Password sign-in lockout: too many wrong passwords for one username from one address lock that
pair for a cool-off.

Only the (username, client address) pair is locked, never the account: an attacker who guesses
from elsewhere cannot keep an official out of the back office, and a lock always lifts by itself.
Failures older than the window are forgotten; a correct password clears the pair's count.

The password backend (citizens.backends.StaffEmailBackend) calls these, so every path that
authenticates a username and password is covered; the admin's login form reads `locked_until` to
tell the person why and until when. Counts live in the database, not the cache: the cache may be
down, and a limit that lifts when Redis restarts is no limit.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.db.models import Case, DateTimeField, F, PositiveSmallIntegerField, Q, Value, When
from django.utils import formats, timezone
from django.utils.translation import gettext

from . import crypto
from .models import Citizen, LoginFailureCounter, email_blind_index, normalize_email
from .signals import audited_action


def request_ip(request):
    """The client address the rest of the site uses (ClientIPMiddleware), or the socket's."""
    return getattr(request, "client_ip", None) or request.META.get("REMOTE_ADDR", "")


def pair_key(username, ip):
    # A keyed hash: the table holds neither the username nor the address.
    return crypto.keyed_hash(f"{normalize_email(username)}|{ip or 'unknown'}", purpose="login-lockout")


def locked_until(*, username, ip, now=None):
    """When the pair's lock lifts, or None if the pair may sign in."""
    now = now or timezone.now()
    return (
        LoginFailureCounter.objects.filter(key=pair_key(username, ip), locked_until__gt=now)
        .values_list("locked_until", flat=True)
        .first()
    )


def locked_message(until):
    return gettext(
        "Too many wrong passwords were entered for this account from your network. "
        "Please try again after %(time)s."
    ) % {"time": formats.time_format(timezone.localtime(until), "H:i")}


def failure_record(*, username, ip, now=None):
    """Count one wrong password for the pair; returns when the lock lifts if this one locked it.

    Two conditional UPDATEs in one transaction: the first counts the failure (starting a new window
    when the last one has passed) unless the pair is locked; the second locks the pair if the count
    reached the limit. On PostgreSQL the first takes the row's lock, so concurrent failures are
    counted one after the other and exactly one of them sets the lock (and writes the audit event).
    """
    now = now or timezone.now()
    key = pair_key(username, ip)
    window = timedelta(seconds=settings.LOGIN_LOCKOUT_WINDOW_SECONDS)
    until = now + timedelta(seconds=settings.LOGIN_LOCKOUT_COOL_OFF_SECONDS)
    unlocked = Q(locked_until__isnull=True) | Q(locked_until__lte=now)
    stale = Q(window_started_at__lte=now - window)
    with transaction.atomic():
        counter, _created = LoginFailureCounter.objects.get_or_create(key=key, defaults={"window_started_at": now})
        LoginFailureCounter.objects.filter(unlocked, pk=counter.pk).update(
            failures=Case(When(stale, then=Value(1)), default=F("failures") + 1,
                          output_field=PositiveSmallIntegerField()),
            window_started_at=Case(When(stale, then=Value(now)), default=F("window_started_at"),
                                   output_field=DateTimeField()),
            locked_until=None,
        )
        # The lock restarts the count: after the cool-off the pair has a full set of tries again.
        locked = LoginFailureCounter.objects.filter(
            unlocked, pk=counter.pk, failures__gte=settings.LOGIN_LOCKOUT_FAILURES
        ).update(failures=0, window_started_at=now, locked_until=until)
        if not locked:
            return None
        account = Citizen.objects.filter(email_index=email_blind_index(username)).values_list("pk", flat=True).first()
        audited_action.send(
            sender=LoginFailureCounter,
            actor=AnonymousUser(),
            action="citizen.sign_in_locked",
            target=("citizens.citizen", account) if account else None,
            summary={
                "failures": settings.LOGIN_LOCKOUT_FAILURES,
                "cool_off_minutes": settings.LOGIN_LOCKOUT_COOL_OFF_SECONDS // 60,
                "known_account": bool(account),
            },
            ip=ip,
        )
    return until


def failures_clear(*, username, ip):
    """A correct password: the pair starts from nothing."""
    LoginFailureCounter.objects.filter(key=pair_key(username, ip)).delete()


def login_failures_purge(*, now=None):
    """Delete counters no limit looks at any more: their window and their lock have passed."""
    now = now or timezone.now()
    window = timedelta(seconds=settings.LOGIN_LOCKOUT_WINDOW_SECONDS)
    deleted, _ = LoginFailureCounter.objects.filter(
        Q(locked_until__isnull=True) | Q(locked_until__lte=now), window_started_at__lte=now - window
    ).delete()
    return deleted
