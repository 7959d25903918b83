from csp.middleware import CSPMiddleware
from django.conf import settings


def client_ip(meta, trusted_proxy_count):
    """The address of the client, as seen by the outermost proxy we trust.

    Each trusted proxy appends the address it received the request from to X-Forwarded-For,
    so the client is the entry `trusted_proxy_count` places from the right. Anything further left
    was written by the client and could be forged.
    """
    remote = meta.get("REMOTE_ADDR", "")
    if trusted_proxy_count <= 0:
        return remote
    hops = [hop.strip() for hop in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if len(hops) < trusted_proxy_count:
        # Fewer hops than proxies: the request did not come through all of them, so no entry
        # can be trusted.
        return remote
    return hops[-trusted_proxy_count]


class ClientIPMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.client_ip = client_ip(request.META, settings.TRUSTED_PROXY_COUNT)
        return self.get_response(request)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, without the header on redirects: a browser renders no document
    from a 3xx response, so a policy there protects nothing, and building one (twice: the policy
    and its report-only twin) is work on every form's Post/Redirect/Get."""

    def process_response(self, request, response):
        if 300 <= response.status_code < 400:
            return response
        return super().process_response(request, response)
