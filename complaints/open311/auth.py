"""Who may post: an app with an active API key (403 otherwise), at most OPEN311_POSTS_PER_MINUTE
posts a minute per key (429 beyond). Reading needs no key, as the spec says.

The key is looked up by its SHA-256 (only the hash is stored). The rate limit is a counter per key
and minute in the cache (Redis in production: `add` then `incr` are atomic there). When the cache
cannot count (Redis unreachable), posts are let through: the key still names who sent them, and
losing complaints is worse than losing the limit for a while.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Open311Key
from ..models.open311 import hash_key
from .errors import Open311Error, forbidden

logger = logging.getLogger(__name__)

KEY_MAX_LENGTH = 200
# last_used_at is written at most this often per key: a busy app must not queue its posts on
# one row's lock.
LAST_USED_RESOLUTION_SECONDS = 60


def key_from(params) -> Open311Key:
    raw = (params.get("api_key") or "").strip()
    if not raw:
        raise forbidden(_("api_key was not provided: posting a service request needs an API key."))
    key = None
    if len(raw) <= KEY_MAX_LENGTH:
        key = Open311Key.objects.filter(key_hash=hash_key(raw)).first()
    if key is None:
        raise forbidden(_("Invalid api_key received: no app has this key."))
    if not key.is_active:
        raise forbidden(_("This api_key has been revoked."))
    return key


def take_post_slot(key: Open311Key, *, now=None):
    """Count one post against the key's limit for this minute, or raise a 429 error."""
    limit = settings.OPEN311_POSTS_PER_MINUTE
    now = now or timezone.now()
    minute = int(now.timestamp()) // 60
    # The hash, not the pk: test databases reuse pks while Redis keeps the counters.
    counter = f"open311:posts:{key.key_hash[:24]}:{minute}"
    try:
        cache.add(counter, 0, timeout=120)
        count = cache.incr(counter)
    except ValueError:
        # The counter vanished between add and incr (an unreachable Redis ignores both).
        logger.warning("Open311 rate limit not counted for key %s: the cache did not answer", key.prefix)
        return
    if count > limit:
        wait = 60 - int(now.timestamp()) % 60
        raise Open311Error(
            429,
            _("Too many service requests from this api_key: at most %(limit)d a minute. Try again in %(seconds)d seconds.")
            % {"limit": limit, "seconds": wait},
            headers={"Retry-After": str(wait)},
        )


def mark_used(key: Open311Key, *, now=None):
    now = now or timezone.now()
    stale = Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - timedelta(seconds=LAST_USED_RESOLUTION_SECONDS))
    Open311Key.objects.filter(stale, pk=key.pk).update(last_used_at=now)
