"""The dashboards' figures are computed once per refresh of the rollups and kept in the cache
(complaints/selectors/figures_cache.py): a second view reads them back, a refresh that moved the
watermark computes them again, and neither a scope nor a language ever reads another's figures."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from complaints.selectors import density, stats
from complaints.selectors.stats import StatsFilter
from complaints.services.cells import cells_rebuild
from complaints.services.rollups import rollups_rebuild, rollups_refresh

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def kept_figures(settings):
    settings.COMPLAINT_FIGURES_CACHE_SECONDS = 600
    cache.clear()
    yield
    cache.clear()


def last_week():
    today = timezone.localdate()
    return StatsFilter(start=today - timedelta(days=6), end=today)


def queries_of(call):
    with CaptureQueriesContext(connection) as captured:
        result = call()
    return result, len(captured)


def test_a_second_view_reads_the_figures_back_with_one_query(file_complaint):
    file_complaint()
    rollups_rebuild()
    first, cold = queries_of(lambda: stats.dashboard_figures(last_week()))
    second, warm = queries_of(lambda: stats.dashboard_figures(last_week()))
    assert first.total == second.total == 1
    assert warm == 1  # the rollups' version; the figures come from the cache
    assert cold > warm


def test_a_refresh_that_counted_more_shows_them(file_complaint):
    file_complaint()
    rollups_rebuild(now=timezone.now() - timedelta(minutes=5))
    assert stats.dashboard_figures(last_week()).total == 1
    file_complaint()
    # Kept figures are not the truth once the rollups moved on.
    rollups_refresh(now=timezone.now() + timedelta(minutes=3))
    assert stats.dashboard_figures(last_week()).total == 2


def test_without_a_refresh_the_kept_figures_are_shown(file_complaint):
    """Between two refreshes the pages show what the rollups say, as they would without the cache."""
    file_complaint()
    rollups_rebuild()
    assert stats.dashboard_figures(last_week()).total == 1
    file_complaint()
    assert stats.dashboard_figures(last_week()).total == 1
    assert stats.dashboard(last_week()).total == 1  # the rollups themselves wait for the refresh too


def test_scopes_never_share_figures(file_complaint, roads, parks):
    file_complaint()
    rollups_rebuild()
    assert stats.dashboard_figures(last_week(), unit_ids=[roads.pk]).total == 1
    assert stats.dashboard_figures(last_week(), unit_ids=[parks.pk]).total == 0
    assert stats.dashboard_figures(last_week()).total == 1


def test_each_language_has_its_own_labels(file_complaint):
    file_complaint()
    rollups_rebuild()
    with translation.override("ko"):
        korean = stats.dashboard_figures(last_week()).by_category[0].label
    with translation.override("en"):
        english = stats.dashboard_figures(last_week()).by_category[0].label
    assert (korean, english) == ("도로 파손", "Pothole")


def test_the_map_keeps_its_figures_per_public_and_official_view(file_complaint):
    for _ in range(2):
        file_complaint()
    rollups_rebuild()
    cells_rebuild()
    public = density.density_figures(last_week(), every_cell=False)
    official = density.density_figures(last_week(), every_cell=True)
    # Two complaints in one cell: fewer than the public's three, shown to officials only.
    assert (public.cells, [cell.count for cell in official.cells]) == ([], [2])


def test_zero_seconds_computes_every_time(settings, file_complaint):
    settings.COMPLAINT_FIGURES_CACHE_SECONDS = 0
    file_complaint()
    rollups_rebuild()
    _, first = queries_of(lambda: stats.dashboard_figures(last_week()))
    _, second = queries_of(lambda: stats.dashboard_figures(last_week()))
    assert first == second > 1


def test_after_a_refresh_the_usual_first_views_are_ready(file_complaint):
    from complaints.services.figures_warming import figures_warm
    from complaints.tasks import refresh_rollups

    file_complaint()
    rollups_rebuild(now=timezone.now() - timedelta(minutes=5))
    refresh_rollups()  # the beat task: refresh, then the presets in both languages and the default map
    today = timezone.localdate()
    for days in (7, 28, 90, 365):
        _, count = queries_of(
            lambda days=days: stats.dashboard_figures(StatsFilter(start=today - timedelta(days=days - 1), end=today))
        )
        assert count == 1  # only the rollups' version: the figures were computed by the task
    with translation.override("en"):
        _, count = queries_of(lambda: stats.dashboard_figures(StatsFilter(start=today - timedelta(days=27), end=today)))
    assert count == 1
    assert figures_warm() == 10


def test_nothing_is_warmed_when_figures_are_not_kept(settings):
    from complaints.services.figures_warming import figures_warm

    settings.COMPLAINT_FIGURES_CACHE_SECONDS = 0
    assert figures_warm() == 0
