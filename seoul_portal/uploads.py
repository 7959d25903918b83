"""Serving uploaded files: the host their links point to, and the headers they go out with.

Uploads are taken in by seoul_portal/images.py (checked by content, re-encoded, random names) and
served only by views that first check who may see them (proposals:image, complaints:photo, ...),
each marked with @serves_user_file and answering through stored_file_response().

Without settings.MEDIA_HOST (the embedded setup) those views answer on the site's own host with
the visitor's session. With it (production: a domain of its own, routed to the same web service),
every file link the site renders is built by file_link() on that host, with a signature of its
path and time: the page that made the link has checked who may see the file, and the media host,
which receives none of the site's cookies, takes the signature in place of the session. That
host answers nothing but these views (MediaHostMiddleware), so a file there can never reach the
site's pages or cookies, and every file carries `Content-Disposition`, `nosniff` and a CSP that
lets it load nothing and run nothing.
"""

import time
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.signing import Signer
from django.http import FileResponse, Http404, HttpResponseNotFound
from django.urls import reverse
from django.utils.crypto import constant_time_compare

from .images import image_content_type

_SALT = "seoul_portal.uploads.file_link"
# What a stored file may do once a browser has it: load nothing, run nothing (even opened on its
# own, as a document).
FILE_CSP = "default-src 'none'; sandbox"


def on_media_host(request) -> bool:
    host = settings.MEDIA_HOST
    return bool(host) and request.get_host().lower() == host.split("://", 1)[-1].split("/", 1)[0].lower()


def _signature(path: str, stamp: int) -> str:
    return Signer(salt=_SALT).signature(f"{stamp}:{path}")


def file_link(viewname, *args) -> str:
    """The link to an uploaded file's view: a path on the site itself, or a signed address on
    settings.MEDIA_HOST. Only call it where the viewer has been allowed to see the file."""
    path = reverse(viewname, args=args)
    if not settings.MEDIA_HOST:
        return path
    # Links made in the same window are the same, so that browsers and caches keep the file; the
    # window is half the lifetime, so that a link is good for at least that long once made.
    window = max(settings.MEDIA_LINK_MAX_AGE // 2, 1)
    stamp = int(time.time()) // window * window
    return f"{settings.MEDIA_HOST}{path}?{urlencode({'t': stamp, 's': _signature(path, stamp)})}"


def has_file_grant(request) -> bool:
    """Whether the request carries a valid, unexpired signature of its path (made by file_link)."""
    stamp, signature = request.GET.get("t", ""), request.GET.get("s", "")
    if not stamp.isdigit() or not signature or not settings.MEDIA_HOST:
        return False
    if not 0 <= time.time() - int(stamp) <= settings.MEDIA_LINK_MAX_AGE:
        return False
    return constant_time_compare(signature, _signature(request.path, int(stamp)))


def serves_user_file(view):
    """Marks a view that answers with an uploaded file. `request.file_grant` tells it whether the
    link was signed by the site (then the check of who may see the file was made when the link
    was; on the media host it is the only check possible, the site's session not being there)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        request.file_grant = has_file_grant(request)
        if on_media_host(request) and not request.file_grant:
            return _not_found()
        return view(request, *args, **kwargs)

    wrapper.serves_user_file = True
    return wrapper


class MediaHostMiddleware:
    """On settings.MEDIA_HOST, only the views that serve uploaded files answer: none of the site's
    pages, forms or sign-in can be reached from the origin that holds the citizens' files."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if on_media_host(request) and not getattr(view_func, "serves_user_file", False):
            return _not_found()
        return None


def _not_found():
    # The media host shows no page of the site, not even its 404 page.
    return HttpResponseNotFound(b"Not found", content_type="text/plain; charset=utf-8")


def stored_file_response(stored, *, folder: str, public: bool) -> FileResponse:
    """The response of a stored upload (a FieldFile), with the headers every user file carries.

    Only files prepare_image() named (a random name with a picture's extension) under `folder`
    are served. They go out `inline` (they are pictures the pages show; re-encoded, so pixels
    only) under their generated name, as the content type their extension says, with `nosniff`
    so that no browser guesses another, and a CSP that sandboxes them should one be opened as a
    document."""
    name = (stored.name if stored else "") or ""
    content_type = image_content_type(name)
    # The name comes from the database, never from the request; still, only files in the folder
    # they were stored in, as prepare_image named them.
    if not content_type or not name.startswith(folder) or ".." in name.split("/") or "\\" in name:
        raise Http404("no such file")
    try:
        handle = stored.storage.open(name, "rb")
    except (OSError, SuspiciousFileOperation):
        raise Http404("no such file") from None
    response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="{name.rsplit("/", 1)[-1]}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_CSP
    # The pages that show the file are on the site's own origin, the file perhaps on the media host.
    response["Cross-Origin-Resource-Policy"] = "cross-origin" if settings.MEDIA_HOST else "same-origin"
    response["Cache-Control"] = "public, max-age=3600" if public else "private, no-cache"
    return response
