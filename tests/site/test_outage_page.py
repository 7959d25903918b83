"""A database, Redis or broker outage that escapes a view (or the middleware around it) answers
503 "try again in a moment" with Retry-After, in the visitor's language, logged at WARNING,
without the error's details; any other exception is still the 500 page."""

import logging

import pytest
import redis.exceptions
from django.conf.urls.i18n import i18n_patterns
from django.contrib.sessions.backends.cached_db import SessionStore
from django.db import InterfaceError, OperationalError, transaction
from django.http import HttpResponse
from django.test import Client
from django.urls import path
from kombu.exceptions import OperationalError as BrokerOperationalError

from governance.models import OrgUnit
from seoul_portal import outage
from seoul_portal.urls import handler400, handler403, handler404, handler500  # noqa: F401
from seoul_portal.urls import urlpatterns as site_urlpatterns

from .markup import parse

# What a connection error says: a host and a port, which the page must never show.
DETAIL = "connection to server at db-primary.internal (10.1.2.3), port 5432 failed"

OUTAGES = {
    "database-operational": OperationalError(DETAIL),
    "database-interface": InterfaceError(DETAIL),
    "redis-connection": redis.exceptions.ConnectionError(DETAIL),
    "redis-timeout": redis.exceptions.TimeoutError(DETAIL),
    "broker": BrokerOperationalError(DETAIL),
}


def failing(request, kind):
    if kind == "bug":
        raise RuntimeError(DETAIL)
    raise OUTAGES[kind]


def write_then_fail(request):
    """A write whose transaction meets the outage before it commits."""
    with transaction.atomic():
        OrgUnit.objects.create(code="half-written", kind=OrgUnit.Kind.BUREAU, name_ko="반쯤", name_en="Half")
        raise OperationalError(DETAIL)


def session_then_ok(request):
    """The view succeeds; saving the session afterwards (SessionMiddleware) is what fails."""
    request.session["seen"] = True
    return HttpResponse("ok")


urlpatterns = [
    *i18n_patterns(
        path("test-outage/write/", write_then_fail),
        path("test-outage/session/", session_then_ok),
        path("test-outage/<slug:kind>/", failing),
        prefix_default_language=False,
    ),
    *site_urlpatterns,
]

pytestmark = pytest.mark.urls(__name__)


def assert_try_again_page(response, *, title="잠시 후 다시 시도해 주세요", lang="ko"):
    assert response.status_code == 503
    assert response["Retry-After"] == str(outage.RETRY_AFTER_SECONDS)
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    body = response.content.decode()
    assert "db-primary" not in body and "5432" not in body and "10.1.2.3" not in body
    page = parse(response.content)
    assert page.find("html").get("lang") == lang
    assert page.find("h1").text.strip() == title
    assert "503" in page.find("p", class_="site-error-code").text
    return page


@pytest.mark.django_db
@pytest.mark.parametrize("kind", sorted(OUTAGES))
def test_an_outage_in_a_view_is_a_503_try_again_page_in_korean(kind, caplog):
    with caplog.at_level(logging.WARNING):
        response = Client().get(f"/test-outage/{kind}/")

    page = assert_try_again_page(response)
    assert "저장되지 않았으니" in page.find("p", class_="site-error-text").text
    warnings = [record for record in caplog.records if record.name == "seoul_portal.outage"]
    assert [record.levelno for record in warnings] == [logging.WARNING]
    assert type(OUTAGES[kind]).__name__ in warnings[0].getMessage()
    assert DETAIL not in warnings[0].getMessage()
    # Answered before Django's handler: no "Internal Server Error" is logged.
    assert not [
        record for record in caplog.records if record.name == "django.request" and record.levelno >= logging.ERROR
    ]


@pytest.mark.django_db
def test_the_page_is_in_english_under_en():
    assert_try_again_page(Client().get("/en/test-outage/redis-connection/"), title="Please try again in a moment",
                          lang="en")  # fmt: skip


@pytest.mark.django_db
def test_a_post_that_meets_the_outage_writes_nothing_and_says_to_send_it_again():
    response = Client().post("/test-outage/write/", {"name": "x"})

    assert_try_again_page(response)
    assert not OrgUnit.objects.filter(code="half-written").exists()


@pytest.mark.django_db
def test_an_outage_in_the_middleware_after_the_view_is_a_503_too(monkeypatch, caplog):
    def unreachable(self, must_create=False):
        raise OperationalError(DETAIL)

    monkeypatch.setattr(SessionStore, "save", unreachable)
    with caplog.at_level(logging.WARNING):
        response = Client(raise_request_exception=False).get("/test-outage/session/")

    assert_try_again_page(response)
    assert [r.levelno for r in caplog.records if r.name == "seoul_portal.outage"] == [logging.WARNING]
    # The security headers the outer middleware gave the 500 stay on the 503.
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_any_other_exception_is_still_the_500_page():
    response = Client(raise_request_exception=False).get("/test-outage/bug/")

    assert response.status_code == 500
    assert "Retry-After" not in response
    assert DETAIL not in response.content.decode()


def test_the_page_falls_back_to_plain_html_when_its_template_fails(monkeypatch, rf):
    def broken(*args, **kwargs):
        raise RuntimeError("template broken")

    monkeypatch.setattr(outage.loader, "render_to_string", broken)
    response = outage.service_unavailable(rf.get("/"), OperationalError(DETAIL))

    assert response.status_code == 503
    assert response["Retry-After"] == str(outage.RETRY_AFTER_SECONDS)
    assert "잠시 후 다시 시도해 주세요" in response.content.decode()


def test_the_page_renders_without_database_or_session(rf):
    # No django_db mark: pytest-django fails any database access in this test.
    request = rf.post("/proposals/new/")
    response = outage.service_unavailable(request, redis.exceptions.ConnectionError(DETAIL))

    assert_try_again_page(response)


def test_the_site_runs_the_middleware_outermost(settings):
    assert settings.MIDDLEWARE[0] == "seoul_portal.outage.OutageMiddleware"
