"""Helpers of the rollup and dashboard tests (helper module, not a conftest: imported by
test_rollups.py and test_stats_figures.py only)."""

from datetime import datetime

from django.db.models import Sum

from complaints.deadlines import SEOUL
from complaints.models.analytics import COUNT_FIELDS, DailyRollup


def seoul(year, month, day, hour=10, minute=0) -> datetime:
    """An aware moment, Seoul time."""
    return datetime(year, month, day, hour, minute, tzinfo=SEOUL)


def day_counts(day, **dims) -> dict:
    """Every count of the daily rows of `day` (optionally of some dimensions), summed."""
    sums = DailyRollup.objects.filter(day=day, **dims).aggregate(**{name: Sum(name) for name in COUNT_FIELDS})
    return {name: value or 0 for name, value in sums.items()}


def nonzero(counts: dict) -> dict:
    return {name: value for name, value in counts.items() if value}


def daily_table() -> list[tuple]:
    """Every daily row as a comparable tuple (to compare a refresh with a rebuild)."""
    fields = ("day", "category_id", "district_id", "channel", "unit_id", *COUNT_FIELDS)
    return sorted(DailyRollup.objects.values_list(*fields), key=repr)
