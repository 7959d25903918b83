"""The citizen's side of a poll: lists, the poll page, casting, receipts, access, reports, proposing.

Every form works without JavaScript: plain GETs and POSTs. With htmx, the list's tabs swap only
the results, and the vote form swaps the page's main content (its button is disabled while the
ballot is on its way, so a double tap cannot turn into "you have already voted").

Secrecy: the receipt is shown once, on the page the ballot's POST redirects to (303), carried there
by a short-lived signed cookie only that page receives, and only travels in POST bodies afterwards
(the download); it is never in a URL, a log line, the session, the database or the cache.
"""

import time
from functools import lru_cache, wraps
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import get_script_prefix, get_urlconf, path, reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.crypto import constant_time_compare
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.http import HttpResponseClientRedirect

from audit import ledger
from audit.selectors import ReceiptStatus, ledger_head, receipt_status
from citizens.access import next_onboarding_step, participant_required
from seoul_portal.channels import channel_by_slug
from seoul_portal.uploads import serves_user_file, stored_file_response

from ..eligibility import ALREADY_VOTED, event_is_running
from ..errors import VotingError
from ..forms.ballot import BallotForm
from ..forms.propose import PollProposalForm
from ..forms.report import PollReportForm
from ..forms.room import RoomCodeForm
from ..models import Poll, PollOption
from ..poll_cache import ballot_poll, forget_ballot_poll
from ..selectors.polls import (
    DEFAULT_TAB,
    PUBLISHED,
    TABS,
    ballot_queryset,
    is_organiser,
    poll_ballot_count,
    poll_by_room_code,
    poll_list,
    poll_reflection,
    results_visible,
    viewer_standing,
    visible_poll,
    with_card_facts,
)
from ..services import ballot_cast, poll_create, poll_report
from ..services.ballots import StalePoll
from .access import grant_poll_access, has_poll_access, holds_voting_access

PAGE_SIZE = 20
Status = Poll.Status

# Wrong room codes a session may try within the window before it must wait.
ROOM_ATTEMPTS_SESSION_KEY = "voting_room_misses"
ROOM_MAX_ATTEMPTS = 10
ROOM_ATTEMPT_WINDOW = 15 * 60  # seconds


def _setting(name, default):
    return getattr(settings, name, default)


def _detail_url(poll_or_pk, anchor="") -> str:
    pk = getattr(poll_or_pk, "pk", poll_or_pk)
    return reverse("voting:detail", args=[pk]) + (f"#{anchor}" if anchor else "")


def _participant_action(view):
    """A POST-only action of a poll's page: a visitor signs in (a citizen finishes onboarding) and
    comes back to the poll's page, not to a URL that only answers POST; htmx requests are sent
    there by a client-side redirect."""

    @wraps(view)
    def wrapper(request, pk, *args, **kwargs):
        signed_in = request.user.is_authenticated
        step = next_onboarding_step(request.user) if signed_in else None
        if signed_in and step is None:
            return view(request, pk, *args, **kwargs)
        come_back = _detail_url(pk)
        target = f"{reverse(step)}?{urlencode({'next': come_back})}" if signed_in else redirect_to_login(come_back).url
        return HttpResponseClientRedirect(target) if request.htmx else redirect(target)

    return wrapper


# --- The list ---------------------------------------------------------------------------------


def _tab_labels():
    return {"open": _("Open"), "upcoming": _("Upcoming"), "closed": _("Closed")}


def _list_url(tab, kind) -> str:
    query = {}
    if tab != DEFAULT_TAB:
        query["status"] = tab
    if kind:
        query["kind"] = kind
    return reverse("voting:index") + (f"?{urlencode(query)}" if query else "")


@require_safe
def index(request):
    problems = []
    tab = request.GET.get("status") or DEFAULT_TAB
    if tab not in TABS:
        problems.append(_("There is no such list of polls; showing the open polls."))
        tab = DEFAULT_TAB
    kind = request.GET.get("kind") or ""
    if kind and kind not in Poll.Kind.values:
        problems.append(_("There is no such kind of poll; showing every kind."))
        kind = ""
    page = Paginator(poll_list(tab=tab, kind=kind or None), PAGE_SIZE).get_page(request.GET.get("page"))
    labels = _tab_labels()
    query = {"status": tab} if tab != DEFAULT_TAB else {}
    if kind:
        query["kind"] = kind
    context = {
        "channel": channel_by_slug("voting"),
        "page_obj": page,
        "polls": with_card_facts(page.object_list, request.user),
        "tab": tab,
        "tab_label": labels[tab],
        "kind": kind,
        "tabs": [(key, labels[key], _list_url(key, kind)) for key in TABS],
        "kinds": [("", _("Every kind"), _list_url(tab, ""))]
        + [(value, label, _list_url(tab, value)) for value, label in Poll.Kind.choices],
        "filter_query": urlencode(query),
        "problems": problems,
    }
    if request.htmx and not request.htmx.history_restore_request and request.htmx.target == "poll-results":
        # Always 200: htmx swaps only successful answers; the fragment names what was dropped.
        response = render(request, "voting/partials/poll_results.html", context)
    else:
        response = render(request, "voting/index.html", context, status=400 if problems else 200)
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response


# --- One poll ---------------------------------------------------------------------------------


def _withheld(request, poll, access_granted):
    """The answer instead of the poll's page, when the viewer may not see it: a hidden poll (its
    notice), a private room without its code (the code form), an on-site poll not reached through
    its QR code. None when the viewer may see the poll (its organisers always may)."""
    if is_organiser(request.user, poll):
        return None
    if poll.hidden_at is not None:
        return render(request, "voting/detail.html", {"poll": poll, "withheld": True}, status=403)
    if access_granted:
        return None
    if poll.access == Poll.Access.ROOM:
        context = {"form": RoomCodeForm(), "asked_for": poll}
        return render(request, "voting/room.html", context, status=403)
    if poll.access == Poll.Access.ONSITE:
        return render(request, "voting/onsite.html", {"state": "scan"}, status=403)
    return None


def _detail_context(request, poll, *, access_granted, form=None, refusal=""):
    standing = viewer_standing(poll, request.user, access_granted=access_granted)
    return {
        "poll": poll,
        "options": poll.options.all(),
        "districts": poll.audience_districts.all(),
        "standing": standing,
        "form": form or BallotForm(poll),
        "refusal": refusal,
        "results_visible": results_visible(poll),
        "ballots": poll_ballot_count(poll),
        "reflection": poll_reflection(poll) if poll.status == Status.CLOSED else None,
        "organiser": is_organiser(request.user, poll),
        "signin_url": redirect_to_login(_detail_url(poll)).url,
    }


@require_safe
def detail(request, pk):
    poll = visible_poll(request.user, pk)
    withheld = _withheld(request, poll, has_poll_access(request, poll))
    if withheld:
        return withheld
    access_granted = holds_voting_access(request, poll)
    if poll.status not in PUBLISHED:
        # A poll awaiting screening, or rejected: its proposer (or staff) sees where it stands.
        context = {"poll": poll, "options": poll.options.all(), "districts": poll.audience_districts.all()}
        return render(request, "voting/proposed.html", context)
    return render(request, "voting/detail.html", _detail_context(request, poll, access_granted=access_granted))


def _refusal_status(refusal: VotingError) -> int:
    if refusal.code == ALREADY_VOTED:
        return 409
    if refusal.code == "invalid":
        return 400
    if refusal.code == "gone":
        return 404
    return 403  # the eligibility reasons: window, audience, access, verification


@require_POST
@_participant_action
def cast(request, pk):
    """Cast the signed-in citizen's ballot: 303 to the receipt page (the receipt goes along in a
    signed cookie, see _receipt_redirect); or the poll's page again with the reason (409 a second
    vote, 403 not eligible or outside the window, 400 bad choices).

    The poll comes from voting.poll_cache (what a ballot reads of it, cached for a moment), and
    ballot_cast checks in its transaction that the row has not changed since. Anything but a
    ballot cast from that snapshot (a refusal, a changed poll) is decided again on the database's
    rows, as the page shows them: a cached poll may speed a ballot up, never change its outcome."""
    snapshot = ballot_poll(pk)
    if snapshot is not None:
        response = _cast_from_snapshot(request, snapshot)
        if response is not None:
            return response
    response = _cast_from_database(request, pk)
    if snapshot is not None and snapshot.cached and response.status_code == 303:
        forget_ballot_poll(pk)  # the snapshot refused what the rows accept: it is out of date
    return response


class _SnapshotBallotForm(BallotForm):
    """The vote form read against a snapshot: the options' number without their rows."""

    def __init__(self, snapshot, data):
        super().__init__(snapshot.poll, data)
        self._option_count = len(snapshot.option_positions)

    @property
    def rank_count(self) -> int:
        return min(self.poll.max_choices, self._option_count)


def _cast_from_snapshot(request, snapshot):
    """The ballot's fast way: the receipt's redirect, or None for anything else (nothing written)."""
    poll = snapshot.poll
    # What visible_poll and _withheld would refuse, the way back (_cast_from_database) refuses.
    if poll.status not in PUBLISHED or poll.hidden_at is not None or not has_poll_access(request, poll):
        return None
    try:
        choices = _SnapshotBallotForm(snapshot, request.POST).submitted_choices()
        ballot = ballot_cast(
            citizen=request.user, poll=poll, choices=choices, access_granted=holds_voting_access(request, poll),
            snapshot=snapshot,
        )  # fmt: skip
    except StalePoll:
        forget_ballot_poll(poll.pk)
        return None
    except VotingError:
        # Decided again on the rows (a refusal is rare; the cached snapshot stays for the others).
        return None
    return _receipt_redirect(request, poll.pk, ballot.receipt)


def _cast_from_database(request, pk):
    """The ballot read and checked from the database's rows: the redirect, or the refusal's page."""
    poll = visible_poll(request.user, pk, queryset=ballot_queryset())
    withheld = _withheld(request, poll, has_poll_access(request, poll))
    if withheld:
        return _refused_for_htmx(request, withheld)
    access_granted = holds_voting_access(request, poll)
    form = BallotForm(poll, request.POST)
    try:
        ballot = ballot_cast(
            citizen=request.user, poll=poll, choices=form.submitted_choices(), access_granted=access_granted
        )
    except VotingError as refusal:
        form.add_refusal(refusal)
        context = _detail_context(request, poll, access_granted=access_granted, form=form, refusal=refusal.message)
        response = render(request, "voting/detail.html", context, status=_refusal_status(refusal))
        return _refused_for_htmx(request, response)
    return _receipt_redirect(request, poll.pk, ballot.receipt)


# --- The receipt, shown once ------------------------------------------------------------------
#
# Post/Redirect/Get: the ballot's POST answers 303 to the poll's receipt page, and the receipt
# travels there in a cookie: signed (nobody can make the page show another text), HttpOnly,
# SameSite=Strict, Secure over HTTPS, sent only to that page (its path) and for a few minutes,
# and deleted by the page that shows it. The city keeps the receipt nowhere: not in the session,
# the database, the cache, a log line or a URL.

RECEIPT_COOKIE = "voting_receipt"
RECEIPT_COOKIE_MAX_AGE = 10 * 60  # seconds


def _receipt_cookie_salt(pk) -> str:
    return f"voting.receipt:{pk}"  # a cookie signed for one poll is no receipt of another


@lru_cache(maxsize=4_096)
def _receipt_path(pk, language, script_prefix, urlconf) -> str:
    """The receipt page's path, built by reverse() once per poll and what else reverse() reads
    (the active language's prefix, the script prefix, the URLconf): every ballot redirects there."""
    return reverse("voting:receipt_page", args=[pk])


def _receipt_redirect(request, pk, receipt):
    url = _receipt_path(pk, get_language(), get_script_prefix(), get_urlconf())
    response = HttpResponseRedirect(url, status=303)
    response.set_signed_cookie(
        RECEIPT_COOKIE, receipt, salt=_receipt_cookie_salt(pk), max_age=RECEIPT_COOKIE_MAX_AGE, path=url,
        secure=request.is_secure() or settings.SESSION_COOKIE_SECURE, httponly=True, samesite="Strict",
    )  # fmt: skip
    add_never_cache_headers(response)
    return response


def _receipt_from_cookie(request, pk) -> str | None:
    value = request.get_signed_cookie(
        RECEIPT_COOKIE, default=None, salt=_receipt_cookie_salt(pk), max_age=RECEIPT_COOKIE_MAX_AGE
    )
    if not value:
        return None
    try:
        return _grouped(ledger.normalize_receipt(value))  # as the ballot gave it: groups of four
    except ledger.LedgerFormatError:
        return None


@require_safe
def receipt_page(request, pk):
    """The receipt of the ballot just cast (the cookie the ballot's redirect set), shown this once;
    without it (later, another browser, the cookie expired) a page that says why it cannot be shown
    again and where a saved receipt is checked. Always 200: nothing to retry."""
    poll = visible_poll(
        request.user, pk, queryset=Poll.objects.only("pk", "title", "status", "kind", "proposer_id", "org_unit_id")
    )
    receipt = _receipt_from_cookie(request, poll.pk)
    response = render(request, "voting/receipt.html", {"poll": poll, "receipt": receipt, "missing": receipt is None})
    if RECEIPT_COOKIE in request.COOKIES and request.method == "GET":  # a HEAD shows nothing: keep it
        response.delete_cookie(RECEIPT_COOKIE, path=request.path, samesite="Strict")
    add_never_cache_headers(response)
    return response


def _refused_for_htmx(request, response):
    """htmx swaps the answers to a refused ballot that are 400 or 409 (base.html); for the others it
    would do nothing: it reloads the poll's page instead, which says why."""
    if request.htmx and response.status_code not in (400, 409):
        response["HX-Refresh"] = "true"
    return response


def _grouped(receipt: str) -> str:
    return "-".join(receipt[i : i + 4] for i in range(0, len(receipt), 4))


def _receipt_text(request, poll, receipt, status, head) -> str:
    verify_path = reverse("voting:verify", args=[poll.pk])
    if status.state == ReceiptStatus.SEALED:
        where = _("sealed in block %(height)d (hash %(hash)s)") % {
            "height": status.block_height, "hash": status.block_hash,
        }
    else:
        where = _("waiting to be sealed into the next block")
    lines = [
        _("M-Voting ballot receipt"),
        "",
        _("Poll: %(title)s (no. %(pk)d)") % {"title": poll.title, "pk": poll.pk},
        _("Receipt: %(receipt)s") % {"receipt": _grouped(receipt)},
        _("Ledger scope: %(scope)s") % {"scope": poll.ledger_scope},
        _("In the ledger: %(where)s") % {"where": where},
        _("Check your receipt at: %(url)s") % {"url": request.build_absolute_uri(verify_path)},
    ]
    if head.height is not None:
        lines.append(
            _("Chain head when downloaded: block %(height)d, hash %(hash)s (%(format)s)")
            % {"height": head.height, "hash": head.hash, "format": ledger.FORMAT}
        )
    else:
        lines.append(_("Chain head when downloaded: no block sealed yet (%(format)s)") % {"format": ledger.FORMAT})
    lines += [
        "",
        _("The receipt proves that your ballot was counted, not what you chose: nobody, the city included, "
          "can tell from it how you voted. Keep it to yourself."),
    ]
    return "\n".join(lines) + "\n"


@require_POST
def receipt_download(request, pk):
    """The receipt as a text file (POST only: a receipt never goes into a URL). 400 when the text is
    not a receipt of this poll."""
    poll = Poll.objects.filter(pk=pk).only("pk", "title").first()
    if poll is None:
        raise Http404("no such poll")
    try:
        receipt = ledger.normalize_receipt(request.POST.get("receipt", ""))
    except ledger.LedgerFormatError:
        error = _("This is not a receipt: a receipt is 20 letters and digits, in groups of four.")
        return render(request, "voting/receipt.html", {"poll": None, "error": error}, status=400)
    status = receipt_status(receipt)
    if status.state == ReceiptStatus.NOT_FOUND or status.scope != poll.ledger_scope:
        error = _("This receipt is not in this poll's ledger.")
        return render(request, "voting/receipt.html", {"poll": None, "error": error}, status=400)
    response = HttpResponse(
        _receipt_text(request, poll, receipt, status, ledger_head()), content_type="text/plain; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="m-voting-receipt-poll-{poll.pk}.txt"'
    add_never_cache_headers(response)
    return response


@require_safe
@serves_user_file
def option_image(request, pk, position):
    """An option's image, from the storage, to whoever may see the poll, or by a link the poll's
    page signed for them."""
    queryset = Poll.objects.only("pk", "status", "access", "proposer_id", "hidden_at")
    if request.file_grant:
        poll = queryset.filter(pk=pk).first()
        if poll is None:
            raise Http404("no image")
    else:
        poll = visible_poll(request.user, pk, queryset=queryset)
        if not is_organiser(request.user, poll) and (poll.hidden_at or not has_poll_access(request, poll)):
            raise Http404("no image")
    option = PollOption.objects.filter(poll_id=poll.pk, position=position).only("image").first()
    public = poll.access == Poll.Access.PUBLIC and poll.status in PUBLISHED and poll.hidden_at is None
    return stored_file_response(option.image if option else None, folder="voting/options/", public=public)


# --- Room codes and QR codes --------------------------------------------------------------------


def _recent_misses(request, now) -> list[float]:
    window = _setting("VOTING_ROOM_ATTEMPT_WINDOW", ROOM_ATTEMPT_WINDOW)
    return [moment for moment in request.session.get(ROOM_ATTEMPTS_SESSION_KEY, []) if now - moment < window]


@require_http_methods(["GET", "POST"])
def room(request):
    """Enter a private room's code: access to that poll for this session, then its page. Wrong codes
    are counted per session; past the limit the form waits (429)."""
    form = RoomCodeForm(request.POST if request.method == "POST" else None)
    if request.method != "POST":
        return render(request, "voting/room.html", {"form": form})
    now = time.time()
    misses = _recent_misses(request, now)
    if len(misses) >= _setting("VOTING_ROOM_MAX_ATTEMPTS", ROOM_MAX_ATTEMPTS):
        wait = _setting("VOTING_ROOM_ATTEMPT_WINDOW", ROOM_ATTEMPT_WINDOW) - (now - misses[0])
        minutes = max(1, round(wait / 60))
        blocked = ngettext(
            "Too many wrong room codes. Try again in %(minutes)d minute.",
            "Too many wrong room codes. Try again in %(minutes)d minutes.",
            minutes,
        ) % {"minutes": minutes}
        return render(request, "voting/room.html", {"form": RoomCodeForm(), "blocked": blocked}, status=429)
    if form.is_valid():
        poll = poll_by_room_code(form.cleaned_data["code"])
        if poll is not None:
            grant_poll_access(request, poll)
            return redirect(_detail_url(poll))
        request.session[ROOM_ATTEMPTS_SESSION_KEY] = [*misses, now]
        form.add_error("code", _("No poll has this room code. Check the code with the poll's organiser."))
    return render(request, "voting/room.html", {"form": form}, status=400)


@require_safe
def onsite(request, pk, token):
    """The link in an on-site poll's QR code: during the event, access for this session and then the
    poll's page; otherwise a page saying the event is not running (403), or 404 for a wrong code."""
    poll = (
        Poll.objects.filter(pk=pk, access=Poll.Access.ONSITE, status__in=PUBLISHED)
        .only("pk", "title", "onsite_token", "event_starts_at", "event_ends_at", "access", "status", "proposer_id")
        .first()
    )
    if poll is None or not poll.onsite_token or not constant_time_compare(token, poll.onsite_token):
        return render(request, "voting/onsite.html", {"state": "invalid"}, status=404)
    now = timezone.now()
    if not event_is_running(poll, now):
        state = "before" if now < poll.event_starts_at else "after"
        return render(request, "voting/onsite.html", {"state": state, "poll": poll}, status=403)
    grant_poll_access(request, poll)
    return redirect(_detail_url(poll))


@require_safe
def qr(request, pk):
    """The QR code of an on-site poll, for its organisers to show at the event."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    poll = visible_poll(request.user, pk, queryset=Poll.objects.all())
    if poll.access != Poll.Access.ONSITE or not poll.onsite_token:
        raise Http404("not an on-site poll")
    if not is_organiser(request.user, poll):
        raise PermissionDenied(_("Only the poll's organisers can show its QR code."))
    url = request.build_absolute_uri(reverse("voting:onsite", args=[poll.pk, poll.onsite_token]))
    # segno escapes the title (the poll's title is the citizen's text); the SVG sizes itself to its
    # container (omitsize), keeping the four-module quiet zone scanners need.
    label = _("QR code to vote in %(title)s") % {"title": poll.title}
    svg = segno.make(url, error="m").svg_inline(
        scale=1, border=4, omitsize=True, svgclass="voting-qr-code", title=label
    )
    # nosemgrep: mark-safe-on-non-literal -- segno's SVG of a URL the portal built: no user text in it
    context = {"poll": poll, "qr_svg": mark_safe(svg), "onsite_url": url}  # noqa: S308 -- segno's own markup  # nosec B308 B703
    response = render(request, "voting/qr.html", context)
    add_never_cache_headers(response)
    return response


# --- Reporting --------------------------------------------------------------------------------


@participant_required
@require_http_methods(["GET", "POST"])
def report(request, pk):
    poll = visible_poll(request.user, pk, queryset=Poll.objects.all())
    withheld = _withheld(request, poll, has_poll_access(request, poll))
    if withheld:
        return withheld
    if poll.kind != Poll.Kind.CITIZEN or poll.status not in PUBLISHED:
        raise Http404("only published citizen polls are reported")
    if request.user.phone_verified_at is None:
        refusal = _("Sign in with a verified phone to report a poll.")
        return render(request, "voting/report.html", {"poll": poll, "refusal": refusal}, status=403)
    form = PollReportForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                poll_report(
                    citizen=request.user, poll=poll, category=form.cleaned_data["category"],
                    detail=form.cleaned_data["detail"],
                )
            except VotingError as refusal:
                form.add_error(refusal.field if refusal.field in form.fields else None, refusal.message)
                status = 409 if refusal.field is None else 400
            else:
                messages.success(request, _("Thank you: the city's officials will look at your report."))
                return redirect(_detail_url(poll))
    return render(request, "voting/report.html", {"poll": poll, "form": form}, status=status)


# --- Proposing a poll ---------------------------------------------------------------------------


@participant_required
@require_http_methods(["GET", "POST"])
def propose(request):
    if request.user.phone_verified_at is None:
        status = 403 if request.method == "POST" else 200
        return render(request, "voting/propose.html", {"unverified": True}, status=status)
    posted = request.method == "POST"
    form = PollProposalForm(request.POST if posted else None, request.FILES if posted else None)
    if posted and form.is_valid():
        try:
            poll = poll_create(actor=request.user, kind=Poll.Kind.CITIZEN, **form.service_arguments())
        except VotingError as refusal:
            form.add_refusal(refusal)
        else:
            messages.success(request, _("Your poll is sent to the city for screening."))
            return redirect(_detail_url(poll))
    return render(request, "voting/propose.html", {"form": form}, status=400 if posted else 200)


urlpatterns = [
    path("", index, name="index"),
    path("new/", propose, name="propose"),
    path("room/", room, name="room"),
    path("<int:pk>/", detail, name="detail"),
    path("<int:pk>/vote/", cast, name="cast"),
    path("<int:pk>/receipt/", receipt_page, name="receipt_page"),
    path("<int:pk>/receipt.txt", receipt_download, name="receipt"),
    path("<int:pk>/onsite/<str:token>/", onsite, name="onsite"),
    path("<int:pk>/qr/", qr, name="qr"),
    path("<int:pk>/report/", report, name="report"),
    path("<int:pk>/options/<int:position>/image/", option_image, name="option_image"),
]
