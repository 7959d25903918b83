"""The OpenAPI 3.0 description of /open311/v2/, served at openapi.json for app developers and API
fuzzers. It is built from the limits, formats and datatypes the endpoints themselves use
(renderers.FORMATS, parameters' page and list limits and date pattern, serializers' datatypes),
so a changed limit changes the document too; tests/fuzz/ checks that every route is described
and that the endpoints answer as described.

The JSON format is described field by field. The XML format is the same document in the spec's
XML mapping (renderers.py), described as XML text: OpenAPI cannot say more about it.
"""

from django.conf import settings

from . import parameters
from .auth import KEY_MAX_LENGTH
from .contacts import EMAIL_MAX_LENGTH
from .renderers import FORMATS
from .serializers import DATATYPES, SPECIFICATION

OPENAPI_VERSION = "3.0.3"
SERVER_PATH = "/open311/v2"

# Each named route of urls.py (but the catch-all) and the path that describes it.
ROUTE_PATHS = {
    "openapi": "/openapi.json",
    "discovery": "/discovery.{format}",
    "services": "/services.{format}",
    "service_definition": "/services/{service_code}.{format}",
    "requests": "/requests.{format}",
    "request": "/requests/{service_request_id}.{format}",
    "token": "/tokens/{token}.{format}",
}

JSON = "application/json"
XML = "text/xml"


def _ref(kind: str, name: str) -> dict:
    return {"$ref": f"#/components/{kind}/{name}"}


def _nullable(schema: dict) -> dict:
    return {**schema, "nullable": True}


def _query(name: str, schema: dict, description: str) -> dict:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


def _path(name: str, description: str) -> dict:
    # Any text but "/": what matches nothing is a 404 error document, not a routing failure.
    return {"name": name, "in": "path", "required": True, "schema": {"type": "string", "minLength": 1},
            "description": description}  # fmt: skip


def _document(schema_name: str) -> dict:
    """A 200 answer: the JSON document `schema_name`, or its XML rendering."""
    return {
        "description": "The document in the asked format.",
        "content": {
            JSON: {"schema": _ref("schemas", schema_name)},
            XML: {"schema": _ref("schemas", "XmlDocument")},
        },
    }


def _error(description: str) -> dict:
    return {
        "description": description,
        "content": {
            JSON: {"schema": _ref("schemas", "Errors")},
            XML: {"schema": _ref("schemas", "XmlDocument")},
        },
    }


COMMON_ERRORS = {
    "400": _error("The request cannot be fulfilled: a malformed parameter, a NUL character, or an unknown format "
                  "(then the error document is XML)."),
    "404": _error("No such resource, service, request, token or jurisdiction."),
}  # fmt: skip


def _parameters() -> dict:
    date_pattern = parameters._W3C_DATETIME.pattern
    return {
        "format": {
            "name": "format", "in": "path", "required": True,
            "schema": {"type": "string", "enum": sorted(FORMATS)},
            "description": "The response format; any other is refused with an XML error document.",
        },  # fmt: skip
        "jurisdiction_id": _query(
            "jurisdiction_id", {"type": "string"},
            f"May be left out; this endpoint serves only {settings.OPEN311_JURISDICTION_ID}.",
        ),  # fmt: skip
        "locale": _query("locale", {"type": "string"},
                         "The language of texts (GeoReport v2.1): ko (default) or en."),  # fmt: skip
        "lang": _query("lang", {"type": "string"}, "The same as locale."),
        "service_request_id": _query(
            "service_request_id", {"type": "string"},
            f"Comma-separated tracking numbers (at most {parameters.LIST_MAX}); overrides every other filter.",
        ),  # fmt: skip
        "service_code": _query(
            "service_code", {"type": "string"},
            f"Comma-separated service codes (at most {parameters.LIST_MAX}).",
        ),  # fmt: skip
        "start_date": _query(
            "start_date", {"type": "string", "pattern": date_pattern},
            "W3C date-time (without a zone: Seoul time) or date; the search spans at most 90 days.",
        ),  # fmt: skip
        "end_date": _query("end_date", {"type": "string", "pattern": date_pattern},
                           "W3C date-time or date; defaults to 90 days after start_date, or now."),  # fmt: skip
        "status": _query(
            "status", {"type": "string", "pattern": r"^\s*(open|closed)\s*(,\s*(open|closed)\s*)*$"},
            "open, closed, or both comma-separated.",
        ),  # fmt: skip
        "page": _query("page", {"type": "integer", "minimum": 1, "maximum": 1_000_000},
                       "The page of results (a Link header with rel=next points to the following one)."),  # fmt: skip
        "page_size": _query(
            "page_size", {"type": "integer", "minimum": 1, "maximum": parameters.PAGE_SIZE_MAX},
            f"Requests per page (default {parameters.PAGE_SIZE_DEFAULT}).",
        ),  # fmt: skip
    }


def _post_properties() -> dict:
    from .views import NAME_MAX_LENGTH  # views serves this document: imported late

    text = {"type": "string"}
    return {
        "api_key": {"type": "string", "maxLength": KEY_MAX_LENGTH,
                    "description": "The app's API key, issued by the Seoul Metropolitan Government."},  # fmt: skip
        "jurisdiction_id": text,
        "service_code": {"type": "string", "description": "A service_code from services.{format}."},
        "lat": {"type": "number", "minimum": -90, "maximum": 90,
                "description": "WGS84 latitude inside Seoul; sent with long."},  # fmt: skip
        "long": {"type": "number", "minimum": -180, "maximum": 180,
                 "description": "WGS84 longitude inside Seoul; sent with lat."},  # fmt: skip
        "address_string": text,
        "address_id": {"type": "string", "description": "Not used: send lat/long or address_string beside it."},
        "email": {"type": "string", "maxLength": EMAIL_MAX_LENGTH,
                  "description": "Told of progress by email when no phone is given."},  # fmt: skip
        "phone": {"type": "string", "description": "A Korean mobile number, told of progress by SMS."},
        "device_id": {"type": "string", "description": "Accepted, not kept."},
        "account_id": {"type": "string", "description": "Accepted, not kept."},
        "first_name": {"type": "string", "maxLength": NAME_MAX_LENGTH},
        "last_name": {"type": "string", "maxLength": NAME_MAX_LENGTH},
        "description": {"type": "string", "description": "What is wrong (required by most services)."},
        "media_url": {"type": "string", "description": "Accepted, never fetched."},
        "private": {"type": "string", "enum": ["true", "false", "1", "0"],
                    "description": "true keeps the request off the public list (an extension)."},  # fmt: skip
        "locale": text,
        "lang": text,
    }


def _post_body() -> dict:
    from .views import BODY_MAX_BYTES

    properties = _post_properties()
    # attribute[code] (and attribute[code][] for a multivaluelist) answer the service definition's
    # questions; their names depend on the service, so they are any further string field.
    form = {"type": "object", "required": ["api_key", "service_code"], "properties": properties,
            "additionalProperties": {"type": "string"}}  # fmt: skip
    multipart = {
        "type": "object", "required": ["api_key", "service_code"],
        "properties": {**properties,
                       "media": {"type": "array", "items": {"type": "string", "format": "binary"},
                                 "description": "Photos (an extension)."}},
        "additionalProperties": {"type": "string"},
    }  # fmt: skip
    return {
        "required": True,
        "description": ("The service request, form-encoded as the spec says; attribute[code]=value answers a "
                        f"question. At most {BODY_MAX_BYTES // (1024 * 1024)} MB."),  # fmt: skip
        "content": {"application/x-www-form-urlencoded": {"schema": form}, "multipart/form-data": {"schema": multipart}},
    }


def _schemas() -> dict:
    string, nullable_string = {"type": "string"}, {"type": "string", "nullable": True}
    moment = {"type": "string", "format": "date-time", "nullable": True}

    def record(properties: dict, required=None) -> dict:
        return {"type": "object", "required": list(required or properties), "properties": properties,
                "additionalProperties": False}  # fmt: skip

    return {
        "XmlDocument": {"type": "string", "description": "The same document as XML (UTF-8, with its declaration)."},
        "Error": record({"code": {"type": "integer", "enum": [400, 403, 404, 405, 413, 429]}, "description": string}),
        "Errors": {"type": "array", "minItems": 1, "items": _ref("schemas", "Error")},
        "Discovery": record({
            "changeset": string, "contact": string, "key_service": string,
            "endpoints": {"type": "array", "items": record({
                "specification": {"type": "string", "enum": [SPECIFICATION]}, "url": string, "changeset": string,
                "type": {"type": "string", "enum": ["production", "test"]},
                "formats": {"type": "array", "items": {"type": "string", "enum": [XML, JSON]}},
            })},
        }),  # fmt: skip
        "Service": record({
            "service_code": string, "service_name": string, "description": nullable_string,
            "metadata": {"type": "boolean"}, "type": {"type": "string", "enum": ["realtime", "batch", "blackbox"]},
            "keywords": nullable_string, "group": nullable_string,
        }),  # fmt: skip
        "Services": {"type": "array", "items": _ref("schemas", "Service")},
        "Attribute": record({
            "variable": {"type": "boolean"}, "code": string,
            "datatype": {"type": "string", "enum": sorted(set(DATATYPES.values()))},
            "required": {"type": "boolean"}, "datatype_description": nullable_string,
            "order": {"type": "integer", "minimum": 1}, "description": string,
            "values": {"type": "array", "items": record({"key": string, "name": string})},
        }),  # fmt: skip
        "ServiceDefinition": record({
            "service_code": string, "attributes": {"type": "array", "items": _ref("schemas", "Attribute")},
        }),  # fmt: skip
        "ServiceRequest": record({
            "service_request_id": string, "status": {"type": "string", "enum": ["open", "closed"]},
            "status_notes": nullable_string, "service_name": string, "service_code": string,
            "description": string, "agency_responsible": nullable_string, "service_notice": nullable_string,
            "requested_datetime": moment, "updated_datetime": moment, "expected_datetime": moment,
            "address": nullable_string, "address_id": nullable_string, "zipcode": nullable_string,
            "lat": {"type": "number", "nullable": True}, "long": {"type": "number", "nullable": True},
            "media_url": nullable_string,
        }),  # fmt: skip
        "ServiceRequests": {"type": "array", "items": _ref("schemas", "ServiceRequest")},
        "Created": {"type": "array", "minItems": 1, "maxItems": 1, "items": record({
            "service_request_id": string, "token": {"type": "string", "format": "uuid"},
            "service_notice": nullable_string, "account_id": nullable_string,
        })},  # fmt: skip
        "Token": {"type": "array", "minItems": 1, "maxItems": 1,
                  "items": record({"service_request_id": string, "token": {"type": "string", "format": "uuid"}})},
    }  # fmt: skip


def _get(operation_id: str, summary: str, schema_name: str, parameter_names, *, path_parameters=()) -> dict:
    return {
        "operationId": operation_id,
        "summary": summary,
        "parameters": [*path_parameters, _ref("parameters", "format"),
                       *(_ref("parameters", name) for name in ("jurisdiction_id", "locale", "lang", *parameter_names))],
        "responses": {"200": _document(schema_name), **COMMON_ERRORS},
    }  # fmt: skip


def document() -> dict:
    """The OpenAPI document of the Open311 endpoint (a fresh dict each call)."""
    search = ("service_request_id", "service_code", "start_date", "end_date", "status", "page", "page_size")
    post = {
        "operationId": "createServiceRequest",
        "summary": "File a service request (a complaint); needs an API key.",
        "parameters": [_ref("parameters", "format")],
        "requestBody": _post_body(),
        "responses": {
            "200": _document("Created"),
            **COMMON_ERRORS,
            "403": _error("api_key missing, unknown or revoked."),
            "413": _error("The request body is too large."),
            "429": _error("Too many posts from this api_key this minute (see Retry-After)."),
        },
    }
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "Seoul Open311 GeoReport v2",
            "version": settings.OPEN311_CHANGESET,
            "description": (
                f"Seoul's civil complaints as Open311 GeoReport v2 ({SPECIFICATION}). Reading needs no key; "
                "posting needs an api_key. Every refusal is the spec's error document with its HTTP status."
            ),
        },
        "servers": [{"url": SERVER_PATH}],
        "paths": {
            ROUTE_PATHS["openapi"]: {"get": {
                "operationId": "getOpenApi", "summary": "This document.",
                "responses": {"200": {"description": "OpenAPI 3.0", "content": {JSON: {"schema": {"type": "object"}}}}},
            }},  # fmt: skip
            ROUTE_PATHS["discovery"]: {"get": _get("getDiscovery", "The endpoint's description.", "Discovery", ())},
            ROUTE_PATHS["services"]: {"get": _get("getServices", "The active services (complaint categories).",
                                                  "Services", ())},  # fmt: skip
            ROUTE_PATHS["service_definition"]: {"get": _get(
                "getServiceDefinition", "A service's extra questions (its attributes).", "ServiceDefinition", (),
                path_parameters=[_path("service_code", "A service_code from services.{format}.")],
            )},  # fmt: skip
            ROUTE_PATHS["requests"]: {
                "get": _get("getServiceRequests", "Public service requests, newest first.", "ServiceRequests", search),
                "post": post,
            },
            ROUTE_PATHS["request"]: {"get": _get(
                "getServiceRequest", "One public service request.", "ServiceRequests", (),
                path_parameters=[_path("service_request_id", "A tracking number such as 2026-0001234.")],
            )},  # fmt: skip
            ROUTE_PATHS["token"]: {"get": _get(
                "getServiceRequestIdFromToken", "The service_request_id a POST's token stands for.", "Token", (),
                path_parameters=[_path("token", "The token a POST answered with.")],
            )},  # fmt: skip
        },
        "components": {"schemas": _schemas(), "parameters": _parameters()},
    }
