"""Complaint analysis' public pages (issue 8): "with 10,000,000 complaints seeded, the public
dashboard for any filter must render with the same number of queries as at 10,000 and a median
latency within 2x of it".

In-process (bench/measure.py), at 10,000 and at 10,000,000 complaints (seed_scale --channel
analysis), after the rollups were rebuilt (bench/rebuild.py), anonymous, as the public sees them:
- stats: the dashboard (/complaints/stats/) with the default filter (the last four weeks);
- stats_category, stats_district, stats_channel: filtered by the busiest category, the busiest
  district, the phone channel;
- stats_year: the last twelve months (charted per week, read from the monthly rollups and days);
- stats_all_time: ten years (the longest period the form accepts; charted per month);
- stats_htmx: the default filter as htmx asks for it (HX-Request: the figures' fragment only);
- stats_csv: the volume table of the last twelve months as CSV (streamed);
- trends: the trending terms (/complaints/stats/trends/);
- density, density_cells: the density map's page and its cells (GeoJSON), busiest district.
"""

from datetime import timedelta
from urllib.parse import urlencode

from django.urls import reverse

from . import Scenario


def prepare(context, *, requests):
    """The ten-year period's dates, ending today (Seoul): what a citizen would pick."""
    from complaints.forms.stats import MAX_YEARS, today, years_before

    end = today()
    context["all_time"] = {
        "period": "custom",
        "start": (years_before(end, MAX_YEARS) + timedelta(days=1)).isoformat(),
        "end": end.isoformat(),
    }
    return context


def _stats(query=None):
    def url(context):
        parameters = query(context) if callable(query) else query
        base = reverse("complaints:stats")
        return base + "?" + urlencode(parameters) if parameters else base

    return url


def _csv(context):
    return reverse("complaints:stats_csv", args=["volume"]) + "?" + urlencode({"period": "365d"})


def _trends(context):
    return reverse("complaints:trends")


def _density(context):
    return reverse("complaints:density") + "?" + urlencode({"district": context["district_code"]})


def _density_cells(context):
    return reverse("complaints:density_cells") + "?" + urlencode({"district": context["district_code"]})


SCENARIOS = [
    Scenario("stats", "the public dashboard, default filter (last 4 weeks)", _stats()),
    Scenario(
        "stats_category",
        "... ?category=<the busiest category>",
        _stats(lambda context: {"category": context["service_code"]}),
    ),
    Scenario(
        "stats_district",
        "... ?district=<the busiest district>",
        _stats(lambda context: {"district": context["district_code"]}),
    ),
    Scenario("stats_channel", "... ?channel=phone (120 Dasan call centre)", _stats({"channel": "phone"})),
    Scenario("stats_year", "... ?period=365d (per week)", _stats({"period": "365d"})),
    Scenario("stats_all_time", "... ten years, custom dates (per month)", _stats(lambda context: context["all_time"])),
    Scenario(
        "stats_htmx",
        "the default filter's figures fragment (HX-Request: true)",
        _stats(),
        headers={"HX-Request": "true"},
    ),  # fmt: skip
    Scenario("stats_csv", "the volume table of the last 12 months as CSV (stats/volume.csv?period=365d)", _csv),
    Scenario("trends", "the trending terms (complaints:trends)", _trends),
    Scenario("density", "the density map's page, busiest district (complaints:density)", _density),
    Scenario("density_cells", "... its cells as GeoJSON (complaints:density_cells)", _density_cells),
]
