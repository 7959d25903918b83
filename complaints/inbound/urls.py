"""The inbound channels' webhooks, outside the language prefixes (seoul_portal/urls.py mounts them
at /complaints-inbound/): Twilio's at sms/, and under email/ the inbound webhook of each ESP
anymail supports (e.g. email/postmark/inbound/, email/mailgun/inbound_mime/), as anymail names
its paths. Only the ESP the site is set up for answers: the others, and every one while
ANYMAIL_WEBHOOK_SECRET is unset (anyone could post mail otherwise), answer 404 and log why.
"""

import logging
from functools import wraps

from anymail import urls as anymail_urls
from anymail.exceptions import AnymailConfigurationError
from django.conf import settings
from django.http import HttpResponseNotFound
from django.urls import URLPattern, include, path

from . import sms

logger = logging.getLogger(__name__)

app_name = "complaints_inbound"


def _shut_unless_configured(view):
    @wraps(view)  # keeps csrf_exempt and login_not_required, which anymail sets on its views
    def configured_view(request, *args, **kwargs):
        if not settings.ANYMAIL.get("WEBHOOK_SECRET"):
            logger.warning("Inbound email webhook %s refused: ANYMAIL_WEBHOOK_SECRET is not set", request.path)
            return HttpResponseNotFound("This site's inbound email is not configured.", content_type="text/plain")
        try:
            return view(request, *args, **kwargs)
        except AnymailConfigurationError as error:  # also AnymailImproperlyInstalled (a missing package)
            logger.warning("Inbound email webhook %s is not configured on this site: %s", request.path,
                           str(error).splitlines()[0])  # fmt: skip
            return HttpResponseNotFound("This ESP's inbound webhook is not configured here.", content_type="text/plain")

    return configured_view


inbound_email_patterns = [
    URLPattern(pattern.pattern, _shut_unless_configured(pattern.callback), pattern.default_args, pattern.name)
    for pattern in anymail_urls.urlpatterns
    if pattern.name.endswith("_inbound_webhook")
]

urlpatterns = [
    path("sms/", sms.sms_received, name="sms"),
    path("email/", include(inbound_email_patterns)),
]
