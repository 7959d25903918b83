"""/healthz: 200 when the database, cache and broker answer; 503 with a reason, quickly, when not."""

import os
import time

import pytest

from seoul_portal import health

pytestmark = pytest.mark.django_db

CLOSED_PORT = "redis://127.0.0.1:1/0"


def test_healthy(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    report = response.json()
    assert report["status"] == "ok"
    assert report["database"] == "ok"
    # Embedded mode (no REDIS_URL) has no cache server and no broker to ask.
    expected = "ok" if os.environ.get("REDIS_URL") else "embedded"
    assert report["cache"] == expected
    assert report["broker"] == expected
    assert "no-cache" in response["Cache-Control"]


def test_unreachable_redis_is_503_with_reasons(client, settings):
    settings.REDIS_URL = CLOSED_PORT
    settings.CELERY_BROKER_URL = CLOSED_PORT
    started = time.monotonic()
    response = client.get("/healthz")
    elapsed = time.monotonic() - started
    assert response.status_code == 503
    report = response.json()
    assert report["status"] == "unavailable"
    assert report["database"] == "ok"
    assert report["cache"].startswith("error: ")
    assert report["broker"].startswith("error: ")
    assert elapsed < 2.5


def test_unreachable_broker_alone_is_503(client, settings):
    settings.CELERY_BROKER_URL = CLOSED_PORT
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"].startswith("error: ")


def test_a_hanging_check_times_out(client, monkeypatch):
    def hangs():
        time.sleep(health.CHECK_TIMEOUT_SECONDS + 1.5)

    monkeypatch.setitem(health.CHECKS, "cache", hangs)
    started = time.monotonic()
    response = client.get("/healthz")
    assert time.monotonic() - started < health.CHECK_TIMEOUT_SECONDS + 1
    assert response.status_code == 503
    assert response.json()["cache"] == "error: timeout"


def test_a_broken_health_check_is_503_not_500(client, monkeypatch):
    def broken():
        raise ZeroDivisionError

    monkeypatch.setitem(health.CHECKS, "database", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "error: ZeroDivisionError"


def test_a_failing_report_is_503_not_500(client, monkeypatch):
    def explodes():
        raise RuntimeError("no threads left")

    monkeypatch.setattr("seoul_portal.views.health_report", explodes)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
