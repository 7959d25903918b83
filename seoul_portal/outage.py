"""A service the site depends on is unreachable (PostgreSQL restarting, Redis or the broker down):
the request gets a 503 "try again in a moment" page with Retry-After, not the 500 page.

Most of the site rides out such an outage by itself (the cache falls back to the database, the
outbox leaves notifications to the sweep); this is for what cannot: a write whose transaction
could not commit, a page whose query found no database. The exception escaped, so whatever
transaction it was in was rolled back: "try again" is the truth, and sending the form again is
safe. The outage is logged at WARNING (it is the operators' alert, not a bug) by class name only:
messages of connection errors name hosts and ports, and none of it reaches the page.

Two ways in, because Django turns an exception into a response at the layer where it is raised:
- from a view: process_exception, which answers before Django logs an error;
- from another middleware (the session saved after the view, on a dead database): Django has
  already rendered (and logged) its 500 page; got_request_exception marks the request with the
  cause, and this middleware, the outermost, swaps that 500 for the 503.
"""

import logging
import sys

from django.conf import settings
from django.core.signals import got_request_exception
from django.db import InterfaceError as DatabaseInterfaceError
from django.db import OperationalError as DatabaseOperationalError
from django.dispatch import receiver
from django.http import HttpResponse
from django.template import loader
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django_redis.exceptions import ConnectionInterrupted
from kombu.exceptions import OperationalError as BrokerOperationalError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# Long enough for a restarting PostgreSQL or Redis to come back, short enough that a citizen retries.
RETRY_AFTER_SECONDS = 30

OUTAGE_ERRORS = (
    DatabaseOperationalError,
    DatabaseInterfaceError,
    RedisConnectionError,
    RedisTimeoutError,
    ConnectionInterrupted,
    BrokerOperationalError,
)

# The 503 page when even errors/503.html cannot render: plain HTML in both languages.
UNAVAILABLE_FALLBACK = """<!DOCTYPE html>
<html lang="ko"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>잠시 후 다시 시도해 주세요 | 서울시민참여포털</title></head>
<body><main><h1>잠시 후 다시 시도해 주세요</h1>
<p>일시적으로 서비스에 연결할 수 없어 요청을 처리하지 못했습니다. 입력하신 내용은 저장되지 않았으니 잠시 후 다시 보내 주세요.</p>
<p lang="en">The service is briefly unavailable and your request was not saved. Please send it again in a moment.</p>
<p><a href="/">서울시민참여포털 홈</a></p></main></body></html>
"""

_CAUSE_ATTRIBUTE = "_outage_error"
KEPT_HEADERS = (
    "Content-Security-Policy", "Strict-Transport-Security", "X-Content-Type-Options", "X-Frame-Options",
    "Referrer-Policy", "Cross-Origin-Opener-Policy", "Content-Language", "Vary",
)  # fmt: skip


def is_outage(error: BaseException | None) -> bool:
    return isinstance(error, OUTAGE_ERRORS)


def service_unavailable(request, error: BaseException) -> HttpResponse:
    """The 503 page for `error`, logged at WARNING (its class, never its message)."""
    logger.warning(
        "Service unavailable: %s during %s %s; answered 503 (try again)",
        type(error).__name__, request.method, request.path,
    )  # fmt: skip
    language = getattr(request, "LANGUAGE_CODE", None) or settings.LANGUAGE_CODE
    # Rendered without the request, like the 500 page: no context processor may touch the
    # session or the database, which may be what is down.
    try:
        with translation.override(language):
            body = loader.render_to_string("errors/503.html")
    except Exception:
        logger.exception("errors/503.html could not be rendered")
        body = UNAVAILABLE_FALLBACK
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    # Set here too: a 503 swapped in for another middleware's 500 skips the clickjacking middleware.
    response["X-Frame-Options"] = settings.X_FRAME_OPTIONS
    add_never_cache_headers(response)
    # Logged above at WARNING; Django would log every 5xx again at ERROR (django.utils.log.log_response
    # skips a response marked this way).
    response._has_been_logged = True
    return response


@receiver(got_request_exception, dispatch_uid="seoul_portal.outage.remember_cause")
def _remember_outage(sender, request=None, **kwargs):
    """Django is about to render its 500 page for an exception raised outside a view: note the
    cause on the request when it is an outage, for OutageMiddleware to answer 503 instead."""
    error = sys.exc_info()[1]
    if request is not None and is_outage(error):
        setattr(request, _CAUSE_ATTRIBUTE, error)


class OutageMiddleware:
    """First in MIDDLEWARE: it sees every response, the other middleware's 500s included."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        error = getattr(request, _CAUSE_ATTRIBUTE, None)
        if error is not None and response.status_code == 500:
            unavailable = service_unavailable(request, error)
            # The 500 went back through the middleware outside the failing one: keep the
            # security headers they gave it.
            for name in KEPT_HEADERS:
                if name in response:
                    unavailable[name] = response[name]
            return unavailable
        return response

    def process_exception(self, request, exception):
        if is_outage(exception):
            return service_unavailable(request, exception)
        return None
