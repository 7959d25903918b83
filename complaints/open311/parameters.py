"""Reading the query string and the form an Open311 app sends: every malformed value becomes a 400
error document with the parameter's name, never an exception further down.

The spec's "optional" rule holds throughout: a parameter sent empty is a parameter not sent.
"""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import get_supported_language_variant
from django.utils.translation import gettext as _
from django.utils.translation.trans_real import parse_accept_lang_header

from .errors import bad_request, not_found

# The spec: a search may not span more than 90 days, and defaults to the most recent 90.
WINDOW = timedelta(days=90)
# Paging (our extension; the spec caps a response at the first 1000 requests).
PAGE_SIZE_DEFAULT = 200
PAGE_SIZE_MAX = 1000
# At most this many ids in one `service_request_id` or `service_code` list.
LIST_MAX = 1000

# The W3C profile of ISO 8601 the spec names: a date, or a date and time with an optional zone.
_W3C_DATETIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}"
    r"([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|z|[+-]\d{2}:?\d{2})?)?$"
)
# "…T00:00:00+09:00" sent unencoded in a query string arrives as "…T00:00:00 09:00".
_PLUS_LOST = re.compile(r"^(.*T\d{2}:\d{2}(:\d{2}(\.\d+)?)?) (\d{2}:?\d{2})$")
_ATTRIBUTE = re.compile(r"^attribute\[([^\[\]]+)\](\[\])?$")


def value(params, name) -> str:
    """The parameter stripped, "" when missing or empty."""
    return (params.get(name) or "").strip()


def refuse_nul(params, *, path_values=()):
    """A NUL character cannot be stored or searched for (PostgreSQL refuses it in text), in the
    parameters or in the path (a service code, an id, a token)."""
    texts = [str(item) for item in path_values]
    for name, values in params.lists():
        texts.append(name)
        texts.extend(str(item) for item in values)
    if any("\x00" in text for text in texts):
        raise bad_request(_("The request contains a NUL character, which no parameter may contain."))


def request_language(request) -> str:
    """Korean unless the app asks for English: `locale` (GeoReport v2.1) or `lang` in the query
    or the form, then the Accept-Language header."""
    for source in (request.GET, request.POST if request.method == "POST" else {}):
        for name in ("locale", "lang"):
            asked = value(source, name)
            if asked:
                try:
                    return get_supported_language_variant(asked.replace("_", "-").lower())
                except LookupError:
                    pass
    for code, _quality in parse_accept_lang_header(request.headers.get("Accept-Language", "")):
        if code == "*":
            break
        try:
            return get_supported_language_variant(code)
        except LookupError:
            continue
    return settings.LANGUAGE_CODE


def check_jurisdiction(params):
    """One endpoint serves one jurisdiction (Seoul): jurisdiction_id may be left out; another
    one is not found."""
    asked = value(params, "jurisdiction_id").lower().removeprefix("www.")
    if asked and asked != jurisdiction_id().lower().removeprefix("www."):
        raise not_found(
            _("jurisdiction_id “%(asked)s” was not found: this endpoint serves “%(ours)s”.")
            % {"asked": value(params, "jurisdiction_id")[:100], "ours": jurisdiction_id()}
        )


def jurisdiction_id() -> str:
    return settings.OPEN311_JURISDICTION_ID


def parse_datetime(name: str, raw: str) -> datetime | None:
    """A W3C date-time (a zone offset or Z; without one, Seoul time) or a date (midnight in Seoul)."""
    raw = (raw or "").strip()
    if not raw:
        return None
    lost = _PLUS_LOST.match(raw)
    if lost:
        raw = f"{lost.group(1)}+{lost.group(4)}"
    if not _W3C_DATETIME.match(raw):
        raise bad_request(
            _("%(name)s must be a W3C date-time such as 2026-01-01T00:00:00+09:00 or 2026-01-01T00:00:00Z.")
            % {"name": name}
        )
    try:
        moment = datetime.fromisoformat(raw.replace(" ", "T", 1).upper())
    except ValueError:
        raise bad_request(_("%(name)s is not a valid date or time.") % {"name": name}) from None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_default_timezone())
    # Far outside the portal's life a date can overflow when converted to UTC (year 1 at +09:00).
    if not 1970 <= moment.year <= 2999:
        raise bad_request(_("start_date or end_date is out of range."))
    return moment


def date_window(params, *, now) -> tuple[datetime, datetime]:
    """The requested_datetime range searched: the most recent 90 days by default; one end given,
    the other 90 days from it; both given, at most 90 days apart."""
    start = parse_datetime("start_date", value(params, "start_date"))
    end = parse_datetime("end_date", value(params, "end_date"))
    try:
        if start is None and end is None:
            end = now
            start = end - WINDOW
        elif start is None:
            start = end - WINDOW
        elif end is None:
            end = start + WINDOW
    except OverflowError:
        raise bad_request(_("start_date or end_date is out of range.")) from None
    if start > end:
        raise bad_request(_("start_date must be before end_date."))
    if end - start > WINDOW:
        raise bad_request(_("start_date and end_date may not be more than 90 days apart."))
    return start, end


def comma_list(params, name) -> list[str]:
    """`a,b,c`, or the parameter repeated; duplicates and empty items dropped, order kept."""
    items = []
    for raw in params.getlist(name):
        for item in raw.split(","):
            item = item.strip()
            if item and item not in items:
                items.append(item)
    if len(items) > LIST_MAX:
        raise bad_request(_("%(name)s may list at most %(max)d values.") % {"name": name, "max": LIST_MAX})
    return items


def statuses(params) -> set[str]:
    asked = {item.lower() for item in comma_list(params, "status")}
    unknown = asked - {"open", "closed"}
    if unknown:
        raise bad_request(
            _("status must be open, closed or both (comma-separated), not “%(value)s”.")
            % {"value": ", ".join(sorted(unknown))[:100]}
        )
    return asked


@dataclass(frozen=True)
class Page:
    number: int
    size: int

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size


def page(params) -> Page:
    number = _positive_int(params, "page", default=1, maximum=1_000_000)
    size = _positive_int(params, "page_size", default=PAGE_SIZE_DEFAULT, maximum=PAGE_SIZE_MAX)
    return Page(number, size)


def _positive_int(params, name, *, default, maximum) -> int:
    raw = value(params, name)
    if not raw:
        return default
    if not raw.isascii() or not raw.isdigit() or int(raw) < 1:
        raise bad_request(_("%(name)s must be a whole number of 1 or more.") % {"name": name})
    if int(raw) > maximum:
        raise bad_request(_("%(name)s may be at most %(max)d.") % {"name": name, "max": maximum})
    return int(raw)


def attributes(params) -> dict:
    """`attribute[code]=v` and `attribute[code][]=v1&attribute[code][]=v2` (a multivaluelist) as
    {code: "v"} or {code: ["v1", "v2"]}."""
    answers: dict = {}
    for name, values in params.lists():
        match = _ATTRIBUTE.match(name)
        if not match:
            continue
        code, is_list = match.group(1).strip(), bool(match.group(2))
        values = [item for item in values if item.strip()]
        if not values:
            continue
        if is_list or len(values) > 1 or code in answers:
            previous = answers.get(code, [])
            previous = previous if isinstance(previous, list) else [previous]
            answers[code] = previous + values
        else:
            answers[code] = values[0]
    return answers
