"""The running site for the fault tests: a private Redis (cache, sessions' cache and broker of the
site), gunicorn on the test database (tests/chaos/site_server.py), Celery workers started by the
integration tests' machinery, and signed-in citizens' browsers.

The test process shares the site's Redis as its cache: the sessions it writes for the citizens
land where a sign-in on the site would have left them, and an outage of that Redis is an outage
of the sessions' cache too (cached_db then reads the database).
"""

import os
import threading
from dataclasses import dataclass, field

import pytest
import requests

from tests.broker_support import publishing_to, worker_database_url
from tests.chaos.site_server import SiteServer
from tests.integration.conftest import Broker, RedisServer, WorkerFactory

# The queue the site publishes to (the default queue: the site's settings name no other); the
# Redis is private to the test, so no other worker reads it.
SITE_QUEUE = "celery"


@pytest.fixture
def chaos_redis(tmp_path):
    directory = tmp_path / "redis"
    directory.mkdir()
    server = RedisServer(directory)
    server.start()
    try:
        yield server
    finally:
        if server.process is not None:
            server.stop()


@pytest.fixture
def site_cache(settings, chaos_redis):
    """The test process's cache is the site's Redis, configured as the site configures it."""
    from django.core.cache import cache

    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": chaos_redis.url,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "portal"),
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
        }
    }
    yield cache


@pytest.fixture
def chaos_broker(chaos_redis, settings, monkeypatch):
    """The test process publishes for real (not eagerly) to the site's Redis, on the site's queue:
    what the outbox's sweep re-enqueues there, the workers run."""
    with publishing_to(chaos_redis.url, SITE_QUEUE, settings=settings, monkeypatch=monkeypatch):
        yield Broker(redis=chaos_redis, queue=SITE_QUEUE)


@pytest.fixture
def chaos_workers(chaos_broker, transactional_db, tmp_path):
    """Celery workers on the site's queue (started by the test, when it wants them); stopped
    before the test database is flushed."""
    sms_dir = tmp_path / "sms"
    sms_dir.mkdir()
    factory = WorkerFactory(broker=chaos_broker, sms_dir=sms_dir, log_dir=tmp_path)
    try:
        yield factory
    finally:
        factory.stop_all()


def start_site(tmp_path, redis_url, **options) -> SiteServer:
    return SiteServer(database_url=worker_database_url(), redis_url=redis_url, log_dir=tmp_path, **options).start()


@pytest.fixture
def site(transactional_db, chaos_redis, site_cache, chaos_broker, tmp_path):
    """The portal under gunicorn on the test database and the private Redis (stopped, with its
    pooled connections, before the test database is flushed)."""
    server = start_site(tmp_path, chaos_redis.url)
    try:
        yield server
    finally:
        server.stop()


@dataclass
class Browser:
    """A signed-in citizen's browser: the session and CSRF cookies, and the form token.

    Not shared between threads: each thread of a burst uses its own `requests.Session`."""

    base_url: str
    citizen_id: int
    cookies: dict
    token: str
    _local: threading.local = field(default_factory=threading.local, repr=False)

    @property
    def http(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            session.cookies.update(self.cookies)
            self._local.session = session
        return session

    def get(self, path, **kwargs):
        kwargs.setdefault("timeout", 120)
        kwargs.setdefault("allow_redirects", False)
        return self.http.get(self.base_url + path, **kwargs)

    def post(self, path, data=None, **kwargs):
        kwargs.setdefault("timeout", 120)
        kwargs.setdefault("allow_redirects", False)
        headers = {"Referer": self.base_url + path, **kwargs.pop("headers", {})}
        return self.http.post(self.base_url + path, data={"csrfmiddlewaretoken": self.token, **(data or {})},
                              headers=headers, **kwargs)  # fmt: skip


@pytest.fixture
def browsers(site):
    """browsers(citizens) -> a signed-in Browser per citizen, in order."""
    from bench.scenarios.citizens import signed_in_sessions

    def sign_in(citizens):
        sessions = signed_in_sessions([citizen.pk for citizen in citizens])
        made = []
        for citizen in citizens:
            cookie, token = sessions[citizen.pk]
            cookies = dict(part.split("=", 1) for part in cookie.split("; "))
            made.append(Browser(base_url=site.url, citizen_id=citizen.pk, cookies=cookies, token=token))
        return made

    return sign_in
