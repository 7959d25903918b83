"""The public trending issues (/complaints/stats/trends/): the terms rising most in this week's
complaints against the four weeks before, overall or for one category (`?category=<service
code>`), each linking to the public complaints behind it; `?format=csv` downloads the table.

Only the public ranking (Trend.Audience.PUBLIC: terms at least three people used this week in
public complaints) is read here. The officials' page in the admin (complaints/admin/trends.py)
reads the officials' ranking, which includes private complaints, and links to their own queue.
"""

import csv
from io import StringIO
from urllib.parse import urlencode

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from seoul_portal.channels import channel_by_slug
from seoul_portal.replica import reads_from_replica

from ..models import Trend
from ..selectors import filter_categories
from ..selectors.trends import Trending, trend_category, trending_terms


def category_of_request(request):
    """(category or None, problem message or None) from `?category=`."""
    code = request.GET.get("category", "")
    if not code:
        return None, None
    category = trend_category(code)
    if category is None:
        return None, _("There is no category with the code “%(code)s”.") % {"code": code[:40]}
    return category, None


def term_rows(trending: Trending, link) -> list[dict]:
    """The terms with the link to their complaints (`link(term)`)."""
    return [{"term": term, "url": link(term.term)} for term in trending.terms]


def public_list_url(trending: Trending, term: str) -> str:
    """The public list of the week's complaints that use the term (in their category)."""
    query = {"q": term}
    if trending.week_start:
        query |= {"since": trending.week_start.isoformat(), "until": trending.week_end.isoformat()}
    if trending.category is not None:
        query["category"] = trending.category.service_code
    return reverse("complaints:list") + "?" + urlencode(query)


def trends_csv(trending: Trending) -> HttpResponse:
    buffer = StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_("rank"), _("term"), _("this week"), _("weekly average of the previous four weeks"),
                     _("rise"), _("score"), _("week from"), _("category")])  # fmt: skip
    code = trending.category.service_code if trending.category else ""
    week = trending.week_start.isoformat() if trending.week_start else ""
    for term in trending.terms:
        writer.writerow([term.rank, term.term, term.this_week, f"{term.baseline:.2f}", f"{term.rise:.2f}",
                         f"{term.score:.3f}", week, code])  # fmt: skip
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    filename = f"complaint-trends-{code or 'all'}-{week or 'none'}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_safe
@reads_from_replica
def trending(request):
    category, problem = category_of_request(request)
    if problem:
        context = {"channel": channel_by_slug("complaints"), "problem": problem, "categories": filter_categories()}
        return render(request, "complaints/stats/trends.html", context, status=400)
    trending = trending_terms(audience=Trend.Audience.PUBLIC, category=category)
    if request.GET.get("format") == "csv":
        return trends_csv(trending)
    query = {"category": category.service_code} if category else {}
    context = {
        "channel": channel_by_slug("complaints"),
        "categories": filter_categories(),
        "trending": trending,
        "rows": term_rows(trending, lambda term: public_list_url(trending, term)),
        "csv_url": reverse("complaints:trends") + "?" + urlencode({**query, "format": "csv"}),
    }
    if request.htmx and not request.htmx.history_restore_request and request.htmx.target == "trend-results":
        response = render(request, "complaints/stats/partials/trends_table.html", context)
    else:
        response = render(request, "complaints/stats/trends.html", context)
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    # Recomputed hourly: a few minutes' cache costs nothing.
    patch_cache_control(response, public=True, max_age=300)
    return response
