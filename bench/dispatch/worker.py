"""The Celery app of the benchmark's workers: the portal's own app, with Twilio's API on loopback.

    celery -A bench.dispatch.worker worker ...   (environment: the portal's, see bench.dispatch)

The workers run the portal's settings (DJANGO_SETTINGS_MODULE=seoul_portal.settings), its tasks
and SMS_BACKEND=notifications.backends.sms.TwilioSmsBackend unchanged: the backend builds its
twilio Client and HTTP client as in production. One thing differs, where the requests go: the
twilio library's HTTP client (TwilioHttpClient, which sends every API call through `requests`)
sends what it addresses to https://api.twilio.com to the fake provider (BENCH_TWILIO_BASE_URL)
instead; scheme, host and port change, the path, the form, the credentials and the headers not.
"""

import os

from twilio.http.http_client import TwilioHttpClient

from seoul_portal.celery import app

__all__ = ["app"]

TWILIO_API = "https://api.twilio.com"
BASE_URL_VARIABLE = "BENCH_TWILIO_BASE_URL"


def loopback_url(url: str, base_url: str) -> str:
    if url.startswith(TWILIO_API + "/"):
        return base_url.rstrip("/") + url[len(TWILIO_API) :]
    return url


def point_twilio_at(base_url: str):
    """Wrap TwilioHttpClient.request (once) so that Twilio's API is reached at `base_url`."""
    send = getattr(TwilioHttpClient.request, "bench_original", TwilioHttpClient.request)

    def request(self, method, url, *args, **kwargs):
        return send(self, method, loopback_url(url, base_url), *args, **kwargs)

    request.bench_original = send
    TwilioHttpClient.request = request


if os.environ.get(BASE_URL_VARIABLE):
    # At import, in the worker's main process: the prefork pool's children inherit it.
    point_twilio_at(os.environ[BASE_URL_VARIABLE])
