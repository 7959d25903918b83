from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from .forms import ReceiptCheckForm
from .selectors import ledger_head, receipt_status


@require_http_methods(["GET", "HEAD", "POST"])
def index(request):
    """The published chain head and a receipt check.

    The check is a POST (no state changes) so that receipts stay out of URLs, server logs and
    browser history; htmx requests get only the form and its result.
    """
    form = ReceiptCheckForm(request.POST if request.method == "POST" else None)
    status = receipt_status(form.cleaned_data["receipt"]) if form.is_valid() else None
    context = {"form": form, "status": status}
    if request.htmx:
        return render(request, "audit/partials/receipt_check.html", context)
    context["head"] = ledger_head()
    return render(request, "audit/index.html", context)


@require_GET
def head_json(request):
    return JsonResponse(ledger_head().as_json())
