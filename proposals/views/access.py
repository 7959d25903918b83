"""Guarding the actions of a proposal's page that only a participant may take.

citizens.access.participant_required sends a visitor to sign in (or a citizen to the onboarding step
they miss) with `next` set to the URL that was asked for. For an action that answers only POST
(taking a stance, rating, reporting, posting a comment) that URL cannot be opened afterwards: the
citizen would end on a "405 method not allowed" page. participant_action sends them, through the
same steps, back to the page the action belongs to instead; and, for an htmx request, by a client-side
redirect (HX-Redirect), so that the sign-in page is not swapped into a section of the proposal's page.
"""

from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.http import HttpResponseClientRedirect

from citizens.access import next_onboarding_step


def sending_page(request) -> str:
    """The page a form was sent from (its `next` field, without the #anchor), if it is one of ours; else ""."""
    candidate = request.POST.get("next", "").split("#", 1)[0]
    # A path on this site only: redirect() reads a bare word ("1e309") as a view's name, and a
    # name that does not exist would be a 500 (as in citizens.access.safe_next).
    if candidate.startswith("/") and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def participant_action(back=None):
    """Like participant_required; a citizen who must first sign in, or finish onboarding, comes back to
    `back(request, *args, **kwargs)` (the view's own arguments), or to the URL asked for when `back` is None
    (for a view that also answers GET)."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            signed_in = request.user.is_authenticated
            step = next_onboarding_step(request.user) if signed_in else None
            if signed_in and step is None:
                return view(request, *args, **kwargs)
            come_back = back(request, *args, **kwargs) if back is not None else request.get_full_path()
            if signed_in:
                target = f"{reverse(step)}?{urlencode({'next': come_back})}"
            else:
                target = redirect_to_login(come_back).url
            return HttpResponseClientRedirect(target) if request.htmx else redirect(target)

        return wrapper

    return decorate
