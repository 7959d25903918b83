"""Error pages 400, 403, 404 and 500: the site's look, the right status, and a 500 page that
needs neither a database nor a request."""

import pytest
from django.template.loader import render_to_string
from django.test import Client, RequestFactory

from seoul_portal import views

from .markup import parse


def assert_site_page(response, status, code):
    assert response.status_code == status
    page = parse(response.content)
    stylesheets = [link.get("href") for link in page.find_all("link", rel="stylesheet")]
    assert any(href.endswith("css/site.css") for href in stylesheets)
    assert page.find("header", id="krds-header") is not None
    assert page.find("footer", id="krds-footer") is not None
    assert page.find("section", class_="site-error") is not None
    assert code in page.find("p", class_="site-error-code").text
    assert page.find("h1").text
    return page


@pytest.mark.django_db
def test_404(client):
    assert_site_page(client.get("/no-such-page/"), 404, "404")


@pytest.mark.django_db
def test_404_in_english(client):
    page = assert_site_page(client.get("/en/no-such-page/"), 404, "404")
    assert page.find("html").get("lang") == "en"
    assert page.find("h1").text == "Page not found"


@pytest.mark.django_db
@pytest.mark.urls("tests.site.error_urls")
def test_400(client):
    assert_site_page(client.get("/test-errors/400/"), 400, "400")


@pytest.mark.django_db
@pytest.mark.urls("tests.site.error_urls")
def test_403(client):
    assert_site_page(client.get("/test-errors/403/"), 403, "403")


@pytest.mark.django_db
@pytest.mark.urls("tests.site.error_urls")
def test_500():
    client = Client(raise_request_exception=False)
    assert_site_page(client.get("/test-errors/500/"), 500, "500")


@pytest.mark.django_db
@pytest.mark.urls("tests.site.error_urls")
def test_500_in_english():
    client = Client(raise_request_exception=False)
    page = assert_site_page(client.get("/en/test-errors/500/"), 500, "500")
    assert page.find("html").get("lang") == "en"


def test_500_page_renders_without_database_or_request():
    # No django_db mark: pytest-django fails any database access in this test.
    page = parse(render_to_string("errors/500.html"))
    assert page.find("h1").text
    assert page.find("form") is None  # no sign-out form: it would need the user, hence the session


def test_server_error_view_needs_no_database():
    response = views.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert b"site.css" in response.content


def test_server_error_view_falls_back_to_plain_html(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("template broken")

    monkeypatch.setattr(views.loader, "render_to_string", broken)
    response = views.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "다산콜센터 120".encode() in response.content
