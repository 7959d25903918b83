"""The trending terms in the back office, for any official who may open the complaints, each term
linking to the complaints list filtered to the week's complaints that use it (TermFilter below,
within the official's own queue as always).

The list is the officials' ranking (Trend.Audience.OFFICIALS): every complaint's terms, private
complaints included and without the public page's rule (at least three people in public
complaints, services/text_analysis.py), so that an issue rising in private complaints reaches
the officials who handle it. Its terms never reach the public page, which reads the public
ranking only. Its CSV is this page's table, for officials only as well."""

from datetime import datetime, time, timedelta
from urllib.parse import urlencode

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..deadlines import SEOUL
from ..models import Trend
from ..selectors import filter_categories
from ..selectors.trends import Trending, trending_terms
from ..views.trends import category_of_request, public_list_url, term_rows, trends_csv

TERM_PARAMETER = "term"
TERM_DEFAULT_DAYS = 35


class TermFilter(admin.SimpleListFilter):
    """`?term=싱크홀`: complaints whose title or description contains the words. Shown only when
    used (a trend's link sets it). It looks at the last 35 days only, whatever the URL says: a
    text search over a whole city's queue would scan millions of rows. An earlier
    `received_at__gte` in the URL is combined with this bound (both apply, so the later wins);
    a later one narrows further."""

    title = _("words in the complaint")
    parameter_name = TERM_PARAMETER

    def lookups(self, request, model_admin):
        value = (request.GET.get(TERM_PARAMETER) or "").strip()[:60]
        return [(value, value)] if value else []

    def queryset(self, request, queryset):
        value = (self.value() or "").strip()[:60]
        if not value:
            return queryset
        queryset = queryset.filter(received_at__gte=term_search_since())
        return queryset.filter(Q(title__icontains=value) | Q(description__icontains=value))


def term_search_since():
    """The earliest moment a term search looks at (the trends' whole window: this week and the
    four before)."""
    return timezone.now() - timedelta(days=TERM_DEFAULT_DAYS)


def changelist_url(trending: Trending, term: str) -> str:
    """The official's list of the week's complaints that use the term (in the category)."""
    query = {TERM_PARAMETER: term}
    if trending.week_start:
        start = datetime.combine(trending.week_start, time.min, tzinfo=SEOUL)
        query |= {"received_at__gte": start.isoformat(), "received_at__lt": (start + timedelta(days=7)).isoformat()}
    if trending.category is not None:
        query["category__id__exact"] = trending.category.pk
    return reverse("admin:complaints_complaint_changelist") + "?" + urlencode(query)


def trends_view(model_admin, request):
    if not model_admin.has_module_permission(request):
        raise PermissionDenied
    category, problem = category_of_request(request)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Trending issues"),
        "opts": model_admin.opts,
        "categories": filter_categories(),
        "problem": problem,
    }
    if problem:
        return TemplateResponse(request, "admin/complaints/complaint/trends.html", context, status=400)
    trending = trending_terms(audience=Trend.Audience.OFFICIALS, category=category)
    if request.GET.get("format") == "csv":
        return trends_csv(trending)
    query = {"category": category.service_code} if category else {}
    rows = term_rows(trending, lambda term: changelist_url(trending, term))
    for row in rows:
        row["public_url"] = public_list_url(trending, row["term"].term)
    context |= {
        "trending": trending,
        "rows": rows,
        "csv_url": reverse("admin:complaints_complaint_trends") + "?" + urlencode({**query, "format": "csv"}),
    }
    return TemplateResponse(request, "admin/complaints/complaint/trends.html", context)
