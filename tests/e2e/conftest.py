"""Browser tests: a real Chromium (headless, through Playwright) against the live test server.

CI installs Chromium (.ci/run); elsewhere the tests skip with the reason when none is found (as
the PostgreSQL-only tests do without PostgreSQL), and CI=true fails any skip. CHROMIUM_PATH names
another binary."""

import os
import shutil

import pytest
from django.db import connection
from django.test import Client

# The channels' own fixtures, for the journeys through their pages.
from tests.budgeting.conftest import (  # noqa: F401 -- fixtures, found by name
    bureau,
    citizen,
    city_pot,
    committee,
    make_citizen,
    make_cycle,
    unit,
)

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture
def browser(monkeypatch):
    """A fresh headless Chromium for one test. Playwright's sync API runs an event loop in this
    thread while the browser is open, so Django's async-safety check would refuse the test's own
    ORM calls: they are allowed for this test only (the live server answers in its own thread)."""
    if not CHROMIUM:
        pytest.skip("needs Chromium: apt-get install -y chromium (CI installs it)")
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            yield instance
        finally:
            instance.close()
    # The live server's thread returned its connections to the pool, which keeps them open: closed
    # here, or the test database could not be dropped at the end of the run.
    connection.close()
    if connection.settings_dict.get("OPTIONS", {}).get("pool"):
        connection.close_pool()


@pytest.fixture
def signed_in_page(browser, live_server):
    """A phone-sized page of the browser signed in as `user` (a session made by the test client)."""

    def page_for(user):
        client = Client()
        client.force_login(user)
        context = browser.new_context(viewport={"width": 390, "height": 844}, locale="ko-KR")
        context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                              "url": live_server.url}])
        return context.new_page()

    return page_for


@pytest.fixture
def journeys(browser, live_server):
    """open(mode=..., language=..., user=...) → a Journey; every journey's context is closed at the end."""
    from django.core.cache import cache

    from .journey import open_journey

    # Rate limits (sign-in codes, tracking guesses) count in the cache, which outlives a test:
    # each journey starts with none counted.
    cache.clear()
    opened = []

    def open_one(**options):
        journey = open_journey(browser, live_server, **options)
        opened.append(journey)
        return journey

    yield open_one
    for journey in opened:
        journey.context.close()  # (closing twice, after finish(), is harmless)


@pytest.fixture
def sms_inbox(settings, tmp_path):
    """SMS go to files (the file backend), as on a developer's machine; the test reads them."""
    from .journey import SmsInbox

    settings.SMS_BACKEND = "notifications.backends.sms.FileSmsBackend"
    settings.SMS_FILE_PATH = str(tmp_path / "sms")
    return SmsInbox(tmp_path / "sms")
