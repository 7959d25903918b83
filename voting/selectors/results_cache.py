"""A closed poll's results, kept in Django's cache (Redis in production).

What is cached is the computed PollResults (the counters' sums, the Borda count and the runoff,
the breakdowns with their labels), never a response: the page around it carries a per-request
CSP nonce and CSRF token and a header that depends on who is signed in. The page and the CSV are
both built from it.

Only a CLOSED poll's results are cached: its counters never change again (poll_close and
poll_close_early shut the poll's gate, which waits for the ballots in flight and refuses every
later one; no service reopens a poll; the mixer rewrites counters with the same counts). An open
poll's live results are computed on every view.

The key names everything the content depends on, so that invalidation is exact by construction:
- the poll's id and its row's updated_at (every service saves the poll with it), and the fields
  the results read from that row (status, question type, eligible population) in case a row is
  ever written without save();
- a digest of the options' positions and labels (read with the poll, no extra query);
- the language, and a digest of that language's translation catalog as this process loaded it
  (the group labels, the titles of the breakdowns and the "other groups" row are translated, and
  a release may change a translation without changing a poll);
- the breakdowns' smallest group (VOTING_BREAKDOWN_MIN_CELL) and KEY_VERSION (bumped by hand when
  PollResults or the way it is computed changes).
District names, the one input read from another table, are reference data (loaded by a
migration, read-only in the admin): a GENERATION entry, changed whenever a district is saved or
deleted and after every migrate, is stored in every results entry and compared on each read (one
round trip to the cache fetches both); a missing generation starts a new one, so an entry of an
evicted generation can never match again.
"""

import hashlib
import uuid

from django.core.cache import cache
from django.utils.translation import get_language

from seoul_portal.catalogs import catalog_digest

from ..models import Poll
from .results import PollResults, min_cell, poll_results

KEY_VERSION = 1
TTL = 60 * 60 * 24 * 7  # a week: settled content; the TTL only bounds the memory
GENERATION_KEY = "voting:results:generation"


def _digest(values) -> str:
    return hashlib.blake2b(repr(values).encode(), digest_size=8).hexdigest()


def results_cache_key(poll: Poll) -> str:
    """The entry of `poll`'s results in the active language (options prefetched)."""
    language = get_language() or "ko"
    options = _digest([(option.position, option.label) for option in poll.options.all()])
    return ":".join(
        str(part)
        for part in (
            "voting:results", KEY_VERSION, poll.pk, poll.updated_at.isoformat(), poll.status, poll.question_type,
            poll.eligible_population, options, language, catalog_digest(language), min_cell(),
        )
    )  # fmt: skip


def _generation(found: dict) -> str:
    generation = found.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, None)
        generation = cache.get(GENERATION_KEY)
    return generation


def results_generation_bump(**kwargs):
    """Make every cached results entry unreachable (a district's name changed, or a migration ran)."""
    cache.set(GENERATION_KEY, uuid.uuid4().hex, None)


def poll_results_for_page(poll: Poll) -> PollResults:
    """poll_results(poll), from the cache when the poll is closed. `poll.options` prefetched."""
    if poll.status != Poll.Status.CLOSED:
        return poll_results(poll)
    key = results_cache_key(poll)
    found = cache.get_many([key, GENERATION_KEY])
    generation = _generation(found)
    entry = found.get(key)
    if entry is not None and generation is not None and entry[0] == generation:
        return entry[1]
    results = poll_results(poll)
    if generation is not None:
        cache.set(key, (generation, results), TTL)
    return results


def connect_signals():
    """Called by VotingConfig.ready()."""
    from django.db.models.signals import post_delete, post_migrate, post_save

    from citizens.models import District

    uid = "voting.results_cache"
    post_save.connect(results_generation_bump, sender=District, dispatch_uid=f"{uid}.district_saved")
    post_delete.connect(results_generation_bump, sender=District, dispatch_uid=f"{uid}.district_deleted")
    post_migrate.connect(results_generation_bump, dispatch_uid=f"{uid}.migrated")
