"""Who may go where: signed-in citizens who have answered the consent and finished their profile."""

from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from .services import missing_consents


def next_onboarding_step(citizen):
    """The URL name a signed-in citizen must visit before taking part, or None when ready."""
    if missing_consents(citizen):
        return "citizens:consent"
    if citizen.profile_completed_at is None:
        return "citizens:profile"
    return None


def safe_next(request, default="citizens:me"):
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    # A path on this site only: redirect() reads a bare word ("me", "-92") as a view's name, and
    # a name that does not exist would be a 500.
    if candidate.startswith("/") and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse(default)


def participant_required(view):
    """Signed in, consent given, profile complete; otherwise sent to the step that is missing."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        step = next_onboarding_step(request.user)
        if step:
            return redirect(f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}")
        return view(request, *args, **kwargs)

    return wrapper
