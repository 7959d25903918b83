"""Limits on downloading the open data files, per client IP, counted in the cache:

- downloads a minute (a fixed one-minute window, every file): a few clients cannot start file
  after file;
- live streams at once: a file read from the database holds a server-side cursor, a database
  connection and a worker for as long as the client takes to read it (minutes at ten million
  rows), so each address may hold only a few at a time. A file served from the daily export
  costs a file handle, not the database, and is not counted here.

The IP is keyed by the keyed hash of the SMS-code limits (citizens.throttling.ip_key): the cache
never holds an address. An unreachable cache lets downloads through (an outage, not an attack)
rather than refusing everyone.

A stream's slot is given back when the response closes. A worker killed mid-stream never gives
it back: the counter expires STREAM_SLOT_SECONDS after the address's first stream, so a lost
slot blocks nobody for long.
"""

import contextlib
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from citizens.throttling import ip_key

WINDOW_SECONDS = 60
STREAM_SLOT_SECONDS = 15 * 60


def downloads_per_minute() -> int:
    return getattr(settings, "OPEN_DATA_DOWNLOADS_PER_MINUTE", 10)


def live_streams_per_ip() -> int:
    return getattr(settings, "OPEN_DATA_LIVE_STREAMS_PER_IP", 2)


@dataclass(frozen=True)
class Refusal:
    """Why a download was refused and how many seconds to wait (Retry-After)."""

    scope: str  # "minute" or "streams"
    limit: int
    retry_after: int


def _incr(key: str, timeout: int) -> int | None:
    """The counter after adding one, or None when the cache did not answer."""
    cache.add(key, 0, timeout)
    try:
        return cache.incr(key)
    except ValueError:
        # The key expired between add and incr, or an unreachable cache ignored both.
        return None


def _decr(key: str):
    # Expired already (ValueError): there is nothing to give back.
    with contextlib.suppress(ValueError):
        cache.decr(key)


def seconds_to_next_window(now=None) -> int:
    now = time.time() if now is None else now
    return max(1, WINDOW_SECONDS - int(now) % WINDOW_SECONDS)


def download_key(ip, now=None) -> str:
    """The cache key counting `ip`'s downloads in the minute of `now`."""
    now = time.time() if now is None else now
    return f"opendata:downloads:{ip_key(ip)}:{int(now) // WINDOW_SECONDS}"


def stream_key(ip) -> str:
    """The cache key counting `ip`'s live streams in progress."""
    return f"opendata:streams:{ip_key(ip)}"


def take_download(ip, now=None) -> Refusal | None:
    """Count one download from `ip` in this minute's window; a Refusal once over the limit."""
    now = time.time() if now is None else now
    limit = downloads_per_minute()
    count = _incr(download_key(ip, now), WINDOW_SECONDS + 10)
    if count is not None and count > limit:
        return Refusal("minute", limit, seconds_to_next_window(now))
    return None


def take_stream(ip) -> Callable[[], None] | Refusal:
    """Take one of `ip`'s live stream slots: the function that gives it back, or a Refusal."""
    key = stream_key(ip)
    limit = live_streams_per_ip()
    count = _incr(key, STREAM_SLOT_SECONDS)
    if count is None:
        return lambda: None
    if count > limit:
        _decr(key)
        return Refusal("streams", limit, WINDOW_SECONDS)
    released = []

    def release():
        if not released:
            released.append(True)
            _decr(key)

    return release


class ReleasingStream:
    """The pieces of a live file, giving the stream's slot back when the response closes (Django
    closes a streaming response's content when the server is done with it, read to the end or
    not) and closing the pieces' generator so that its database cursor goes at once."""

    def __init__(self, pieces: Iterable[str], release: Callable[[], None]):
        self._pieces = pieces
        self._release = release

    def __iter__(self) -> Iterator[str]:
        return iter(self._pieces)

    def close(self):
        try:
            close = getattr(self._pieces, "close", None)
            if close is not None:
                close()
        finally:
            self._release()
