"""Every URL of the project, with its path parameters filled in with sample values.

Walks get_resolver().url_patterns recursively, so URLs added by any app are covered as soon as
they exist. Route converters get int → 1, str/slug/path → "x", uuid → a fixed UUID, any other
converter a string matching its regex; regex patterns (re_path) get a string built from the regex.
Patterns under i18n_patterns come once per language (Korean without a prefix, others with one).
"""

import re
import re._constants as sre_constants
import re._parser as sre_parse

from django.conf import settings
from django.urls import URLResolver, get_resolver
from django.urls.converters import IntConverter, PathConverter, SlugConverter, StringConverter, UUIDConverter
from django.urls.resolvers import LocalePrefixPattern, RegexPattern, RoutePattern

ROUTE_PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<parameter>[^>]+)>")
SAMPLE_UUID = "00000000-0000-4000-8000-000000000001"


def sample_from_regex(regex):
    """A short string the regex matches (first alternative, one repetition, "1" for a digit)."""
    return _emit(sre_parse.parse(regex))


def _emit(parsed):
    out = []
    for op, av in parsed:
        if op is sre_constants.LITERAL:
            out.append(chr(av))
        elif op is sre_constants.NOT_LITERAL:
            out.append("y" if chr(av) == "x" else "x")
        elif op is sre_constants.ANY:
            out.append("x")
        elif op is sre_constants.IN:
            out.append(_one_of(av))
        elif op is sre_constants.BRANCH:
            out.append(_emit(av[1][0]))
        elif op is sre_constants.SUBPATTERN:
            out.append(_emit(av[-1]))
        elif op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT, sre_constants.POSSESSIVE_REPEAT):
            low, _high, item = av
            out.append(_emit(item) * max(low, 1))
        elif op in (sre_constants.AT, sre_constants.ASSERT, sre_constants.ASSERT_NOT):
            continue
        else:
            raise ValueError(f"cannot sample regex element {op}")
    return "".join(out)


def _one_of(items):
    negated = items and items[0][0] is sre_constants.NEGATE
    if negated:
        excluded = {chr(av) for op, av in items if op is sre_constants.LITERAL}
        return next(char for char in "x1y-" if char not in excluded)
    for op, av in items:
        if op is sre_constants.LITERAL:
            return chr(av)
        if op is sre_constants.RANGE:
            low, high = av
            return "x" if low <= ord("x") <= high else ("1" if low <= ord("1") <= high else chr(low))
        if op is sre_constants.CATEGORY:
            return "1" if av is sre_constants.CATEGORY_DIGIT else ("x" if av is sre_constants.CATEGORY_WORD else " ")
    raise ValueError(f"cannot sample character set {items}")


def sample_converter(converter):
    if isinstance(converter, IntConverter):
        return "1"
    if isinstance(converter, UUIDConverter):
        return SAMPLE_UUID
    if isinstance(converter, StringConverter | SlugConverter | PathConverter):
        return "x"
    return sample_from_regex(converter.regex)


def sample_pattern(pattern):
    if isinstance(pattern, RoutePattern):
        route = str(pattern)
        return ROUTE_PARAMETER.sub(lambda match: sample_converter(pattern.converters[match["parameter"]]), route)
    if isinstance(pattern, RegexPattern):
        return sample_from_regex(pattern.regex.pattern)
    raise TypeError(f"unknown URL pattern type {type(pattern).__name__}: {pattern}")


def _language_prefixes(pattern):
    prefixes = []
    for code, _name in settings.LANGUAGES:
        if code == settings.LANGUAGE_CODE and not pattern.prefix_default_language:
            prefixes.append((code, ""))
        else:
            prefixes.append((code, f"{code}/"))
    return prefixes


def walk(patterns=None, prefix="", language=None):
    """Yield (language or None, "/sample/path/", name) for every URL pattern."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for entry in patterns:
        if isinstance(entry, URLResolver):
            if isinstance(entry.pattern, LocalePrefixPattern):
                for code, language_prefix in _language_prefixes(entry.pattern):
                    yield from walk(entry.url_patterns, prefix + language_prefix, code)
            else:
                yield from walk(entry.url_patterns, prefix + sample_pattern(entry.pattern), language)
        else:
            yield language, "/" + prefix + sample_pattern(entry.pattern), entry.name


def all_urls():
    seen = set()
    urls = []
    for language, path, name in walk():
        if path not in seen:
            seen.add(path)
            urls.append((language, path, name))
    return urls
