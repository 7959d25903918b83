"""Every URL pattern of the project answers an anonymous GET without a server error, in Korean
and in English. The list is built from the URL configuration itself (see urlwalk.py), so it grows
with every URL another app adds."""

import pytest

from .urlwalk import all_urls, sample_from_regex

URLS = all_urls()


def test_the_walk_finds_the_known_urls():
    paths = {path for _language, path, _name in URLS}
    assert {"/", "/en/", "/privacy/", "/en/privacy/", "/healthz", "/admin/login/"} <= paths
    assert {"/proposals/", "/en/proposals/", "/governance/", "/en/governance/"} <= paths


@pytest.mark.parametrize(
    ("regex", "sample"),
    [(r"^(?P<app_label>auth|citizens)/$", "auth/"), (r"^r/(?P<pk>\d+)/(?P<rest>.+)$", "r/1/x"), (r"[^/]+", "x")],
)
def test_regex_samples(regex, sample):
    assert sample_from_regex(regex) == sample


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "path", "name"), URLS, ids=[path for _language, path, _name in URLS])
def test_url_answers_without_a_server_error(client, language, path, name):
    response = client.get(path)
    assert response.status_code < 500, f"{path} ({name}, {language}) answered {response.status_code}"
