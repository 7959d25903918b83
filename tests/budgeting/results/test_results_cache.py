"""Public results come from the cache (budgeting/selectors/results_cache.py): fewer queries for the
same page, and every write that changes what the pages show is seen on the next view. An
official's preview before publication is never cached."""

from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from budgeting.models import Cycle, Pot
from budgeting.services.tally import cycle_count, results_publish

from .test_results_pages import MILLION, counted  # noqa: F401 -- the fixture

pytestmark = pytest.mark.django_db

@pytest.fixture
def locmem(locmem_cache):
    return locmem_cache


def url(name, *args, language="ko"):
    with translation.override(language):
        return reverse(f"budgeting:{name}", args=args)


def main(response) -> str:
    """The page's content, without what differs from one request to the next (nonce, CSRF)."""
    assert response.status_code == 200
    return unescape(response.content.decode()).split('id="main-content"', 1)[1].split("</main>", 1)[0]


def view(client, address):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(address)
    return response, [query["sql"] for query in queries.captured_queries]


@pytest.fixture
def published(counted):  # noqa: F811
    cycle, pot, made = counted()
    results_publish(actor=None, cycle=cycle)
    return cycle, pot, made


@pytest.fixture
def simulation(make_cycle, make_project, make_ballots, city_pot):
    """An imported cycle, counted: public without publication, recounted by the command line."""
    cycle = make_cycle("proposal")
    Cycle.objects.filter(pk=cycle.pk).update(is_simulation=True, source_name="Poland_Test.pb")
    cycle.refresh_from_db()
    pot = city_pot(cycle)
    made = [make_project(cycle, pot, cost=300 * MILLION, title=f"Simulated {n}") for n in range(4)]
    make_ballots(cycle, [made[:1], made[:2], made[:3]])
    cycle_count(actor=None, cycle=cycle)
    return cycle, pot, made


@pytest.mark.parametrize("name", ["results", "pot_results"])
@pytest.mark.parametrize("backend", ["locmem", "configured"])
def test_a_second_view_of_published_results_is_served_from_the_cache(request, client, published, backend, name):
    """The configured cache is the suite's Redis when REDIS_URL is set: the entry survives pickling."""
    if backend == "locmem":
        request.getfixturevalue("locmem")
    cycle, pot, made = published
    address = url(name, *((cycle.pk,) if name == "results" else (cycle.pk, pot.pk)))
    first, first_queries = view(client, address)
    second, second_queries = view(client, address)
    assert len(second_queries) < len(first_queries)
    assert any("budgeting_potresult" in sql for sql in first_queries)
    assert not any("budgeting_potresult" in sql or "budgeting_projectresult" in sql for sql in second_queries)
    assert main(second) == main(first)
    if name == "pot_results":
        assert made[0].title in main(second)
        assert second.context["page"].pot == pot and second.context["page"].cycle == cycle


def test_a_preview_before_publication_is_never_cached(client, locmem, counted, official, make_ballots):  # noqa: F811
    cycle, pot, made = counted()
    client.force_login(official)
    before = main(client.get(url("pot_results", cycle.pk, pot.pk, language="en")))
    assert 'id="results-preview-note"' in before
    make_ballots(cycle, [[made[3]]] * 6, age=30, gender="female", district_code="11680")
    cycle_count(actor=None, cycle=cycle)
    page = client.get(url("pot_results", cycle.pk, pot.pk, language="en")).context["page"]
    assert made[3].title in [row.title for row in page.funded]


def test_publication_shows_the_public_page(client, locmem, counted, official):  # noqa: F811
    cycle, pot, _ = counted()
    client.force_login(official)
    assert 'id="results-preview-note"' in main(client.get(url("results", cycle.pk)))
    client.logout()
    assert client.get(url("results", cycle.pk)).status_code == 404
    results_publish(actor=None, cycle=cycle)
    assert 'id="results-preview-note"' not in main(client.get(url("results", cycle.pk)))
    client.force_login(official)
    assert 'id="results-preview-note"' not in main(client.get(url("results", cycle.pk)))


@pytest.mark.parametrize("name", ["results", "pot_results"])
def test_a_recount_is_shown_at_once(client, locmem, simulation, make_ballots, name):
    """cycle_count replaces the stored results without any other change to the cycle: it saves the
    cycle so that the key changes with them."""
    cycle, pot, made = simulation
    address = url(name, *((cycle.pk,) if name == "results" else (cycle.pk, pot.pk)), language="en")
    before = main(client.get(address))
    make_ballots(cycle, [[made[3]]] * 5)
    cycle_count(actor=None, cycle=Cycle.objects.get(pk=cycle.pk))
    response = client.get(address)
    after = main(response)
    assert after != before
    if name == "pot_results":
        funded = [row.title for row in response.context["page"].funded]
        assert made[3].title in funded and made[2].title not in funded
    else:
        city = next(summary for summary in response.context["pots"] if summary.pot.pk == pot.pk)
        assert city.result.voters == 8


def test_korean_and_english_pages_each_have_their_own_entry(client, locmem, published):
    cycle, pot, _ = published
    korean = main(client.get(url("pot_results", cycle.pk, pot.pk)))
    english = main(client.get(url("pot_results", cycle.pk, pot.pk, language="en")))
    assert "남은 예산에 들어가지 않음" in korean and "900,000,000원" in korean
    assert "Did not fit in the money left" not in korean and "KRW 900,000,000" not in korean
    assert "Did not fit in the money left" in english and "KRW 900,000,000" in english
    assert "900,000,000원" not in english
    # Both served from the cache now, each in its language.
    assert main(client.get(url("pot_results", cycle.pk, pot.pk))) == korean
    assert main(client.get(url("pot_results", cycle.pk, pot.pk, language="en"))) == english
    korean_summary = main(client.get(url("results", cycle.pk)))
    english_summary = main(client.get(url("results", cycle.pk, language="en")))
    assert "1,000,000,000원" in korean_summary and "KRW 1,000,000,000" in english_summary
    assert "시 전체" in korean_summary and "City-wide" in english_summary


def test_a_changed_pot_total_is_shown_at_once(client, locmem, published):
    """queryset.update() sends no signal and leaves the cycle: the key holds the pots' totals."""
    cycle, pot, _ = published
    assert "KRW 100,000,000 left" in main(client.get(url("pot_results", cycle.pk, pot.pk, language="en")))
    client.get(url("results", cycle.pk, language="en"))
    Pot.objects.filter(pk=pot.pk).update(total=1_100_000_000)
    assert "KRW 200,000,000 left" in main(client.get(url("pot_results", cycle.pk, pot.pk, language="en")))
    assert "KRW 1,100,000,000" in main(client.get(url("results", cycle.pk, language="en")))


def test_a_saved_cycle_is_read_again(client, locmem, published):
    """Any save of the cycle (publication, the assembly, the council, its settings) changes the key."""
    cycle, pot, _ = published
    client.get(url("pot_results", cycle.pk, pot.pk))
    stored = Cycle.objects.get(pk=cycle.pk)
    stored.save(update_fields=["updated_at"])
    _response, queries = view(client, url("pot_results", cycle.pk, pot.pk))
    assert any("budgeting_potresult" in sql for sql in queries)
