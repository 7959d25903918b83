"""A cycle's public results, kept in Django's cache (Redis in production).

What is cached is the selectors' computed content (the pots' summaries, a pot's ranked projects
with their notes, the rules compared, the chart), never a response: the page around it carries a
per-request CSP nonce and CSRF token and a header that depends on who is signed in. The cycle and
the pot in it are always the ones the view has just read.

Only public results are cached (published, or an imported simulation's): an official's preview
before publication is computed on every view.

The key names everything the content depends on, so that invalidation is exact by construction:
- the cycle's id and its row's updated_at: every write of the results goes with a save of the
  cycle in the same transaction (cycle_count, which replaces the stored results, saves the cycle
  for that; results_publish, assembly_confirm, council_decide and cycle_save save it anyway), so a
  reader who sees the new updated_at sees the new results;
- the pot's id and total, and the cycle's currency (the amounts are written with them);
- the language, and a digest of that language's translation catalog as this process loaded it
  (amounts, notes, rule and sector names are translated or bilingual, and a release may change a
  translation without changing a cycle);
- KEY_VERSION (bumped by hand when the cached dataclasses or the way they are computed change).
The projects' titles, sectors and scores and the sectors' names are frozen once the vote opens
(Cycle.rules_frozen: the services and the admin refuse to change them), long before a count.
"""

import dataclasses

from django.core.cache import cache
from django.utils.translation import get_language

from seoul_portal.catalogs import catalog_digest

from ..models import Cycle, Pot
from .results import PotResultsPage, PotSummary, currency_of, cycle_results, pot_results

KEY_VERSION = 1
TTL = 60 * 60 * 24 * 7  # a week: settled content; the TTL only bounds the memory


def results_cache_key(cycle: Cycle, what: str, pot: Pot | None = None) -> str:
    language = get_language() or "ko"
    parts = ["budgeting:results", KEY_VERSION, what, cycle.pk, cycle.updated_at.isoformat(), currency_of(cycle)]
    if pot is None:
        parts += [f"{each.pk}={each.total}" for each in cycle.pots.all()]
    else:
        parts += [pot.pk, pot.total]
    parts += [language, catalog_digest(language)]
    return ":".join(str(part) for part in parts)


def _cached(key, compute, strip):
    """(value, True) from the cache, or (computed value, False) after storing strip(value): the
    cycle's and the pots' rows are left out of the entry (the view has them, fresh)."""
    found = cache.get(key)
    if found is not None:
        return found, True
    value = compute()
    cache.set(key, strip(value), TTL)
    return value, False


def cycle_results_for_page(cycle: Cycle, *, public: bool) -> list[PotSummary]:
    """cycle_results(cycle), from the cache when the results are public (pots prefetched)."""
    if not public:
        return cycle_results(cycle)
    summaries, hit = _cached(
        results_cache_key(cycle, "cycle"),
        lambda: cycle_results(cycle),
        lambda computed: [(summary.pot.pk, dataclasses.replace(summary, pot=None)) for summary in computed],
    )
    if not hit:
        return summaries
    # The key holds the pots' ids: the same pots, in the same order.
    pots = {pot.pk: pot for pot in cycle.pots.all()}
    return [dataclasses.replace(summary, pot=pots[pot_pk]) for pot_pk, summary in summaries]


def pot_results_for_page(cycle: Cycle, pot: Pot, *, public: bool) -> PotResultsPage:
    """pot_results(cycle, pot.pk), from the cache when the results are public."""
    if not public:
        return pot_results(cycle, pot.pk)
    page, hit = _cached(
        results_cache_key(cycle, "pot", pot),
        lambda: pot_results(cycle, pot.pk),
        lambda computed: dataclasses.replace(computed, cycle=None, pot=None),
    )
    return dataclasses.replace(page, cycle=cycle, pot=pot) if hit else page
