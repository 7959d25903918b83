"""Refusals that do not depend on one endpoint: the format suffix, unknown resources, methods,
jurisdictions, NUL characters. Each is the spec's error document with the right status."""

import pytest

from .conftest import BASE, errors_of, json_errors, parse, xml_errors

pytestmark = pytest.mark.django_db

RESOURCES = ["discovery", "services", "services/pothole", "requests", "requests/2026-0000001", "tokens/abc"]


@pytest.mark.parametrize("resource", RESOURCES)
@pytest.mark.parametrize("suffix", ["html", "csv", "XMLX", "rss"])
def test_an_unknown_format_is_a_400_xml_document(client, pothole, resource, suffix):
    response = client.get(f"{BASE}{resource}.{suffix}")
    assert response.status_code == 400
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    ((code, description),) = xml_errors(parse(response))
    assert code == "400" and description


def test_the_format_suffix_is_case_insensitive(client, pothole):
    assert client.get(f"{BASE}services.JSON")["Content-Type"].startswith("application/json")
    assert client.get(f"{BASE}services.Xml")["Content-Type"].startswith("text/xml")


@pytest.mark.parametrize("path", ["", "nothing", "services", "requests/", "v3/services.json", "services/a/b.xml"])
def test_unknown_resources_are_404_documents(client, path):
    response = client.get(f"{BASE}{path}")
    assert response.status_code == 404
    assert errors_of(response)[0][0] == "404"


def test_an_unknown_json_resource_answers_in_json(client):
    response = client.get(f"{BASE}nothing.json")
    assert response.status_code == 404
    assert json_errors(parse(response))[0][0] == "404"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "discovery.json"), ("post", "services.xml"), ("delete", "services/pothole.json"),
        ("put", "requests.json"), ("patch", "requests.xml"), ("post", "requests/2026-0000001.json"),
        ("post", "tokens/abc.xml"),
    ],
)  # fmt: skip
def test_a_wrong_method_is_405_with_allow(client, pothole, method, path):
    response = getattr(client, method)(f"{BASE}{path}")
    assert response.status_code == 405
    assert "GET" in response["Allow"]
    assert errors_of(response)[0][0] == "405"


def test_head_is_allowed_where_get_is(client, pothole):
    assert client.head(f"{BASE}services.json").status_code == 200


@pytest.mark.parametrize("path", ["services.json", "services/pothole.xml", "requests.json", "discovery.xml"])
def test_another_jurisdiction_is_404_and_ours_or_none_is_fine(client, pothole, path):
    response = client.get(f"{BASE}{path}", {"jurisdiction_id": "sfgov.org"})
    assert response.status_code == 404
    assert "jurisdiction_id" in errors_of(response)[0][1]
    for ours in ("seoul.go.kr", "SEOUL.GO.KR", "www.seoul.go.kr", ""):
        assert client.get(f"{BASE}{path}", {"jurisdiction_id": ours}).status_code == 200


@pytest.mark.parametrize("query", ["service_code=pot%00hole", "service_request_id=2026%00", "status=open%00"])
def test_a_nul_character_is_400_not_500(client, pothole, query):
    response = client.get(f"{BASE}requests.json?{query}")
    assert response.status_code == 400
    assert errors_of(response)[0][0] == "400"


def test_a_very_long_id_list_is_refused(client, db):
    ids = ",".join(f"2026-{n:07d}" for n in range(1001))
    response = client.get(f"{BASE}requests.json", {"service_request_id": ids})
    assert response.status_code == 400


def test_error_descriptions_follow_the_asked_language(client, db):
    from django.utils import translation

    english = errors_of(client.get(f"{BASE}services/none.json", {"lang": "en"}))[0][1]
    with translation.override("en"):
        assert english == translation.gettext("service_code “%(code)s” was not found.") % {"code": "none"}
    assert client.get(f"{BASE}services/none.json")["Content-Language"] == "ko"


def test_no_csrf_token_or_session_is_needed(open311_post, park_suggestion, client):
    client.handler.enforce_csrf_checks = True
    response = open311_post("json", service_code="park-idea", description="제안")
    assert response.status_code == 200
    assert "sessionid" not in response.cookies and "csrftoken" not in response.cookies


@pytest.mark.parametrize("path", ["services/pot%00hole.json", "requests/2026-0000001%00.xml", "tokens/%00.json"])
def test_a_nul_character_in_the_path_is_400_not_500(client, pothole, path):
    response = client.get(f"{BASE}{path}")
    assert response.status_code == 400
    assert errors_of(response)[0][0] == "400"
