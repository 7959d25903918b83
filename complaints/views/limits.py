"""Limits on the web pages of complaints, counted in the cache in fixed windows:

- wrong guesses on the tracking page, per client IP (a tracking number with the phone's last four
  digits opens a complaint's full page: guessing them must stay slow);
- complaints filed through the form, per client IP and per filer (flooding).

The IP is keyed by the same keyed hash as the SMS-code limits (citizens.throttling.ip_key): the
cache never holds an address. An unreachable cache lets requests through (it is an outage, not
an attack) rather than refusing every citizen.
"""

import time

from django.conf import settings
from django.core.cache import cache

from citizens.throttling import ip_key


def _setting(name, default):
    return getattr(settings, name, default)


def tracking_limit():
    return _setting("COMPLAINTS_TRACK_GUESSES_PER_HOUR", 10)


def filing_limits():
    return _setting("COMPLAINTS_FILINGS_PER_HOUR_PER_IP", 30), _setting("COMPLAINTS_FILINGS_PER_HOUR_PER_FILER", 10)


WINDOW_SECONDS = 60 * 60


def _window(now=None) -> int:
    return int((now or time.time()) // WINDOW_SECONDS)


def _key(scope, who, now=None) -> str:
    return f"complaints:limit:{scope}:{who}:{_window(now)}"


def _count(scope, who, now=None) -> int:
    return int(cache.get(_key(scope, who, now)) or 0)


def _bump(scope, who, now=None) -> int:
    key = _key(scope, who, now)
    cache.add(key, 0, WINDOW_SECONDS + 60)
    try:
        return int(cache.incr(key) or 0)
    except ValueError:
        # The key expired between add and incr (or the cache dropped it): start again.
        cache.set(key, 1, WINDOW_SECONDS + 60)
        return 1


def minutes_to_next_window(now=None) -> int:
    now = now or time.time()
    return max(1, int((WINDOW_SECONDS - now % WINDOW_SECONDS + 59) // 60))


def tracking_blocked(ip) -> bool:
    return _count("track", ip_key(ip)) >= tracking_limit()


def count_tracking_miss(ip):
    _bump("track", ip_key(ip))


def filing_blocked(ip, filer_key: str) -> bool:
    per_ip, per_filer = filing_limits()
    return _count("file-ip", ip_key(ip)) >= per_ip or (bool(filer_key) and _count("file-filer", filer_key) >= per_filer)


def count_filing(ip, filer_key: str):
    _bump("file-ip", ip_key(ip))
    if filer_key:
        _bump("file-filer", filer_key)
