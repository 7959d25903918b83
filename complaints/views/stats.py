"""The public dashboard of complaints (/complaints/stats/) and its tables as CSV.

Always city-wide: the officials' page in the admin (complaints/admin/stats.py) is the scoped one.
The public page offers no unit filter; its table of org units already gives every unit's record.
Every figure comes from `selectors.stats.dashboard`, which reads the rollups only, so a page costs
the same few queries whatever the filter and however many complaints there are. The filters are
the URL's query (shareable); htmx submits the form and swaps only the figures, and without
JavaScript it is a plain GET.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass

from django.http import HttpResponse, HttpResponseNotFound, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe
from django_htmx.http import push_url

from seoul_portal.channels import channel_by_slug
from seoul_portal.replica import reads_from_replica

from .. import charts
from .. import stats_tables as cells
from ..forms.stats import StatsFilterForm
from ..selectors import stats
from ..stats_tables import TABLE_NAMES, Cell, Table, change_between, channel_label, dashboard_tables

FIGURES_ID = "stats-figures"
GRAIN_LABELS = {"day": _("per day"), "week": _("per week (from Monday)"), "month": _("per month")}


@dataclass(frozen=True)
class DashboardPage:
    """What the dashboard's sections draw: the figures, a chart and a table for each, CSV links."""

    figures: stats.Dashboard
    grain_label: str
    total: Cell
    previous_total: Cell
    change: Cell
    handling: dict[str, Cell]
    satisfaction: dict[str, Cell]
    volume_chart: charts.TimeChart
    backlog_chart: charts.TimeChart
    category_chart: charts.BarChart
    district_chart: charts.BarChart
    channel_chart: charts.BarChart
    satisfaction_chart: charts.BarChart
    tables: dict[str, Table]
    csv: dict[str, str]
    unit_min_sample: int
    unranked_units: int


def dashboard_page(figures: stats.Dashboard, *, csv_url) -> DashboardPage:
    """`csv_url(table)`: the CSV download of a table, with the current filters."""
    grain = figures.filters.grain
    handling, satisfaction = figures.handling, figures.satisfaction
    return DashboardPage(
        figures=figures,
        grain_label=str(GRAIN_LABELS[grain]),
        total=cells.count(figures.total),
        previous_total=cells.count(figures.previous_total),
        change=cells.change(
            figures.change if figures.change is not None else change_between(figures.total, figures.previous_total)
        ),
        handling={
            "open_now": cells.count(handling.open_now),
            "open_overdue": cells.count(handling.open_overdue),
            "handled": cells.count(handling.handled),
            "on_time_rate": cells.percent(handling.on_time_rate),
            "median_days": cells.days(handling.median_days),
            "p90_days": cells.days(handling.p90_days),
        },
        satisfaction={
            "rated": cells.count(satisfaction.rated),
            "average": cells.average(satisfaction.average),
            "additional_answer_share": cells.percent(satisfaction.additional_answer_share),
        },
        volume_chart=charts.time_chart(figures.volume, grain),
        backlog_chart=charts.time_chart(figures.handling.backlog, grain),
        category_chart=charts.bar_chart([(bar.label, bar.count, bar.previous) for bar in figures.by_category]),
        district_chart=charts.bar_chart([(bar.label, bar.count, bar.previous) for bar in figures.by_district]),
        channel_chart=charts.bar_chart(
            [(bar.label or channel_label(bar.key), bar.count, bar.previous) for bar in figures.by_channel]
        ),
        satisfaction_chart=charts.bar_chart(
            [("★" * stars, satisfaction.counts.get(stars, 0), None) for stars in range(5, 0, -1)]
        ),
        tables=dashboard_tables(figures),
        csv={name: csv_url(name) for name in TABLE_NAMES},
        unit_min_sample=stats.unit_min_sample(),
        unranked_units=sum(1 for row in figures.units if row.rank is None),
    )


def with_query(url: str, query: str) -> str:
    return f"{url}?{query}" if query else url


def csv_response(table: Table, filename: str) -> StreamingHttpResponse:
    """The table as CSV: the header in the page's language, UTF-8 with a byte-order mark so that
    Excel opens the Korean text correctly."""

    class Echo:
        def write(self, value):
            return value

    writer = csv.writer(Echo())
    # Translated now: the lines are written after the view has returned.
    header = [str(title) for title in table.header]

    def lines():
        yield "\ufeff" + writer.writerow(header)
        for row in table.rows:
            yield writer.writerow([cell.raw for cell in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def refused(form: StatsFilterForm) -> HttpResponse:
    """A 400 that says what was wrong with the filters, as plain text (for the CSV downloads)."""
    lines = [gettext("The filters were not understood:"), *form.problems()]
    return HttpResponse("\n".join(lines) + "\n", status=400, content_type="text/plain; charset=utf-8")


def unknown_table() -> HttpResponseNotFound:
    """404 naming the tables there are (a plain 404 page would not say why)."""
    reason = gettext("There is no such table. The tables are: %(tables)s.") % {"tables": ", ".join(TABLE_NAMES)}
    return HttpResponseNotFound(reason + "\n", content_type="text/plain; charset=utf-8")


def csv_filename(table: str, figures_filter: stats.StatsFilter) -> str:
    return f"complaints-{table}-{figures_filter.start.isoformat()}-{figures_filter.end.isoformat()}.csv"


@require_safe
@reads_from_replica
def dashboard(request):
    form = StatsFilterForm(request.GET)
    valid = form.is_valid()
    query = form.query_string() if valid else ""
    context = {
        "channel": channel_by_slug("complaints"),
        "form": form,
        "problems": [] if valid else form.problems(),
        "figures_id": FIGURES_ID,
        "trends_url": with_query(reverse("complaints:trends"), query),
        "map_url": with_query(reverse("complaints:density"), query),
        "page": None,
    }
    if valid:
        figures = stats.dashboard_figures(form.stats_filter())
        context["page"] = dashboard_page(
            figures, csv_url=lambda name: with_query(reverse("complaints:stats_csv", args=[name]), query)
        )
    status = 200 if valid else 400
    if request.htmx and not request.htmx.history_restore_request:
        response = render(request, "complaints/stats/partials/figures.html", context, status=status)
        if valid:
            # The address bar shows the filter's canonical query, not every empty field of the form.
            push_url(response, with_query(request.path, query))
    else:
        response = render(request, "complaints/stats/dashboard.html", context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_safe
@reads_from_replica
def table_csv(request, table):
    if table not in TABLE_NAMES:
        return unknown_table()
    form = StatsFilterForm(request.GET)
    if not form.is_valid():
        return refused(form)
    figures_filter = form.stats_filter()
    figures = stats.dashboard_figures(figures_filter)
    return csv_response(dashboard_tables(figures)[table], csv_filename(table, figures_filter))
