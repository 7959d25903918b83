"""The density map of complaints (/complaints/stats/map/): complaints per cell of about 500 m in one
week, hotspots outlined, with the same figures as tables and a CSV download.

The filters are the dashboards' form (forms/stats.py); the map reads its period's end day (the
week holding it), its category and its district (cells are not counted by channel or unit).
The map is drawn by static/complaints/map.js from `cells_geojson`; the tables below say
everything without JavaScript. Officials who may see the officials' dashboard see every cell;
the public, and any other staff member, only the cells selectors/density.py deems safe to show.
"""

from __future__ import annotations

import csv
from urllib.parse import urlencode

from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from seoul_portal.channels import channel_by_slug
from seoul_portal.replica import reads_from_replica

from ..forms.stats import StatsFilterForm
from ..rules import may_see_stats
from ..selectors import density
from .maps import allow_map_tiles, map_settings

RESULTS_ID = "density-results"
GEOJSON = "application/geo+json"
FORMATS = ("geojson", "csv")
CSV_HEADER = (
    _("week (Monday)"), _("cell"), _("district code"), _("district"), _("centre latitude"), _("centre longitude"),
    _("south"), _("west"), _("north"), _("east"), _("complaints this week"), _("weekly baseline (previous 8 weeks)"),
    _("p-value"), _("hotspot"),
)  # fmt: skip
PUBLIC_MAX_AGE = 5 * 60


def sees_every_cell(user) -> bool:
    """The officials who may see the officials' dashboard (`rules.may_see_stats`: city-wide, or
    with units) see the cells the public does not; any other staff member sees the public's map.
    The cells are not counted per unit, so a unit's official sees the city's cells: counts, not
    people."""
    return may_see_stats(user)


def _with_query(url: str, query: str) -> str:
    return f"{url}?{query}" if query else url


def _cache(response, *, every_cell: bool):
    if every_cell:
        patch_cache_control(response, private=True, no_store=True)
    else:
        patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
    return response


@require_safe
@reads_from_replica
def density_map(request):
    form = StatsFilterForm(request.GET)
    valid = form.is_valid()
    query = form.query_string() if valid else ""
    figures = density.density_figures(form.stats_filter(), every_cell=sees_every_cell(request.user)) if valid else None
    cells_url = reverse("complaints:density_cells")
    csv_query = urlencode({**form.query(), "format": "csv"}) if valid else ""
    context = {
        "channel": channel_by_slug("complaints"),
        "form": form,
        "problems": [] if valid else form.problems(),
        "results_id": RESULTS_ID,
        "figures": figures,
        "map": map_settings(),
        "cells_url": _with_query(cells_url, query),
        "csv_url": _with_query(cells_url, csv_query),
        "stats_url": _with_query(reverse("complaints:stats"), query),
        "method": {
            "weeks": density.BASELINE_WEEKS,
            "p_value": density.HOTSPOT_P_VALUE,
            "min_count": density.HOTSPOT_MIN_COUNT,
            "public_min": density.PUBLIC_MIN_COUNT,
        },
    }
    status = 200 if valid else 400
    if request.htmx and not request.htmx.history_restore_request:
        response = render(request, "complaints/stats/partials/map_results.html", context, status=status)
    else:
        response = render(request, "complaints/stats/map.html", context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return allow_map_tiles(response)


def _feature(figure: density.CellFigure) -> dict:
    ring = [[figure.west, figure.south], [figure.east, figure.south], [figure.east, figure.north],
            [figure.west, figure.north], [figure.west, figure.south]]  # fmt: skip
    return {
        "type": "Feature",
        "id": figure.cell,
        "geometry": {"type": "Polygon", "coordinates": [ring]},
        "properties": {
            "cell": figure.cell,
            "count": figure.count,
            "baseline": figure.baseline,
            "p_value": figure.p_value,
            "hotspot": figure.is_hotspot,
            "level": figure.level,
            "district_code": figure.district_code,
            "district": figure.district_name,
            "latitude": figure.latitude,
            "longitude": figure.longitude,
        },
    }


def _refused_json(form) -> JsonResponse:
    return JsonResponse({"error": gettext("The filters were not understood."), "problems": form.problems()},
                        status=400, json_dumps_params={"ensure_ascii": False})  # fmt: skip


def _refused_text(lines) -> HttpResponse:
    return HttpResponse("\n".join(lines) + "\n", status=400, content_type="text/plain; charset=utf-8")


def _csv_response(figures: density.DensityMap) -> StreamingHttpResponse:
    class Echo:
        def write(self, value):
            return value

    writer = csv.writer(Echo())

    def lines():
        # A byte-order mark so that Excel reads the Korean district names as UTF-8.
        yield "\ufeff" + writer.writerow([str(title) for title in CSV_HEADER])
        for figure in figures.cells:
            yield writer.writerow([
                figures.week.isoformat(), figure.cell, figure.district_code, figure.district_name,
                figure.latitude, figure.longitude, figure.south, figure.west, figure.north, figure.east,
                figure.count, figure.baseline, f"{figure.p_value:.6g}", int(figure.is_hotspot),
            ])  # fmt: skip

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="complaint-density-{figures.week.isoformat()}.csv"'
    return response


@require_safe
@reads_from_replica
def cells_geojson(request):
    """The shown cells of the filter's week as GeoJSON polygons (or CSV with `?format=csv`)."""
    output = request.GET.get("format") or "geojson"
    if output not in FORMATS or len(request.GET.getlist("format")) > 1:
        message = gettext("There is no such format. The formats are: %(formats)s.") % {"formats": ", ".join(FORMATS)}
        return _refused_text([message])
    form = StatsFilterForm(request.GET)
    if not form.is_valid():
        if output == "csv":
            return _refused_text([gettext("The filters were not understood:"), *form.problems()])
        return _refused_json(form)
    every_cell = sees_every_cell(request.user)
    figures = density.density_figures(form.stats_filter(), every_cell=every_cell)
    if output == "csv":
        response = _csv_response(figures)
    else:
        collection = {
            "type": "FeatureCollection",
            "week": figures.week.isoformat(),
            "week_end": figures.week_end.isoformat(),
            "every_cell": figures.every_cell,
            "hidden_cells": figures.hidden_cells,
            "features": [_feature(figure) for figure in figures.cells],
        }
        response = JsonResponse(collection, content_type=GEOJSON, json_dumps_params={"ensure_ascii": False})
    return _cache(response, every_cell=every_cell)
