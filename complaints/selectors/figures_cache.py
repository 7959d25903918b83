"""The dashboards' figures kept between two refreshes of the rollups.

The figures of a filter change only when the rollups do (every five minutes, by Celery beat), yet
at Seoul's scale one filter sums a few hundred thousand rollup rows (thousands of day × category ×
district × channel × unit combinations a day). So a filter's figures are computed once per refresh
and kept in the cache under a key that names the refresh (the "counts" watermark): the next
refresh, or a rebuild, moves the watermark and the old figures are never read again (they expire
on their own). A page then costs the same at ten thousand complaints and at ten million.

`COMPLAINT_FIGURES_CACHE_SECONDS` (settings) bounds how long figures are kept; 0 computes them on
every view (the tests do, so that a query count measures the selectors themselves).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import get_language

from ..models import RollupState

T = TypeVar("T")
KEY_PREFIX = "complaints:figures"


def rollups_version() -> str:
    """What names the rollups' current state: the time the last refresh or rebuild counted up to."""
    watermark = RollupState.objects.filter(name="counts").values_list("watermark", flat=True).first()
    return watermark.isoformat() if watermark else "none"


def figures(kind: str, parts: tuple, compute: Callable[[], T]) -> T:
    """`compute()`'s result for (`kind`, `parts`) under the rollups' current state, from the cache
    when this state already computed it. `parts` must name everything the result depends on
    besides the rollups and the language (the filter, the scope, the day for "this week")."""
    seconds = getattr(settings, "COMPLAINT_FIGURES_CACHE_SECONDS", 0)
    if not seconds:
        return compute()
    described = repr((kind, rollups_version(), get_language(), parts)).encode()
    key = f"{KEY_PREFIX}:{kind}:{hashlib.sha256(described).hexdigest()}"
    found = cache.get(key)
    if found is not None:
        return found
    value = compute()
    cache.set(key, value, seconds)
    return value
