"""The Content-Security-Policy: strict, with a per-response nonce that the page's scripts carry."""

import re

import pytest
from django.urls import reverse

from seoul_portal.channels import CHANNELS

from .markup import parse

pytestmark = pytest.mark.django_db

PAGES = ["/", "/en/", "/privacy/", "/en/privacy/", *(reverse(channel.url_name) for channel in CHANNELS)]


def directives(header):
    return {name: values for name, *values in (part.split() for part in header.split(";") if part.strip())}


@pytest.mark.parametrize("url", PAGES)
def test_every_script_and_style_carries_the_nonce_of_the_header(client, url):
    response = client.get(url)
    policy = directives(response["Content-Security-Policy"])
    nonces = {value for value in policy["script-src"] if value.startswith("'nonce-")}
    assert len(nonces) == 1, policy["script-src"]
    nonce = nonces.pop()[len("'nonce-"):-1]
    assert f"'nonce-{nonce}'" in policy["style-src"]

    page = parse(response.content)
    scripts = page.find_all("script")
    assert scripts, "the page has scripts"
    assert all(script.get("nonce") == nonce for script in scripts)
    assert all(style.get("nonce") == nonce for style in page.find_all("style"))


def test_the_nonce_changes_with_every_response(client):
    first = client.get("/")["Content-Security-Policy"]
    second = client.get("/")["Content-Security-Policy"]
    assert re.search(r"'nonce-([^']+)'", first).group(1) != re.search(r"'nonce-([^']+)'", second).group(1)


def test_the_policy_is_strict(client):
    policy = directives(client.get("/")["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    # A <base> or a form that reached a page could otherwise send its links or its fields elsewhere.
    assert policy["base-uri"] in (["'self'"], ["'none'"])
    assert policy["form-action"] == ["'self'"]
    for directive in ("script-src", "style-src"):
        assert "'unsafe-inline'" not in policy[directive]
        assert "'unsafe-eval'" not in policy[directive]
        assert any(value.startswith("'nonce-") for value in policy[directive]), policy[directive]
        # Only this site and the response's nonce: no other host, no scheme that any page could use.
        assert all(value == "'self'" or value.startswith("'nonce-") for value in policy[directive]), policy[directive]


@pytest.mark.parametrize("url", [*PAGES, "/no-such-page/"])
def test_no_inline_styles_or_event_handlers(client, url):
    # CSP blocks style="" attributes and on...="" handlers: a page must not depend on them.
    page = parse(client.get(url).content)
    for element in page.iter():
        assert "style" not in element.attrs, element
        assert not [name for name in element.attrs if name.startswith("on")], element
        assert not [name for name in element.attrs if name.startswith("hx-on")], element


def test_htmx_is_configured_not_to_break_the_policy(client):
    import json

    page = parse(client.get("/").content)
    config = json.loads(page.find("meta", name="htmx-config").get("content"))
    assert config["includeIndicatorStyles"] is False
    assert config["allowEval"] is False
    assert config["allowScriptTags"] is False
