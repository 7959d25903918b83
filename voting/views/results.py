"""Results, CSV export, the poll's ledger, receipt checks and the results-into-policy page.

Everything here reads; nothing writes. A room or on-site poll's pages need the access the
visitor's session was granted (views.access); without it they answer 403 without naming the
poll. Results follow the poll's setting: hidden until voting closes, or shown live.
Receipts arrive by POST only and are never logged, stored or echoed into a URL.
"""

import csv

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from audit.selectors import ledger_head
from seoul_portal.replica import reads_from_replica

from ..forms.verify import ReceiptVerifyForm
from ..models import Poll
from ..selectors.ledger import LedgerCursor, poll_ledger_page, poll_receipt_check
from ..selectors.results import (
    CSV_HEADER,
    policy_outcome_counts,
    poll_for_results,
    reflected_polls_page,
    results_rows,
    results_withheld,
)
from ..selectors.results_cache import poll_results_for_page
from .access import has_poll_access

# A cell starting with one of these is a formula to a spreadsheet (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _locked(request, poll, *, plain=False):
    """The answer to a visitor without access to a room or on-site poll: what to do, not the poll."""
    if poll.access == Poll.Access.ROOM:
        message = _("This poll belongs to a private room: enter the room's code to see it.")
    else:
        message = _("This poll belongs to an on-site event: open it through the QR code shown at the event.")
    if plain:
        return HttpResponse(message, status=403, content_type="text/plain; charset=utf-8")
    return render(request, "voting/results.html", {"locked": message, "poll_access": poll.access}, status=403)


@require_safe
@reads_from_replica
def results(request, pk):
    poll = poll_for_results(request.user, pk)
    if not has_poll_access(request, poll):
        return _locked(request, poll)
    withheld = results_withheld(poll)
    context = {
        "poll": poll,
        "withheld": withheld,
        "results": None if withheld else poll_results_for_page(poll),
        "reflection": getattr(poll, "reflection", None) if poll.status == Poll.Status.CLOSED else None,
    }
    return render(request, "voting/results.html", context)


def _csv_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


@require_safe
@reads_from_replica
def results_csv(request, pk):
    poll = poll_for_results(request.user, pk)
    if not has_poll_access(request, poll):
        return _locked(request, poll, plain=True)
    withheld = results_withheld(poll)
    if withheld:
        return HttpResponse(withheld, status=403, content_type="text/plain; charset=utf-8")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="seoul-poll-{poll.pk}-results-{stamp}.csv"'
    # UTF-8 with a byte order mark: Excel then reads the Korean text right.
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(CSV_HEADER)
    for row in results_rows(poll, poll_results_for_page(poll)):
        writer.writerow([_csv_cell(value) for value in row])
    return response


@require_safe
def ledger(request, pk):
    poll = poll_for_results(request.user, pk, with_options=False)
    if not has_poll_access(request, poll):
        return _locked(request, poll)
    after, error = None, ""
    if "after" in request.GET:
        try:
            after = LedgerCursor.parse(request.GET["after"])
        except ValueError:
            error = _("This page link is not valid, so the list starts again from the first page.")
    # The entries are as many as the ballots: withheld with the results. A voter can still check
    # their own receipt on the verify page. The page shows no total: counting a scope of a million
    # entries would cost the page its constant time (the results page has the number of ballots).
    withheld = bool(results_withheld(poll))
    context = {
        "poll": poll,
        "page": None if withheld else poll_ledger_page(poll, after=after),
        "withheld": withheld,
        "error": error,
        "head": ledger_head(),
    }
    return render(request, "voting/ledger.html", context, status=400 if error else 200)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def verify(request, pk):
    """A receipt checked against this poll. A POST that changes nothing, so that the receipt stays
    out of URLs, server logs and browser history; htmx requests get only the form and its result."""
    poll = poll_for_results(request.user, pk, with_options=False)
    if not has_poll_access(request, poll):
        return _locked(request, poll)
    form = ReceiptVerifyForm(request.POST if request.method == "POST" else None)
    check = poll_receipt_check(poll, form.cleaned_data["receipt"]) if form.is_valid() else None
    context = {"poll": poll, "form": form, "check": check}
    status = 400 if form.is_bound and not form.is_valid() else 200
    if request.htmx and not request.htmx.history_restore_request:
        response = render(request, "voting/partials/ledger_verify.html", context, status=status)
    else:
        response = render(request, "voting/verify.html", context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_safe
def policy(request):
    context = {"counts": policy_outcome_counts(), "page_obj": reflected_polls_page(request.GET.get("page"))}
    return render(request, "voting/policy.html", context)


urlpatterns = [
    path("<int:pk>/results/", results, name="results"),
    path("<int:pk>/results.csv", results_csv, name="results_csv"),
    path("<int:pk>/ledger/", ledger, name="ledger"),
    path("<int:pk>/verify/", verify, name="verify"),
    path("policy/", policy, name="policy"),
]
