"""The citizen's side of a cycle's vote: the eligibility declaration, the ballot with its live
budget meter, the receipt (shown once) and the receipt check.

Every form works without JavaScript: the ballot is a plain POST that answers with the same
messages the meter shows. With htmx, ticking a project asks the meter for the pots' new state
(the meter view answers with the partial), and the ballot's answer replaces the page's main
content. A refused ballot answers 409 (already voted), 403 (may not vote) or 400 (picks the
ballot refuses), with the reason on the page.

Secrecy, as in M-Voting: the receipt reaches the receipt page in a short-lived signed cookie only
that page receives (never a URL, the session, the database or a log line), and receipts to check
arrive by POST.
"""

from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe
from django_htmx.http import HttpResponseClientRedirect

from audit import ledger
from citizens.access import next_onboarding_step
from seoul_portal.channels import channel_by_slug

from ..errors import BudgetingError
from ..forms.ballots import BallotForm, ReceiptVerifyForm
from ..forms.eligibility import EligibilityForm
from ..selectors.ballots import ballot_meter as measure_picks
from ..selectors.ballots import ballot_page, cycle_receipt_check
from ..selectors.cycles import cycle_for_page
from ..services.ballots import ballot_cast
from ..services.eligibility import (
    ALREADY_VOTED,
    CLOSED,
    DECLARATION_REASONS,
    SIMULATION,
    citizen_reason,
    declaration_of,
    declaration_record,
    has_voted,
    vote_window_reason,
)


def _ballot_url(cycle) -> str:
    return reverse("budgeting:ballot", args=[getattr(cycle, "pk", cycle)])


def _participant_action(view):
    """A POST of the vote's pages: a visitor signs in (a citizen finishes onboarding) and comes back
    to the page they were on; htmx requests are sent there by a client-side redirect."""

    @wraps(view)
    def wrapper(request, cycle, *args, **kwargs):
        if request.method != "POST":
            return view(request, cycle, *args, **kwargs)
        signed_in = request.user.is_authenticated
        step = next_onboarding_step(request.user) if signed_in else None
        if signed_in and step is None:
            return view(request, cycle, *args, **kwargs)
        come_back = request.path
        target = f"{reverse(step)}?{urlencode({'next': come_back})}" if signed_in else redirect_to_login(come_back).url
        return HttpResponseClientRedirect(target) if request.htmx else redirect(target)

    return wrapper


def _refusal_status(refusal: BudgetingError) -> int:
    if refusal.code == ALREADY_VOTED:
        return 409
    if refusal.code == "invalid":
        return 400
    return 403  # the eligibility reasons: the vote's window, who the citizen is, what they declared


def _refused_for_htmx(request, response):
    """htmx swaps the refusals that are 400 or 409 (base.html); for the others it would do nothing:
    it reloads the page instead, which says why."""
    if request.htmx and response.status_code not in (400, 409):
        response["HX-Refresh"] = "true"
    return response


def _base_context(request, cycle):
    return {
        "cycle": cycle,
        "channel": channel_by_slug("budgeting"),
        "vote_phase": cycle.vote_phase(),
        "signin_url": redirect_to_login(_ballot_url(cycle)).url,
    }


# --- The declaration --------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def eligibility(request, cycle):
    """The citizen's declaration for the cycle: back to the ballot once recorded; 400 for a form to
    correct, 403 when they may not declare (an official, unverified, a simulation, the vote over),
    409 once they have voted."""
    cycle = cycle_for_page(cycle)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    step = next_onboarding_step(request.user)
    if step:
        return redirect(f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}")
    context = _base_context(request, cycle)
    reason = citizen_reason(request.user)
    window = vote_window_reason(cycle, timezone.now())
    if reason is None and window is not None and window.code in (SIMULATION, CLOSED):
        reason = window
    if reason is not None:
        return render(request, "budgeting/eligibility.html", {**context, "refusal": reason.message}, status=403)
    declaration = declaration_of(cycle, request.user)
    if has_voted(cycle, request.user):
        context["voted"] = True
        context["declaration"] = declaration
        return render(request, "budgeting/eligibility.html", context, status=409 if request.method == "POST" else 200)
    form = EligibilityForm(
        request.POST if request.method == "POST" else None, cycle=cycle, citizen=request.user, declaration=declaration
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                declaration_record(actor=request.user, cycle=cycle, **form.service_arguments())
            except BudgetingError as refusal:
                form.add_refusal(refusal)
                status = 400 if refusal.field or refusal.code == "invalid" else _refusal_status(refusal)
            else:
                messages.success(request, _("Your declaration is recorded."))
                return redirect(_ballot_url(cycle))
    context.update({"form": form, "declaration": declaration})
    return render(request, "budgeting/eligibility.html", context, status=status)


# --- The ballot ---------------------------------------------------------------------------------


def _ballot_context(request, cycle, *, form, refusal=""):
    page = ballot_page(cycle, request.user)
    return {
        **_base_context(request, cycle),
        "page": page,
        "form": form,
        "refusal": refusal,
        "meter": measure_picks(page, form.submitted_ids()),
        "declaration_reasons": DECLARATION_REASONS,
    }


@require_http_methods(["GET", "HEAD", "POST"])
@_participant_action
def ballot(request, cycle):
    """GET: the ballot (the feasible projects of the pots the citizen may vote in, by pot), or why
    they cannot vote. POST: cast it; 303 to the receipt page, or the page again with the reason."""
    cycle = cycle_for_page(cycle)
    if request.method != "POST":
        return render(request, "budgeting/ballot.html", _ballot_context(request, cycle, form=BallotForm()))
    form = BallotForm(request.POST)
    try:
        cast = ballot_cast(citizen=request.user, cycle=cycle, project_ids=form.submitted_ids())
    except BudgetingError as refusal:
        form.add_refusal(refusal)
        context = _ballot_context(request, cycle, form=form, refusal=refusal.message)
        response = render(request, "budgeting/ballot.html", context, status=_refusal_status(refusal))
        return _refused_for_htmx(request, response)
    return _receipt_redirect(request, cycle.pk, cast.receipt)


@require_safe
def ballot_meter(request, cycle):
    """The live budget meter for the picks in the query (`projects`): the partial for htmx, the
    ballot page with those picks ticked otherwise. Always 200: it only measures."""
    cycle = cycle_for_page(cycle)
    form = BallotForm(request.GET)
    if request.htmx and not request.htmx.history_restore_request:
        page = ballot_page(cycle, request.user)
        context = {"cycle": cycle, "page": page, "meter": measure_picks(page, form.submitted_ids())}
        response = render(request, "budgeting/partials/ballot_meter.html", context)
    else:
        response = render(request, "budgeting/ballot.html", _ballot_context(request, cycle, form=form))
    patch_vary_headers(response, ["HX-Request"])
    return response


# --- The receipt, shown once --------------------------------------------------------------------

RECEIPT_COOKIE = "budget_receipt"
RECEIPT_COOKIE_MAX_AGE = 10 * 60  # seconds


def _receipt_cookie_salt(cycle_pk) -> str:
    return f"budgeting.receipt:{cycle_pk}"  # a cookie signed for one cycle is no receipt of another


def _grouped(receipt: str) -> str:
    return "-".join(receipt[i : i + 4] for i in range(0, len(receipt), 4))


def _receipt_redirect(request, cycle_pk, receipt):
    url = reverse("budgeting:receipt", args=[cycle_pk])
    response = HttpResponseRedirect(url, status=303)
    response.set_signed_cookie(
        RECEIPT_COOKIE, receipt, salt=_receipt_cookie_salt(cycle_pk), max_age=RECEIPT_COOKIE_MAX_AGE, path=url,
        secure=request.is_secure() or settings.SESSION_COOKIE_SECURE, httponly=True, samesite="Strict",
    )  # fmt: skip
    add_never_cache_headers(response)
    return response


def _receipt_from_cookie(request, cycle_pk) -> str | None:
    value = request.get_signed_cookie(
        RECEIPT_COOKIE, default=None, salt=_receipt_cookie_salt(cycle_pk), max_age=RECEIPT_COOKIE_MAX_AGE
    )
    if not value:
        return None
    try:
        return _grouped(ledger.normalize_receipt(value))
    except ledger.LedgerFormatError:
        return None


@require_safe
def receipt(request, cycle):
    """The receipt of the ballot just cast, shown this once; without it (later, another browser)
    a page that says why it cannot be shown again and where a saved receipt is checked."""
    cycle = cycle_for_page(cycle)
    shown = _receipt_from_cookie(request, cycle.pk)
    context = {**_base_context(request, cycle), "receipt": shown, "missing": shown is None}
    response = render(request, "budgeting/receipt.html", context)
    if RECEIPT_COOKIE in request.COOKIES and request.method == "GET":  # a HEAD shows nothing: keep it
        response.delete_cookie(RECEIPT_COOKIE, path=request.path, samesite="Strict")
    add_never_cache_headers(response)
    return response


# --- The receipt check --------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def verify(request, cycle):
    """A receipt checked against the cycle's ballots and the ledger. A POST that changes nothing,
    so that the receipt stays out of URLs; htmx requests get only the form and its result."""
    cycle = cycle_for_page(cycle)
    form = ReceiptVerifyForm(request.POST if request.method == "POST" else None)
    check = cycle_receipt_check(cycle, form.cleaned_data["receipt"]) if form.is_valid() else None
    context = {**_base_context(request, cycle), "form": form, "check": check}
    status = 400 if form.is_bound and not form.is_valid() else 200
    template = "budgeting/verify.html"
    if request.htmx and not request.htmx.history_restore_request:
        template = "budgeting/partials/receipt_verify.html"
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


urls = [
    path("<int:cycle>/eligibility/", eligibility, name="eligibility"),
    path("<int:cycle>/vote/", ballot, name="ballot"),
    path("<int:cycle>/vote/meter/", ballot_meter, name="ballot_meter"),
    path("<int:cycle>/receipt/", receipt, name="receipt"),
    path("<int:cycle>/verify/", verify, name="verify"),
]
