"""The site's URLs plus views that fail on purpose, for the error-page and message tests."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import messages
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.shortcuts import render
from django.urls import path

from seoul_portal.urls import handler400, handler403, handler404, handler500  # noqa: F401
from seoul_portal.urls import urlpatterns as site_urlpatterns


def bad_request(request):
    raise SuspiciousOperation("test: malformed request")


def forbidden(request):
    raise PermissionDenied


def broken(request):
    raise RuntimeError("test: a bug in a view")


def with_messages(request):
    messages.success(request, "Saved.")
    messages.info(request, "For your information.")
    messages.warning(request, "Careful.")
    messages.error(request, "That went wrong.")
    return render(request, "home.html")


urlpatterns = [
    *i18n_patterns(
        path("test-errors/400/", bad_request),
        path("test-errors/403/", forbidden),
        path("test-errors/500/", broken),
        path("test-messages/", with_messages),
        prefix_default_language=False,
    ),
    *site_urlpatterns,
]
