import logging

from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token

from .health import health_report
from .replica import reads_from_replica
from .retention import retention_periods

logger = logging.getLogger(__name__)

# The last resort when even the error template cannot render (a broken template, a missing
# static manifest): plain HTML in both languages, no database, no static files.
SERVER_ERROR_FALLBACK = """<!DOCTYPE html>
<html lang="ko"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>일시적인 오류 | 서울시민참여포털</title></head>
<body><main><h1>일시적인 오류가 발생했습니다</h1>
<p>잠시 후 다시 시도해 주세요. 문제가 계속되면 다산콜센터 120으로 연락해 주세요.</p>
<p lang="en">Something went wrong on our side. Please try again in a few minutes.</p>
<p><a href="/">서울시민참여포털 홈</a></p></main></body></html>
"""


@reads_from_replica
def home(request):
    return render(request, "home.html")


def privacy(request):
    # The periods the daily purge applies (PERSONAL_DATA_RETENTION), so the page cannot drift from them.
    return render(request, "privacy.html", {"retention_periods": retention_periods()})


@never_cache
def healthz(request):
    try:
        healthy, report = health_report()
    except Exception as error:  # the checks catch their own failures; this is for the harness itself
        logger.exception("health report failed")
        healthy, report = False, {"error": type(error).__name__}
    return JsonResponse({"status": "ok" if healthy else "unavailable", **report}, status=200 if healthy else 503)


@requires_csrf_token
def bad_request(request, exception=None):
    return render(request, "errors/400.html", status=400)


@requires_csrf_token
def permission_denied(request, exception=None):
    return render(request, "errors/403.html", status=403)


@requires_csrf_token
def page_not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


def server_error(request):
    # Rendered without the request: no context processor runs, so nothing touches the database
    # or the session, which may be what just failed. errors/500.html extends errors/base_error.html,
    # which needs neither.
    try:
        body = loader.render_to_string("errors/500.html")
    except Exception:
        logger.exception("errors/500.html could not be rendered")
        body = SERVER_ERROR_FALLBACK
    return HttpResponseServerError(body)


def csrf_failure(request, reason=""):
    """An expired or missing form token: the site's 403 page, saying to reload and try again."""
    return render(request, "errors/403_csrf.html", status=403)
