"""The public list and map of complaints (public ones only, never personal data), filtered by
category, district, state, words and days received (a trending term links here with its week);
the map's GeoJSON points and the district boundaries it draws.

The map is drawn by static/complaints/map.js from the two GeoJSON answers; below it, the same
complaints as a plain list, so that the page says everything without JavaScript.
"""

from urllib.parse import urlencode

from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from seoul_portal.channels import channel_by_slug
from seoul_portal.pagination import CappedCountPaginator
from seoul_portal.replica import reads_from_replica

from ..forms.public import ComplaintFilterForm
from ..selectors import MAP_POINTS_CAP, district_boundaries, map_points, public_complaints, status_group
from ..states import Status
from .maps import allow_map_tiles, map_settings

PAGE_SIZE = 20
MAP_LIST_SIZE = 20
GEOJSON = "application/geo+json"


def _filtered(request):
    form = ComplaintFilterForm(request.GET)
    return form, form.filters(), form.problems()


@require_safe
@reads_from_replica
def complaint_list(request):
    form, filters, problems = _filtered(request)
    page = CappedCountPaginator(public_complaints(**filters), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "channel": channel_by_slug("complaints"),
        "form": form,
        "page_obj": page,
        "complaints": page.object_list,
        "filter_query": urlencode(form.query()),
        "problems": problems,
    }
    if request.htmx and not request.htmx.history_restore_request and request.htmx.target == "complaint-results":
        # Always 200: htmx swaps only successful answers; the fragment names what was left out.
        response = render(request, "complaints/partials/results.html", context)
    else:
        response = render(request, "complaints/list.html", context, status=400 if problems else 200)
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response


@require_safe
@reads_from_replica
def complaint_map(request):
    form, filters, problems = _filtered(request)
    query = urlencode(form.query())
    located = public_complaints(**filters).filter(latitude__isnull=False)
    context = {
        "channel": channel_by_slug("complaints"),
        "form": form,
        "complaints": list(located[:MAP_LIST_SIZE]),
        "filter_query": query,
        "problems": problems,
        "map": map_settings(),
        "points_url": reverse("complaints:map_data") + (f"?{query}" if query else ""),
        "list_url": reverse("complaints:list") + (f"?{query}" if query else ""),
    }
    return allow_map_tiles(render(request, "complaints/map.html", context, status=400 if problems else 200))


def _feature(point) -> dict:
    status = point["status"]
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [float(point["longitude"]), float(point["latitude"])]},
        "properties": {
            "number": point["tracking_number"],
            "title": point["title"],
            "status": status,
            "status_label": str(Status(status).label),
            "group": status_group(status),
            "category": _localized(point, "category__name"),
            "district": _localized(point, "district__name"),
            "received": timezone.localtime(point["received_at"]).date().isoformat(),
            "url": reverse("complaints:detail", args=[point["tracking_number"]]),
        },
    }


def _localized(point, prefix) -> str:
    korean = point.get(f"{prefix}_ko") or ""
    if (get_language() or "ko").startswith("en"):
        return point.get(f"{prefix}_en") or korean
    return korean


@require_safe
@reads_from_replica
def map_data(request):
    """The filtered public complaints with a location, newest first, at most MAP_POINTS_CAP."""
    form, filters, problems = _filtered(request)
    if problems:
        return JsonResponse({"error": _("The filters were not understood."), "problems": problems}, status=400)
    points = map_points(public_complaints(**filters), cap=MAP_POINTS_CAP)
    collection = {
        "type": "FeatureCollection",
        "features": [_feature(point) for point in points],
        "capped": len(points) >= MAP_POINTS_CAP,
    }
    response = JsonResponse(collection, content_type=GEOJSON, json_dumps_params={"ensure_ascii": False})
    patch_cache_control(response, public=True, max_age=60)
    return response


@require_safe
def boundaries(request):
    """The 25 districts' boundaries (GeoJSON), from the cache."""
    response = JsonResponse(district_boundaries(), content_type=GEOJSON, json_dumps_params={"ensure_ascii": False})
    patch_cache_control(response, public=True, max_age=24 * 60 * 60)
    return response
