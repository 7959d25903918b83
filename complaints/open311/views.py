"""Open311 GeoReport v2 at /open311/v2/ (the spec: http://wiki.open311.org/GeoReport_v2).

    discovery.{xml,json}                 GET   the endpoint's description
    services.{fmt}                       GET   active categories as services
    services/<service_code>.{fmt}        GET   a service definition (its extra questions)
    requests.{fmt}                       GET   public complaints; POST files one (api_key)
    requests/<service_request_id>.{fmt}  GET   one public complaint
    tokens/<token>.{fmt}                 GET   the id a POST's token stands for
    openapi.json                         GET   the OpenAPI 3.0 description of all of these

Every refusal is the spec's error document in the asked format (XML when the format itself is
wrong) with its HTTP status. Texts are Korean unless the app asks for English (`locale`/`lang`
or Accept-Language). No session and no CSRF token: apps are not browsers; reads are open to any
origin.
"""

from functools import wraps

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import JsonResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from seoul_portal.images import IMAGE_MAX_BYTES
from seoul_portal.replica import reads_from_replica

from ..errors import ComplaintError
from ..models import PHOTOS_MAX
from . import openapi, parameters, selectors, serializers
from .auth import key_from, mark_used, take_post_slot
from .contacts import clean_email, clean_phone
from .errors import Open311Error, bad_request, not_found
from .renderers import FORMATS, render
from .services import Submission, open311_request_file

# A post carries text fields and at most PHOTOS_MAX photos: anything larger is refused unread.
BODY_MAX_BYTES = PHOTOS_MAX * IMAGE_MAX_BYTES + 1024 * 1024
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
NAME_MAX_LENGTH = 60

# What a ComplaintError's field is called among the parameters the app sent.
_PARAMETER_OF_FIELD = {
    "description": "description",
    "title": "description",
    "address": "address_string",
    "location": "lat/long",
    "photos": "media",
    "category": "service_code",
    "name": "first_name/last_name",
}


def error_response(error: Open311Error, fmt: str, language=None):
    return render("errors", error.document(), fmt, status=error.status, headers=error.headers, language=language)


def _format_of(path_format: str) -> str | None:
    fmt = (path_format or "").lower()
    return fmt if fmt in FORMATS else None


def _read_form(request):
    """The posted form, or the error document's reason for not reading it."""
    content_type = request.content_type or ""
    if content_type not in FORM_TYPES:
        raise bad_request(
            _("Send the parameters form-encoded (application/x-www-form-urlencoded or multipart/form-data), "
              "as the GeoReport v2 spec says, not as %(type)s.") % {"type": content_type[:80] or "nothing"}
        )  # fmt: skip
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    too_large = Open311Error(413, _("The request is too large: at most %(mb)d MB, photos included.")
                             % {"mb": BODY_MAX_BYTES // (1024 * 1024)})  # fmt: skip
    if length > BODY_MAX_BYTES:
        raise too_large
    try:
        request.POST  # noqa: B018 -- parse now, so that every failure is ours to answer
        request.FILES  # noqa: B018
    except RequestDataTooBig:
        raise too_large from None
    except (TooManyFieldsSent, TooManyFilesSent):
        raise bad_request(_("The request has too many parameters.")) from None
    except (MultiPartParserError, UnreadablePostError):
        raise bad_request(_("The request body could not be read as a form.")) from None


def _parameters(request):
    """The query string, with the posted form over it (some apps put api_key or jurisdiction_id in
    the URL of a POST)."""
    if request.method != "POST":
        return request.GET
    merged = request.GET.copy()
    for name, values in request.POST.lists():
        merged.setlist(name, values)
    return merged


def open311(*methods):
    """An Open311 resource: the format from the path, the allowed methods, the language, and every
    Open311Error or ComplaintError as an error document."""
    allowed = set(methods) | ({"HEAD"} if "GET" in methods else set())

    def decorate(view):
        # nosemgrep: csrf-exempt-outside-signed-webhooks -- the Open311 API authenticates by API key, never by a cookie
        @csrf_exempt
        @wraps(view)
        def endpoint(request, *args, format, **kwargs):
            fmt = _format_of(format)
            language = settings.LANGUAGE_CODE
            try:
                if fmt is None:
                    language = parameters.request_language(request) if request.method != "POST" else language
                    with translation.override(language):
                        raise bad_request(
                            _("Unknown format “%(format)s”: ask for .xml or .json.") % {"format": (format or "")[:20]}
                        )
                if request.method not in allowed:
                    with translation.override(language):
                        raise Open311Error(
                            405,
                            _("%(method)s is not allowed here; use %(allowed)s.")
                            % {"method": request.method[:10], "allowed": ", ".join(sorted(methods))},
                            headers={"Allow": ", ".join(sorted(allowed))},
                        )
                if request.method == "POST":
                    with translation.override(language):
                        _read_form(request)
                language = parameters.request_language(request)
                with translation.override(language):
                    params = _parameters(request)
                    parameters.refuse_nul(params, path_values=kwargs.values())
                    parameters.check_jurisdiction(params)
                    try:
                        response = view(request, params, fmt, *args, **kwargs)
                    except ComplaintError as error:
                        raise _as_open311(error) from None
            except Open311Error as error:
                with translation.override(language):
                    response = error_response(error, fmt or "xml")
            response["Content-Language"] = language
            if request.method in ("GET", "HEAD"):
                response["Access-Control-Allow-Origin"] = "*"
            return response

        return endpoint

    return decorate


def _as_open311(error: ComplaintError) -> Open311Error:
    status = {"forbidden": 403, "not_found": 404}.get(error.code, 400)
    field = error.field or ""
    parameter = _PARAMETER_OF_FIELD.get(field)
    if parameter is None and field.startswith("answer_"):
        parameter = f"attribute[{field.removeprefix('answer_')}]"
    description = f"{parameter}: {error.message}" if parameter else str(error.message)
    return Open311Error(status, description)


def _endpoint_url(request) -> str:
    discovery_path = reverse("open311:discovery", kwargs={"format": "xml"})
    return request.build_absolute_uri(discovery_path.rsplit("/", 1)[0])


@open311("GET")
def discovery(request, params, fmt):
    document = serializers.discovery(
        url=_endpoint_url(request),
        changeset=settings.OPEN311_CHANGESET,
        contact=_(
            "Seoul Metropolitan Government, Dasan Call Center: call 120 (from abroad +82-2-120). "
            "Complaints can also be filed on this portal's Complaints page."
        ),
        key_service=_(
            "Reading is open to everyone without a key. Posting service requests needs an API key, issued by "
            "the Seoul Metropolitan Government to registered apps: ask through the Dasan Call Center (120)."
        ),
    )
    return render("discovery", document, fmt)


@open311("GET")
@reads_from_replica
def services(request, params, fmt):
    return render("services", [serializers.service(category) for category in selectors.services_active()], fmt)


@open311("GET")
def service_definition(request, params, fmt, service_code):
    category = selectors.service_with_questions(service_code)
    if category is None:
        raise not_found(_("service_code “%(code)s” was not found.") % {"code": service_code[:60]})
    return render("service_definition", serializers.service_definition(category), fmt)


@open311("GET", "POST")
@reads_from_replica
def requests(request, params, fmt):
    if request.method == "POST":
        return _create(request, params, fmt)
    return _search(request, params, fmt)


def _search(request, params, fmt):
    ids = parameters.comma_list(params, "service_request_id")
    if ids:
        # The spec: service_request_id overrides all other arguments.
        found = selectors.requests_by_ids(ids)
        return render("service_requests", _documents(request, found), fmt)
    start, end = parameters.date_window(params, now=timezone.now())
    codes = parameters.comma_list(params, "service_code")
    statuses = parameters.statuses(params)
    page = parameters.page(params)
    rows = selectors.requests_page(
        start=start, end=end, service_codes=codes, statuses=statuses, offset=page.offset, limit=page.size + 1
    )
    headers = {}
    if len(rows) > page.size:
        rows = rows[: page.size]
        following = params.copy()
        following["page"] = str(page.number + 1)
        following["page_size"] = str(page.size)
        headers["Link"] = f'<{request.build_absolute_uri(request.path)}?{following.urlencode()}>; rel="next"'
    return render("service_requests", _documents(request, rows), fmt, headers=headers)


def _documents(request, complaints) -> list[dict]:
    return [serializers.service_request(complaint, absolute_url=request.build_absolute_uri) for complaint in complaints]


def _create(request, params, fmt):
    key = key_from(params)
    take_post_slot(key)
    submission = _submission(request, params)
    complaint = open311_request_file(key=key, submission=submission)
    mark_used(key)
    document = serializers.created(complaint, service_notice=submission.category.notice)
    return render("service_requests", [document], fmt)


def _submission(request, params) -> Submission:
    value = parameters.value
    code = value(params, "service_code")
    if not code:
        raise bad_request(_("service_code was not provided."))
    category = selectors.service_for_filing(code)
    if category is None:
        raise not_found(_("service_code “%(code)s” was not found.") % {"code": code[:60]})
    latitude, longitude = value(params, "lat"), value(params, "long")
    if bool(latitude) != bool(longitude):
        raise bad_request(_("lat and long must be sent together."))
    address = value(params, "address_string")
    if value(params, "address_id") and not (latitude or address):
        raise bad_request(
            _("address_id cannot be used here (Seoul has no address repository behind this API): "
              "send lat and long, or address_string.")
        )  # fmt: skip
    name = " ".join(part for part in (value(params, "first_name"), value(params, "last_name")) if part)
    if len(name) > NAME_MAX_LENGTH:
        raise bad_request(_("first_name and last_name together may be at most %(max)d characters.")
                          % {"max": NAME_MAX_LENGTH})  # fmt: skip
    private = value(params, "private").lower()
    if private not in ("", "true", "false", "1", "0"):
        raise bad_request(_("private must be true or false."))
    return Submission(
        category=category,
        description=params.get("description") or "",
        latitude=latitude,
        longitude=longitude,
        address=address,
        answers=parameters.attributes(params),
        phone=clean_phone(value(params, "phone")),
        email=clean_email(value(params, "email")),
        name=name,
        language=translation.get_language() or settings.LANGUAGE_CODE,
        media=request.FILES.getlist("media"),
        is_public=private not in ("true", "1"),
    )


@open311("GET")
def request_detail(request, params, fmt, service_request_id):
    complaint = selectors.public_request(service_request_id)
    if complaint is None:
        raise not_found(_("service_request_id “%(id)s” was not found.") % {"id": service_request_id[:40]})
    return render("service_requests", _documents(request, [complaint]), fmt)


@open311("GET")
def token(request, params, fmt, token):
    complaint = selectors.request_by_token(token)
    if complaint is None:
        raise not_found(_("token “%(token)s” was not found.") % {"token": token[:60]})
    return render("service_requests", [serializers.token(complaint)], fmt)


@require_safe
def openapi_document(request):
    """The OpenAPI description of these endpoints (openapi.py), open to any origin like the reads."""
    response = JsonResponse(openapi.document(), json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    return response


# nosemgrep: csrf-exempt-outside-signed-webhooks -- the Open311 API authenticates by API key, never by a cookie
@csrf_exempt
def unknown(request, path=""):
    """Anything else under /open311/v2/: a 404 error document (JSON if the path ends in .json)."""
    fmt = "json" if request.path.lower().endswith(".json") else "xml"
    language = parameters.request_language(request) if request.method != "POST" else settings.LANGUAGE_CODE
    with translation.override(language):
        error = not_found(_("There is no such Open311 resource. The endpoints are listed in discovery.xml."))
        response = error_response(error, fmt)
    response["Content-Language"] = language
    return response
