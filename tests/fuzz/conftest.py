"""Fixtures of the fuzz tests: the site as a WSGI application inside the test's transaction (for
schemathesis), and the exceptions behind any 500 so that a failure shows its traceback."""

import pytest
from django.core.cache import cache
from django.core.signals import got_request_exception, request_finished, request_started
from django.db import close_old_connections


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture(autouse=True)
def _sessions_outside_the_database(settings):
    """Each fuzzed submission runs in a savepoint rolled back after it: a session row would be
    rolled back with it while the client keeps its cookie, so sessions live in the cache here."""
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cache"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limits and throttles counted by earlier tests must not refuse this one's posts."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def server_errors():
    """The exceptions views raised (each a 500 answer), as the test client would re-raise them."""
    caught = []

    def record(sender, request=None, **kwargs):
        import sys

        caught.append((request.method if request else "?", request.get_full_path() if request else "?",
                       sys.exc_info()[1]))  # fmt: skip

    got_request_exception.connect(record, weak=False)
    yield caught
    got_request_exception.disconnect(record)


@pytest.fixture
def wsgi_app(db):
    """The project's WSGI handler, called in the test's thread. Like Django's test client, it
    leaves the connection alone between requests: closing it would end the test's transaction."""
    from django.core.handlers.wsgi import WSGIHandler

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
