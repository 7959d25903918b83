"""No stored text reaches a page as markup: the demo site with a cross-site scripting payload in
every text people write (tests/site/xss_world.py), crawled as a visitor, a citizen, a committee
secretary and an official (the admin included); every HTML page parsed and checked
(tests/site/xss_corpus.py), every JSON and XML document decoded and compared with what was stored.
"""

import csv
import io
import json
import xml.etree.ElementTree as ElementTree
from urllib.parse import urlsplit

import pytest
from django.db import transaction
from django.test import Client, override_settings

from .xss_corpus import MARKER_RE, html_findings, strings_in
from .xss_world import build_world, client_fetch, crawl, demo_users, filled, forms_of, shape, start_urls

pytestmark = pytest.mark.django_db

QUIET = {"SMS_BACKEND": "notifications.backends.sms.MemorySmsBackend",
         "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module inside a transaction that is rolled back at the end (a minute of
    seeding; the tests only read it)."""
    with django_db_blocker.unblock(), override_settings(**QUIET), transaction.atomic():
        texts = build_world()
        users = {role: user.pk for role, user in demo_users().items()}
        yield texts, users
        transaction.set_rollback(True)


def document_findings(url, response, texts):
    content_type = response.get("Content-Type", "")
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if response.status_code >= 500:
        return [f"server error {response.status_code}"]
    if "html" in content_type:
        return html_findings(content, texts)
    body = content.decode("utf-8", "replace")
    markers = {marker for marker in MARKER_RE.findall(body) if marker in texts}
    if not markers:
        return []
    if "json" in content_type:
        strings = list(strings_in(json.loads(body)))
        return [f"{marker}: JSON does not hold the text as stored" for marker in markers
                if not any(texts[marker] in string for string in strings)]
    if "xml" in content_type:
        root = ElementTree.fromstring(content)  # noqa: S314 -- the site's own output, in a test
        strings = [value for element in root.iter() for value in (element.text or "", *element.attrib.values())]
        return [f"{marker}: XML does not hold the text as stored" for marker in markers
                if not any(texts[marker] in string for string in strings)]
    if "csv" in content_type:
        if response.get("X-Content-Type-Options") != "nosniff":
            return ["CSV without X-Content-Type-Options: nosniff"]
        cells = [cell for row in csv.reader(io.StringIO(body)) for cell in row]
        return [f"{marker}: CSV does not hold the text as stored" for marker in markers
                if not any(texts[marker] in cell for cell in cells)]
    return []


ROLES = [None, "citizen", "committee secretary", "official"]


@pytest.fixture(scope="module")
def crawled(world):
    """The pages of each role, crawled once for the module: {role: (client, [(url, response)])}."""
    texts, users = world
    done = {}

    def pages_of(role):
        if role not in done:
            client = Client()
            if role:
                from citizens.models import Citizen

                client.force_login(Citizen.objects.get(pk=users[role]))
            done[role] = (client, list(crawl(client_fetch(client), starts=start_urls(), per_shape=2,
                                             admin=role == "official")))
        return done[role]

    return pages_of


@pytest.mark.parametrize("role", ROLES)
def test_no_stored_payload_reaches_a_page_unescaped(world, crawled, role):
    texts, _users = world
    _client, pages = crawled(role)
    findings, shown = [], set()
    for url, response in pages:
        findings.extend(f"{url}: {line}" for line in document_findings(url, response, texts))
        if response.status_code == 200 and not response.streaming:
            shown.update(marker for marker in MARKER_RE.findall(response.content.decode()) if marker in texts)
    assert not findings, "\n".join(findings[:80])
    # The crawl reached the texts: a good share of the stored payloads was on the pages it checked.
    assert len(pages) > 200
    assert len(shown) > len(texts) // 4, (len(shown), len(texts))


FORM_SLOTS = range(600, 1000)  # markers have three digits for the slot: the stored texts use the lower ones


@pytest.mark.parametrize("role", ROLES)
def test_payloads_typed_into_every_form_come_back_escaped(world, crawled, role):
    """Every form a role reaches, its text fields filled with payloads and sent: a GET form's answer
    (search, filters) echoes the query; a POST form's answer is the form again with its errors
    (proposals refuse tags, for one) or the page that now shows the text. Neither may carry it as
    markup, and no submission may end in a server error."""
    texts, _users = world
    texts = dict(texts)
    client, pages = crawled(role)
    forms = {}
    for url, response in pages:
        if response.status_code == 200 and "html" in response.get("Content-Type", "") and not response.streaming:
            for method, action, data, fields in forms_of(response.content, urlsplit(url).path):
                key = (method, shape(action.removeprefix("/en")), tuple(sorted(fields)))  # one language
                if fields and key not in forms:
                    forms[key] = (url, method, action, data, fields)
    findings, slot = [], FORM_SLOTS.start
    for url, method, action, data, fields in forms.values():
        if slot + len(fields) > FORM_SLOTS.stop:
            break
        typed, stored = filled(fields, slot, rotation=slot)
        slot += len(fields)
        texts.update(stored)
        send = client.get if method == "get" else client.post
        response = send(action, {**data, **typed}, follow=True)
        findings += [f"{method.upper()} {action} (form of {url}): {line}"
                     for line in document_findings(action, response, texts)]
        again = client.get(url)
        findings += [f"{url} after {method.upper()} {action}: {line}" for line in document_findings(url, again, texts)]
    assert not findings, "\n".join(findings[:80])
    assert len(forms) >= 3
