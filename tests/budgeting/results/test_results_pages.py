"""The results pages: who sees them when, what a pot's page shows, and constant query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from budgeting.models import Cycle
from budgeting.services.tally import cycle_count, results_publish

MILLION = 1_000_000


@pytest.fixture
def counted(make_cycle, make_project, make_ballots, city_pot):
    """A cycle after its vote, counted by greedy (A, B, C funded; D over the line), not published."""

    def make(*, rule=Cycle.Rule.GREEDY, projects=4, ballots=5, **fields):
        cycle = make_cycle("assembly", selection_rule=rule, **fields)
        pot = city_pot(cycle)
        made = [
            make_project(cycle, pot, cost=300 * MILLION if n < 4 else MILLION, title=f"Project {chr(65 + n % 26)}{n}",
                         committee_score=50 + n % 50)
            for n in range(projects)
        ]
        make_ballots(cycle, [made[: 1 + n % len(made)] for n in range(ballots)], age=30, gender="female",
                     district_code="11680")
        cycle_count(actor=None, cycle=cycle)
        return cycle, pot, made

    return make


def _url(name, *args, language="ko"):
    with translation.override(language):
        return reverse(f"budgeting:{name}", args=args)


def test_unpublished_results_are_hidden_from_citizens(client, counted, citizen):
    cycle, pot, _ = counted()
    for url in (_url("results", cycle.pk), _url("pot_results", cycle.pk, pot.pk)):
        response = client.get(url)
        assert response.status_code == 404
        assert "budgeting/results_unpublished.html" in [template.name for template in response.templates]
    client.force_login(citizen)
    response = client.get(_url("pot_results", cycle.pk, pot.pk, language="en"))
    assert response.status_code == 404
    assert "Results not yet published" in response.content.decode()
    assert "Project A0" not in response.content.decode()


def test_officials_preview_unpublished_results_with_a_note(client, counted, official):
    cycle, pot, _ = counted()
    client.force_login(official)
    response = client.get(_url("pot_results", cycle.pk, pot.pk, language="en"))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="results-preview-note"' in page
    assert "not yet published" in page
    assert "Project A0" in page


def test_published_results_are_public(client, counted):
    cycle, pot, _ = counted()
    results_publish(actor=None, cycle=cycle)
    response = client.get(_url("results", cycle.pk, language="en"))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="results-preview-note"' not in page
    assert _url("pot_results", cycle.pk, pot.pk, language="en") in page
    assert "KRW 1,000,000,000" in page
    assert "Not counted yet" not in page  # every pot was counted, the district ones empty


def test_the_pot_page_in_english_shows_the_cut_off_and_the_rule(client, counted):
    cycle, pot, made = counted()
    results_publish(actor=None, cycle=cycle)
    response = client.get(_url("pot_results", cycle.pk, pot.pk, language="en"))
    assert response.status_code == 200
    assert response.wsgi_request.LANGUAGE_CODE == "en"
    page = response.content.decode()
    # Votes: A 5, B 4, C 3, D 2 — three fit (900 m), D is under the line.
    cutoff = page.index('id="pot-cutoff"')
    assert max(page.index(made[n].title) for n in range(3)) < cutoff < page.index(made[3].title, cutoff)
    assert "KRW 900,000,000 of KRW 1,000,000,000 used" in page
    assert "Did not fit in the money left" in page
    assert "How the rule works" in page
    assert "Other rules on the same ballots" in page
    assert "Method of Equal Shares" in page
    assert "<svg" in page and 'role="img"' in page
    assert "<script" not in page.split("</header>", 1)[-1].split("<footer", 1)[0]


def test_the_korean_page_shows_won_amounts(client, counted):
    cycle, pot, _ = counted()
    results_publish(actor=None, cycle=cycle)
    response = client.get(_url("pot_results", cycle.pk, pot.pk))
    assert response.status_code == 200
    assert response.wsgi_request.LANGUAGE_CODE == "ko"
    assert "1,000,000,000" in response.content.decode()


def test_mes_page_shows_the_share_and_effective_support(client, counted):
    cycle, pot, _ = counted(rule=Cycle.Rule.MES)
    results_publish(actor=None, cycle=cycle)
    page = client.get(_url("pot_results", cycle.pk, pot.pk, language="en")).content.decode()
    assert 'id="pot-budget-per-voter"' in page
    assert "Effective support" in page
    assert "Completion (add1)" in page


def test_weighted_page_documents_the_weights(client, counted):
    cycle, pot, _ = counted(rule=Cycle.Rule.SEOUL_WEIGHTED)
    results_publish(actor=None, cycle=cycle)
    page = client.get(_url("pot_results", cycle.pk, pot.pk, language="en")).content.decode()
    assert 'id="pot-weights"' in page
    assert "Final score" in page
    assert "counts as 0" in page


def test_a_simulation_is_public_once_counted(client, make_cycle, make_project, make_ballots, city_pot):
    cycle = make_cycle("proposal")
    Cycle.objects.filter(pk=cycle.pk).update(is_simulation=True, source_name="Poland_Test.pb")
    cycle.refresh_from_db()
    pot = city_pot(cycle)
    project = make_project(cycle, pot, cost=MILLION, title="Simulated")
    make_ballots(cycle, [[project]])
    cycle_count(actor=None, cycle=cycle)
    response = client.get(_url("pot_results", cycle.pk, pot.pk, language="en"))
    assert response.status_code == 200
    assert "This is a simulation" in response.content.decode()


def test_uncounted_pot_and_unknown_ids(client, make_cycle, counted):
    cycle, pot, _ = counted()
    results_publish(actor=None, cycle=cycle)
    other = make_cycle("assembly", year=2001)
    assert client.get(_url("pot_results", cycle.pk, other.pots.first().pk)).status_code == 404
    assert client.get(_url("pot_results", 999999, pot.pk)).status_code == 404
    assert client.get(_url("results", 999999)).status_code == 404


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("name", ["results", "pot_results"])
def test_query_count_does_not_grow_with_projects_or_ballots(client, counted, official, name):
    small, small_pot, _ = counted(projects=3, ballots=10, year=2001)
    large, large_pot, _ = counted(projects=30, ballots=100, year=2002)
    for cycle in (small, large):
        results_publish(actor=None, cycle=cycle)
    args = {"results": lambda cycle, pot: (cycle.pk,), "pot_results": lambda cycle, pot: (cycle.pk, pot.pk)}[name]
    assert _queries(client, _url(name, *args(small, small_pot))) == _queries(client, _url(name, *args(large, large_pot)))
    client.force_login(official)
    assert _queries(client, _url(name, *args(small, small_pot))) == _queries(client, _url(name, *args(large, large_pot)))
