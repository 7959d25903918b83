"""A closed poll's results come from the cache (voting/selectors/results_cache.py): fewer queries
for the same numbers, and every write that changes what the page shows is seen on the next view.
An open poll's live results are never cached."""

from html import unescape

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from citizens.models import District
from voting.models import Poll, PollOption
from voting.selectors.results_cache import catalog_digest, results_cache_key
from voting.services import poll_hide, poll_unhide, reflection_record

from .conftest import queries_of

pytestmark = pytest.mark.django_db

@pytest.fixture
def locmem(locmem_cache):
    return locmem_cache


def url(poll, name="results", language="ko"):
    with translation.override(language):
        return reverse(f"voting:{name}", args=[poll.pk])


def main(response) -> str:
    """The page's content, without what differs from one request to the next (nonce, CSRF)."""
    return unescape(response.content.decode()).split('id="main-content"', 1)[1].split("</main>", 1)[0]


@pytest.fixture
def closed_poll(open_poll, cast, close):
    cast(open_poll, [1], 5, district="11680")
    cast(open_poll, [2], 5, district="11110", band="40s", gender="male")
    cast(open_poll, [3], 1)
    return close(open_poll)


@pytest.mark.parametrize("name", ["results", "results_csv"])
@pytest.mark.parametrize("backend", ["locmem", "configured"])
def test_a_second_view_of_a_closed_poll_is_served_from_the_cache(request, client, closed_poll, backend, name):
    """The configured cache is the suite's Redis when REDIS_URL is set: the entry survives pickling."""
    if backend == "locmem":
        request.getfixturevalue("locmem")
    first, first_queries = queries_of(client, url(closed_poll, name))
    second, second_queries = queries_of(client, url(closed_poll, name))
    assert first.status_code == second.status_code == 200
    assert len(second_queries) < len(first_queries)
    assert any("voting_tallycount" in sql for sql in first_queries)
    assert not any("voting_tallycount" in sql for sql in second_queries)
    if name == "results":
        assert second.context["results"] == first.context["results"]
        assert second.context["results"].ballots == 11
        assert main(second) == main(first)
    else:
        assert second.content == first.content
        assert "ballots,,,,,,11" in second.content.decode()


def test_the_page_and_the_csv_share_the_entry(client, locmem, closed_poll):
    client.get(url(closed_poll))
    response, queries = queries_of(client, url(closed_poll, "results_csv"))
    assert response.status_code == 200 and not any("voting_tallycount" in sql for sql in queries)
    assert "ballots,,,,,,11" in response.content.decode()


def test_an_open_polls_results_are_never_cached(client, locmem, open_poll, cast):
    cast(open_poll, [1], 2)
    first, first_queries = queries_of(client, url(open_poll))
    assert cache.get(results_cache_key(Poll.objects.get(pk=open_poll.pk))) is None
    cast(open_poll, [2], 3)
    second, second_queries = queries_of(client, url(open_poll))
    assert first.context["results"].ballots == 2 and second.context["results"].ballots == 5
    assert len(second_queries) == len(first_queries)
    csv = client.get(url(open_poll, "results_csv")).content.decode()
    assert "ballots,,,,,,5" in csv


def test_closing_a_viewed_open_poll_shows_its_final_results(client, locmem, open_poll, cast, close):
    cast(open_poll, [1], 2)
    assert client.get(url(open_poll)).context["results"].ballots == 2
    cast(open_poll, [2], 1)
    close(open_poll)
    response = client.get(url(open_poll))
    assert response.context["results"].ballots == 3
    assert "Voting is still open" not in main(client.get(url(open_poll, language="en")))


def test_korean_and_english_pages_each_have_their_own_entry(client, locmem, closed_poll):
    korean = main(client.get(url(closed_poll)))
    english = main(client.get(url(closed_poll, language="en")))
    assert "연령대별" in korean and "강남구" in korean and "By age band" not in korean
    assert "By age band" in english and "Gangnam-gu" in english and "강남구" not in english
    # Both served from the cache now, each in its language.
    assert main(client.get(url(closed_poll))) == korean
    assert main(client.get(url(closed_poll, language="en"))) == english
    english_csv = client.get(url(closed_poll, "results_csv", "en")).content.decode()
    korean_csv = client.get(url(closed_poll, "results_csv")).content.decode()
    assert "Gangnam-gu" in english_csv and "강남구" in korean_csv
    assert catalog_digest("ko") != catalog_digest("en")


def test_a_renamed_district_is_shown_at_once(client, locmem, closed_poll):
    assert "Gangnam-gu" in main(client.get(url(closed_poll, language="en")))
    district = District.objects.get(code="11680")
    district.name_en = "Gangnam District"
    district.save()
    assert "Gangnam District" in main(client.get(url(closed_poll, language="en")))


def test_a_poll_row_written_without_save_is_shown_at_once(client, locmem, closed_poll):
    """queryset.update() sends no signal and leaves updated_at: the key holds the fields themselves."""
    assert client.get(url(closed_poll)).context["results"].turnout is None
    Poll.objects.filter(pk=closed_poll.pk).update(eligible_population=110)
    turnout = client.get(url(closed_poll)).context["results"].turnout
    assert turnout is not None and turnout.percent == "10.0"


def test_a_corrected_option_label_is_shown_at_once(client, locmem, closed_poll):
    assert "찬성" in main(client.get(url(closed_poll)))
    PollOption.objects.filter(poll=closed_poll, position=1).update(label="찬성합니다")
    results = client.get(url(closed_poll)).context["results"]
    assert results.options[0].label == "찬성합니다" and results.leaders == ["찬성합니다", "반대"]


def test_a_new_smallest_group_setting_is_shown_at_once(client, locmem, closed_poll, settings):
    first = client.get(url(closed_poll)).context["results"]
    settings.VOTING_BREAKDOWN_MIN_CELL = 6
    second = client.get(url(closed_poll)).context["results"]
    assert first.min_cell == 5 and second.min_cell == 6
    assert second.breakdowns != first.breakdowns


def test_the_follow_up_and_hiding_are_seen_on_a_cached_page(client, locmem, closed_poll, official):
    """The policy follow-up is read with the poll, outside the cached results; hiding saves the poll."""
    client.get(url(closed_poll))
    reflection_record(actor=official, poll=closed_poll, outcome="reflected", note="노선을 늘렸습니다.")
    response = client.get(url(closed_poll, language="en"))
    assert "노선을 늘렸습니다." in main(response) and response.context["results"].ballots == 11
    poll_hide(actor=official, poll=closed_poll, reason="검토 중")
    assert client.get(url(closed_poll)).status_code == 404
    poll_unhide(actor=official, poll=Poll.objects.get(pk=closed_poll.pk))
    assert client.get(url(closed_poll)).context["results"].ballots == 11


def test_an_unreachable_cache_still_shows_the_results(client, closed_poll, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.2, "SOCKET_TIMEOUT": 0.2},
        }
    }
    for _ in range(2):
        assert client.get(url(closed_poll)).context["results"].ballots == 11
