"""Cross-site scripting payloads, each able to say where it was rendered and whether it ran.

A payload is a template with a `{m}` slot for a marker: `Payload.text(slot)` gives the string to store
in one field, with a marker (`xq07z012`: payload 7, slot 12) that is plain letters and digits, so
escaping leaves it as it is and a test can find it in any output. A payload that runs calls
`__xss(marker)`, which the browser tests define before any page script (tests/e2e); a payload in
the HTML as markup shows up in the checks of `findings()`, run on the parsed page.

The corpus covers the ways text has got out of its context on real sites: tags in text, attribute
breakouts, event handlers, javascript:/data: URLs, SVG and MathML, raw-text elements closed early
(</textarea>, </title>, </script>, </style>), comments, template and client-side template
expressions, htmx attributes (the site runs htmx: an hx-* attribute that reached the page would be
live), CSS, markdown links, and encodings (entities, percent, backslash and full-width escapes).
"""

import json
import re
from dataclasses import dataclass

from .markup import parse


@dataclass(frozen=True)
class Payload:
    number: int
    template: str
    what: str

    def marker(self, slot: int) -> str:
        return f"xq{self.number:02d}z{slot:03d}"

    def text(self, slot: int) -> str:
        return self.template.replace("{m}", self.marker(slot))


_CORPUS = [
    ("<script>__xss('{m}')</script>", "script element"),
    ("<ScRiPt>__xss('{m}')</sCrIpT>", "script element, mixed case"),
    ("<script src=\"data:text/javascript,__xss('{m}')\"></script>", "script from a data: URL"),
    ("<img src=x onerror=__xss('{m}')>", "event handler on a broken image"),
    ("<img src=x onerror=&#95;&#95;xss('{m}')>", "event handler with entity-encoded name"),
    ("<svg onload=__xss('{m}')>", "SVG onload"),
    ("<svg><script>__xss('{m}')</script></svg>", "script inside SVG"),
    ("<math><mtext><table><mglyph><style><img src=x onerror=__xss('{m}')>", "MathML namespace confusion"),
    ("\"><img src=x onerror=__xss('{m}')>", "double-quoted attribute breakout"),
    ("'><img src=x onerror=__xss('{m}')>", "single-quoted attribute breakout"),
    ("\" autofocus onfocus=\"__xss('{m}')", "attribute injection, double quotes"),
    ("' autofocus onfocus='__xss(`{m}`)", "attribute injection, single quotes"),
    ("javascript:__xss('{m}')", "javascript: URL"),
    ("JaVaScRiPt:__xss('{m}')", "javascript: URL, mixed case"),
    ("\tjava\nscript:__xss('{m}')", "javascript: URL split by whitespace"),
    ("&#106;avascript:__xss('{m}')", "javascript: URL, entity-encoded"),
    ("data:text/html,<script>__xss('{m}')</script>", "data: URL with a document"),
    ("</textarea><script>__xss('{m}')</script>", "textarea closed early"),
    ("</title><script>__xss('{m}')</script>", "title closed early"),
    ("</script><script>__xss('{m}')</script>", "script block closed early (JSON in a page)"),
    ("</style><script>__xss('{m}')</script>", "style block closed early"),
    ("<!--<img src=\"--><img src=x onerror=__xss('{m}')>\">", "comment breakout"),
    ("<noscript><p title=\"</noscript><img src=x onerror=__xss('{m}')>\">", "noscript mutation"),
    ("{m}{{7*7}}{% now 'Y' %}", "server-side template injection"),
    ("{{constructor.constructor('__xss(\"{m}\")')()}}", "client-side template injection"),
    ("${__xss('{m}')}", "JavaScript template literal"),
    ("';__xss('{m}');//", "JavaScript string breakout, single quotes"),
    ("\";__xss('{m}');//\u2028", "JavaScript string breakout, double quotes and a line separator"),
    ("<a hx-get=\"/{m}/\" hx-trigger=\"load\" hx-target=\"body\">{m}</a>", "htmx request on load"),
    ("<div hx-on:htmx:load=\"__xss('{m}')\">{m}</div>", "htmx inline handler"),
    ("<iframe src=\"javascript:__xss('{m}')\"></iframe>", "iframe with a javascript: URL"),
    ("<iframe srcdoc=\"<script>parent.__xss('{m}')</script>\"></iframe>", "iframe srcdoc"),
    ("<object data=\"javascript:__xss('{m}')\"></object>", "object with a javascript: URL"),
    ("<form action=\"javascript:__xss('{m}')\"><button>{m}</button></form>", "form action"),
    ("<details open ontoggle=__xss('{m}')>", "details ontoggle"),
    ("<base href=\"//evil.example/{m}/\">", "base URL hijack"),
    ("<meta http-equiv=\"refresh\" content=\"0;url=javascript:__xss('{m}')\">", "meta refresh"),
    ("<div style=\"width:expression(__xss('{m}'))\">{m}</div>", "CSS expression"),
    ("<style>@import 'https://evil.example/{m}.css';</style>", "style element"),
    ("[{m}](javascript:__xss('{m}'))", "markdown link"),
    ("![{m}](x\" onerror=\"__xss('{m}'))", "markdown image breakout"),
    ("\\u003cscript\\u003e__xss('{m}')\\u003c/script\\u003e", "JSON unicode escapes"),
    ("%3Cscript%3E__xss('{m}')%3C/script%3E", "percent-encoded tags"),
    ("\uff1cscript\uff1e__xss('{m}')\uff1c/script\uff1e", "full-width angle brackets"),
    ("<scr<script>ipt>__xss('{m}')</scr</script>ipt>", "nested tags against naive filters"),
    ("<a href=\"https://example.org/\" onmouseover=\"__xss('{m}')\">{m}</a>", "link with a handler"),
    ("=HYPERLINK(\"https://evil.example/{m}\",\"{m}\")", "spreadsheet formula"),
]

PAYLOADS = [Payload(number, template, what) for number, (template, what) in enumerate(_CORPUS, start=1)]

MARKER_RE = re.compile(r"xq\d\dz\d\d\d")

# Characters that take text out of its HTML context: escaped text never shows them.
BREAKOUT = set("<>\"'")

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "poster", "background", "xlink:href", "srcset",
                  "ping", "cite"}
LIVE_TAGS = {"script", "style", "iframe", "frame", "object", "embed", "base", "applet"}
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json", "application/geo+json"}


def _scheme(value: str) -> str:
    # Browsers drop ASCII whitespace and control characters inside a URL's scheme.
    cleaned = "".join(char for char in value if ord(char) > 32).lower()
    return cleaned.split(":", 1)[0] if ":" in cleaned else ""


def html_findings(content, texts: dict[str, str]) -> list[str]:
    """Where a stored payload escaped its text context in an HTML page: one line per finding.

    `texts` maps each marker to the text stored with it. Text that was escaped reaches the parsed
    page as text or as the value of an inert attribute (value, title, alt...): anything else is a
    finding, and so is the stored text showing verbatim in the raw HTML when it holds a character
    that escaping rewrites."""
    raw = content.decode() if isinstance(content, bytes) else content
    present = {marker for marker in MARKER_RE.findall(raw) if marker in texts}
    if not present:
        return []
    found = []
    for marker in sorted(present):
        text = texts[marker]
        if BREAKOUT & set(text) and text in raw:
            found.append(f"{marker}: stored text verbatim in the HTML: {text!r}")
        if f"{marker}49" in raw:
            found.append(f"{marker}: the text was rendered as a template")
    for element in parse(raw).iter():
        found.extend(_element_findings(element, present))
    return found


def _element_findings(element, markers):
    found = []

    def hit(value):
        return [marker for marker in markers if marker in value]

    for marker in hit(element.tag):
        found.append(f"{marker}: element <{element.tag}> made from the text")
    for name, value in element.attrs.items():
        value = value or ""
        for marker in hit(name):
            found.append(f"{marker}: attribute {name!r} made from the text on <{element.tag}>")
        markers_in_value = hit(value)
        if not markers_in_value:
            continue
        live = (
            name.startswith("on") or name.startswith("hx-") or name.startswith("data-hx-") or name == "style"
            or name == "srcdoc" or element.tag in LIVE_TAGS or (element.tag == "meta" and "http-equiv" in element.attrs)
            or (name in URL_ATTRIBUTES and _scheme(value) in {"javascript", "data", "vbscript"})
        )
        if live:
            found.extend(f"{marker}: live attribute {name}={value!r} on <{element.tag}>" for marker in markers_in_value)
    if element.tag in {"script", "style"}:
        body = "".join(element.text_parts)
        markers_in_body = hit(body)
        if markers_in_body and element.tag == "script" and (element.get("type") or "").lower() in DATA_SCRIPT_TYPES:
            try:
                json.loads(body)
            except ValueError:
                found.extend(f"{marker}: JSON in <script> broken by the text" for marker in markers_in_body)
        elif markers_in_body:
            found.extend(f"{marker}: text inside a live <{element.tag}>" for marker in markers_in_body)
    return found


def strings_in(value):
    """Every string in a decoded JSON document (keys and values)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from strings_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings_in(item)
