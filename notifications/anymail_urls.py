"""The ESPs' tracking webhooks (anymail's views), mounted at /anymail/ by seoul_portal/urls.py.

Anymail's own urls.py would also route the inbound-mail webhooks (the portal receives no mail),
and its views check their ESP's settings on every request, so an ESP not set up here answers a
GET with a 500. Here each view is wrapped: an ESP without its settings (or its package) answers
404 and logs a warning — loud enough to find a production ESP whose webhook key is missing.
"""

import logging
from functools import wraps

from anymail import urls as anymail_urls
from anymail.exceptions import AnymailConfigurationError
from django.conf import settings
from django.http import HttpResponseNotFound
from django.urls import URLPattern

logger = logging.getLogger(__name__)

app_name = "anymail"


def _not_found_unless_configured(view):
    @wraps(view)  # keeps csrf_exempt and login_not_required, which anymail sets on its views
    def configured_view(request, *args, **kwargs):
        if not settings.ANYMAIL.get("WEBHOOK_SECRET"):
            # Without a shared secret anyone could post delivery events: the webhook stays shut.
            logger.warning("Anymail webhook %s refused: ANYMAIL_WEBHOOK_SECRET is not set", request.path)
            return HttpResponseNotFound("This site's ESP webhooks are not configured.", content_type="text/plain")
        try:
            return view(request, *args, **kwargs)
        except AnymailConfigurationError as error:  # also AnymailImproperlyInstalled (a missing package)
            logger.warning("Anymail webhook %s is not configured on this site: %s", request.path,
                           str(error).splitlines()[0])
            return HttpResponseNotFound("This ESP's webhook is not configured here.", content_type="text/plain")

    return configured_view


urlpatterns = [
    URLPattern(pattern.pattern, _not_found_unless_configured(pattern.callback), pattern.default_args, pattern.name)
    for pattern in anymail_urls.urlpatterns
    if not pattern.name.endswith("_inbound_webhook")
]
