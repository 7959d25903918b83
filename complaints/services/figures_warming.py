"""After a refresh of the rollups, the dashboards' usual first views are computed at once, so the
citizen who opens /complaints/stats/ does not pay for them: the preset periods without filters,
in both languages, and the public density map of the default period (selectors/figures_cache.py
keeps them until the next refresh). A filter nobody asked for yet is computed on its first view."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone, translation

from ..selectors.density import density_figures
from ..selectors.stats import DEFAULT_PERIOD, PRESET_DAYS, StatsFilter, dashboard_figures


def figures_warm(*, today=None) -> int:
    """Compute and keep the usual first views; returns how many. Nothing when figures are not kept."""
    if not getattr(settings, "COMPLAINT_FIGURES_CACHE_SECONDS", 0):
        return 0
    today = today or timezone.localdate()
    warmed = 0
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for days in PRESET_DAYS.values():
                dashboard_figures(StatsFilter(start=today - timedelta(days=days - 1), end=today))
                warmed += 1
            default_days = PRESET_DAYS[DEFAULT_PERIOD]
            density_figures(StatsFilter(start=today - timedelta(days=default_days - 1), end=today))
            warmed += 1
    return warmed
