"""The officials' dashboard in the admin: the public dashboard's sections, scoped.

An official sees the figures of their units (and the units below them) and may filter one of
them; an official who handles any unit (`complaints.handle_any_unit`, the 120 intake desk) sees
the city and may filter any unit. A staff member with neither has no figures to see: 403. The
scope is applied by the selector (`unit_ids`) whatever the filter says, and the unit filter only
offers the official's units, so a unit from elsewhere in the URL is refused (400), never shown.
"""

from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy as _
from django_htmx.http import push_url

from governance.models import OrgUnit
from governance.selectors.org import visible_unit_ids

from ..forms.stats import StatsFilterForm
from ..rules import handles_any_unit, may_see_stats  # noqa: F401 (the changelist links to the dashboard only then)
from ..selectors import stats
from ..stats_tables import TABLE_NAMES, dashboard_tables
from ..views.stats import FIGURES_ID, csv_filename, csv_response, dashboard_page, refused, unknown_table, with_query


def official_scope(user) -> tuple[frozenset[int] | None, list[OrgUnit]]:
    """(the unit ids the figures are limited to, None for the city; the units the filter offers).
    PermissionDenied for a staff member with no unit and no city-wide permission."""
    units = OrgUnit.objects.order_by("order", "name_ko")
    if handles_any_unit.test(user):
        return None, list(units)
    unit_ids = visible_unit_ids(user)
    if not unit_ids:
        raise PermissionDenied
    return unit_ids, list(units.filter(pk__in=unit_ids))


def stats_view(model_admin, request):
    unit_ids, units = official_scope(request.user)
    form = StatsFilterForm(request.GET, units=units)
    valid = form.is_valid()
    query = form.query_string() if valid else ""
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Complaints in figures"),
        "opts": model_admin.opts,
        "form": form,
        "city_wide": unit_ids is None,
        "scope_units": units if unit_ids is not None else [],
        "problems": [] if valid else form.problems(),
        "figures_id": FIGURES_ID,
        "trends_url": reverse("admin:complaints_complaint_trends"),
        "page": None,
    }
    if valid:
        figures = stats.dashboard_figures(form.stats_filter(), unit_ids=unit_ids)
        context["page"] = dashboard_page(
            figures,
            csv_url=lambda name: with_query(reverse("admin:complaints_complaint_stats_csv", args=[name]), query),
        )
    status = 200 if valid else 400
    if request.htmx and not request.htmx.history_restore_request:
        template = "complaints/stats/partials/figures.html"
    else:
        template = "admin/complaints/complaint/stats.html"
    response = TemplateResponse(request, template, context, status=status)
    if valid and request.htmx and not request.htmx.history_restore_request:
        push_url(response, with_query(request.path, query))
    patch_vary_headers(response, ["HX-Request"])
    return response


def stats_csv_view(model_admin, request, table):
    unit_ids, units = official_scope(request.user)
    if table not in TABLE_NAMES:
        return unknown_table()
    form = StatsFilterForm(request.GET, units=units)
    if not form.is_valid():
        return refused(form)
    figures_filter = form.stats_filter()
    figures = stats.dashboard_figures(figures_filter, unit_ids=unit_ids)
    return csv_response(dashboard_tables(figures)[table], csv_filename(table, figures_filter))
