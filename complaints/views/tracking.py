"""The tracking page: anyone with a complaint's tracking number and the last four digits of the
phone it was filed with sees where it stands (complaints:detail, as its filer, for this session).

A wrong number and wrong digits get the same message (the page never tells which part was
wrong, so it cannot be used to find out which numbers exist), and wrong guesses are counted per
client IP: past the limit the page answers 429 until the hour is over. Notification messages
link here with `?number=<tracking number>`.
"""

from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from ..forms.tracking import TrackForm, normalise_tracking_number
from ..models import Complaint
from ..notifications import complaint_of_filer_link
from . import limits
from .access import grant_filer_access


def _matching(number: str, last4: str) -> Complaint | None:
    complaint = Complaint.objects.filter(tracking_number=number).only("id", "tracking_number", "tracking_last4").first()
    # A complaint filed without a phone (an anonymous Open311 report) cannot be tracked here; the
    # comparison runs whatever happened, so the timing tells nothing either.
    expected = complaint.tracking_last4 if complaint is not None else ""
    matches = constant_time_compare(expected or "----", last4)
    return complaint if complaint is not None and expected and matches else None


@never_cache
@require_http_methods(["GET"])
def claim(request, token):
    """A signed link from a notification to a complaint filed without a phone (email): it opens
    the complaint as its filer's for this session, as the tracking page would."""
    complaint = complaint_of_filer_link(token)
    if complaint is None:
        return render(
            request, "complaints/track.html",
            {"form": TrackForm(), "link_problem": _("This link is not valid any more. Find the complaint with its tracking number instead.")},
            status=404,
        )  # fmt: skip
    grant_filer_access(request, complaint)
    return HttpResponseRedirect(reverse("complaints:detail", args=[complaint.tracking_number]), status=303)


@never_cache
@require_http_methods(["GET", "POST"])
def track(request):
    if request.method != "POST":
        number = normalise_tracking_number(request.GET.get("number", ""))[:20]
        return render(request, "complaints/track.html", {"form": TrackForm(initial={"number": number})})
    form = TrackForm(request.POST)
    if limits.tracking_blocked(request.client_ip):
        form.is_valid()
        form.add_error(None, _(
            "Too many tracking numbers that did not match were entered from your network. Please try again in "
            "%(minutes)d minutes, or call the Dasan Call Center at 120."
        ) % {"minutes": limits.minutes_to_next_window()})  # fmt: skip
        return render(request, "complaints/track.html", {"form": form, "limited": True}, status=429)
    if form.is_valid():
        complaint = _matching(form.cleaned_data["number"], form.cleaned_data["last4"])
        if complaint is not None:
            grant_filer_access(request, complaint)
            return HttpResponseRedirect(reverse("complaints:detail", args=[complaint.tracking_number]), status=303)
        limits.count_tracking_miss(request.client_ip)
        form.add_error(None, _(
            "No complaint matches this tracking number and these digits. Check both against the message we sent you."
        ))  # fmt: skip
    return render(request, "complaints/track.html", {"form": form})
