"""One document, two formats: XML (the spec's required one) and JSON (its "Spark convention"
mapping of the XML: the root element is dropped and a repeated element becomes an array).

    <service_requests><request>…</request></service_requests>   ⇄   [{…}]
    <attributes><attribute>…</attribute></attributes>           ⇄   "attributes": [{…}]

XML: UTF-8 with the declaration, no namespace, an empty element for a missing value, "true"/"false"
for booleans. JSON: UTF-8 (not \\u-escaped), null for a missing value.
"""

import json
import re
from xml.etree import ElementTree

from django.http import HttpResponse

FORMATS = {"xml": "text/xml; charset=utf-8", "json": "application/json; charset=utf-8"}

# The element each item of a repeated element is called in XML.
ITEM_NAMES = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
}

# Characters XML 1.0 cannot carry at all (control characters, lone surrogates, U+FFFE/U+FFFF):
# a description pasted with one of them must not make the whole document unreadable.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("", str(value))


def _fill(element, value, name):
    if isinstance(value, dict):
        for key, child in value.items():
            _fill(ElementTree.SubElement(element, key), child, key)
    elif isinstance(value, (list, tuple)):
        item_name = ITEM_NAMES[name]
        for item in value:
            _fill(ElementTree.SubElement(element, item_name), item, item_name)
    else:
        element.text = _text(value)


def to_xml(root: str, data) -> bytes:
    element = ElementTree.Element(root)
    _fill(element, data, root)
    body = ElementTree.tostring(element, encoding="unicode", short_empty_elements=True)
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + body).encode("utf-8")


def to_json(data) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def render(root: str, data, fmt: str, *, status: int = 200, headers=None, language=None) -> HttpResponse:
    """The document `data` (whose XML root element is `root`) as an HTTP response in `fmt`."""
    body = to_xml(root, data) if fmt == "xml" else to_json(data)
    response = HttpResponse(body, status=status, content_type=FORMATS[fmt])
    for name, value in (headers or {}).items():
        response[name] = value
    if language:
        response["Content-Language"] = language
    return response
