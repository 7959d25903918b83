"""Test-wide setup: PostgreSQL-only tests, CI's no-skip rule, and quiet outside providers."""

import os

import pytest

POSTGRES_REASON = (
    "needs PostgreSQL: set DATABASE_URL, or run a server on 127.0.0.1:5432 and use `make test`"
)


def pytest_collection_modifyitems(config, items):
    from django.db import connection

    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason=POSTGRES_REASON)
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


class _SkipCounter:
    def __init__(self):
        self.skipped = []

    def pytest_runtest_logreport(self, report):
        if report.skipped:
            self.skipped.append(report.nodeid)


_skips = _SkipCounter()


def pytest_configure(config):
    config.pluginmanager.register(_skips, "seoul-skip-counter")
    # A replica of DATABASE_REPLICA_URL would be a second connection to the test database, which
    # does not see a test's uncommitted rows: the suite reads the primary, and the routing is
    # tested with an alias of its own (tests/site/test_replica_routing.py).
    from django.conf import settings

    settings.DATABASES.pop("replica", None)


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session, exitstatus):
    # In CI a skip would hide a PostgreSQL-only test that never ran: it fails the run.
    if os.environ.get("CI", "").lower() == "true" and _skips.skipped:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter:
            reporter.write_line(f"CI=true: {len(_skips.skipped)} skipped test(s) fail the run:", red=True)
            for nodeid in _skips.skipped:
                reporter.write_line(f"  {nodeid}", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(autouse=True)
def _outside_providers_stay_outside(settings):
    """SMS and email go to memory; Celery runs tasks in the test unless a test starts a worker."""
    from seoul_portal.celery import app

    settings.SMS_BACKEND = "notifications.backends.sms.MemorySmsBackend"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.LEDGER_SEAL_ON_COMMIT = True
    # A query count then measures the dashboards' selectors, not a figure kept by an earlier test.
    settings.COMPLAINT_FIGURES_CACHE_SECONDS = 0
    from notifications.dispatch import publish_breaker

    # A broker outage staged by one test must not pause publishing in the next.
    publish_breaker.close()
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        from notifications.backends.sms import MemorySmsBackend

        MemorySmsBackend.outbox.clear()
    except ImportError:
        pass
    yield
    app.conf.task_always_eager = previous
    publish_breaker.close()


@pytest.fixture
def language_isolated():
    """The test starts in the site's default language whatever an earlier test's request left
    active (LocaleMiddleware activates a language and nothing deactivates it), and leaves the
    thread's language as it found it."""
    from django.conf import settings
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture(autouse=True)
def _seoul_districts(request):
    """The 25 districts come from a data migration; a transactional test empties every table when
    it ends, so database tests that run after one get them back here (one query when present)."""
    if request.node.get_closest_marker("django_db") is None:
        return
    from citizens.districts import load_seoul_districts
    from citizens.models import District

    if District.objects.count() < 25:
        load_seoul_districts(District)


@pytest.fixture
def locmem_cache(settings):
    """Django's cache in this process's memory, empty before and after the test (a test of what is
    cached, apart from the Redis the other tests share)."""
    from django.core.cache import cache

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": "tests-locmem-cache"}}  # fmt: skip
    cache.clear()
    yield cache
    cache.clear()


@pytest.fixture
def sign_in(client):
    """The test client signed in as `person`, as a citizen's sign-in leaves the session (the
    citizens' pages take any session; the back office wants a password one)."""

    def login(person):
        client.force_login(person, backend="citizens.backends.StaffEmailBackend")
        return client

    return login


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test databases, left by every session before they are dropped: the live
    server's thread (stopped only after the databases' teardown) and pooled connections would
    otherwise keep the test database open, and PostgreSQL refuses to drop a database in use."""
    yield
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        connection.close()
        if connection.settings_dict.get("OPTIONS", {}).get("pool"):
            connection.close_pool()
    connection = connections["default"]
    if connection.vendor == "postgresql":
        with django_db_blocker.unblock(), connection._nodb_cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                [connection.settings_dict["NAME"]],
            )
