"""The channel's landing page and a cycle's page: what is shown in each phase, in both languages,
at a constant number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from budgeting.models import Cycle, Pot
from citizens.models import District

from .conftest import shift_to_phase


def _url(name, *args, language="ko"):
    with translation.override(language):
        return reverse(f"budgeting:{name}", args=args)


def test_the_landing_page_without_a_cycle_says_so(client, db):
    assert "아직 공고된 시민참여예산 회차가 없습니다" in client.get(_url("index")).content.decode()
    assert "No participatory budget cycle" in client.get(_url("index", language="en")).content.decode()


def test_the_landing_page_costs_the_same_queries_with_more_cycles(client, make_cycle):
    make_cycle("vote", year=2026)
    make_cycle("after", year=2025)
    with CaptureQueriesContext(connection) as few:
        assert client.get(_url("index")).status_code == 200
    for year in range(2015, 2025):
        make_cycle("after", year=year)
    with CaptureQueriesContext(connection) as many:
        assert client.get(_url("index")).status_code == 200
    assert len(few) == len(many), [query["sql"] for query in many]


def test_the_landing_page_shows_this_years_cycle_and_the_phase(client, make_cycle):
    cycle = make_cycle("vote", year=2026)
    older = make_cycle("after", year=2025)
    html = client.get(_url("index", language="en")).content.decode()
    assert cycle.title_en in html and "Now: Citizen vote" in html
    assert older.title_en in html
    assert html.index(cycle.title_en) < html.index(older.title_en)


@pytest.mark.parametrize("phase, shown, hidden", [
    ("proposal", ["budgeting:propose"], ["budgeting:ballot"]),
    ("vote", ["budgeting:ballot", "budgeting:eligibility"], ["budgeting:propose"]),
    ("deliberation", [], ["budgeting:propose", "budgeting:ballot"]),
])
def test_the_cycle_page_offers_what_the_phase_allows(client, make_cycle, phase, shown, hidden):
    cycle = make_cycle(phase)
    html = client.get(_url("cycle", cycle.pk, language="en")).content.decode()
    for name in shown:
        assert reverse(name, args=[cycle.pk]) in html, name
    for name in hidden:
        assert reverse(name, args=[cycle.pk]) not in html, name
    assert 'aria-current="step"' in html


def test_the_cycle_page_lists_pots_with_caps_and_the_weights(client, make_cycle):
    cycle = make_cycle("proposal")
    html = client.get(_url("cycle", cycle.pk)).content.decode()
    assert "1,000,000,000원" in html and "300,000,000원" in html and "100,000,000원" in html
    assert "강남구" in html and "종로구" in html
    english = client.get(_url("cycle", cycle.pk, language="en")).content.decode()
    assert "KRW 1,000,000,000" in english
    assert "citizen votes 50 %, committee 30 %, budget school 10 %, proposers 10 %" in english


def test_a_simulation_says_it_is_read_only(client, make_cycle):
    cycle = make_cycle("after")
    Cycle.objects.filter(pk=cycle.pk).update(is_simulation=True, source_name="Poland_Warszawa_2026.pb")
    html = client.get(_url("cycle", cycle.pk, language="en")).content.decode()
    assert "Poland_Warszawa_2026.pb" in html and "read-only" in html
    assert reverse("budgeting:verify", args=[cycle.pk]) not in html


@pytest.mark.parametrize("bad", ["999999", "99999999999999999999"])
def test_an_unknown_cycle_is_404(client, db, bad):
    assert client.get(f"/budgeting/{bad}/").status_code == 404


def test_the_cycle_page_costs_the_same_queries_with_more_pots(client, make_cycle):
    few = make_cycle("vote", year=2030)
    many = make_cycle("vote", year=2031)
    for district in District.objects.exclude(code__in=["11680", "11110"])[:20]:
        Pot.objects.create(cycle=many, district=district, name_ko=district.name_ko, total=10, project_cap=5)
    many = shift_to_phase(many, "vote")
    counts = []
    for cycle in (few, many):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(_url("cycle", cycle.pk)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_the_eligibility_and_receipt_check_pages_cost_the_same_queries_with_more_pots(
    client, make_cycle, participant, city_pot
):
    from budgeting.models import Project

    few = make_cycle("vote", year=2032)
    many = make_cycle("vote", year=2033)
    for district in District.objects.exclude(code__in=["11680", "11110"])[:15]:
        pot = Pot.objects.create(cycle=many, district=district, name_ko=district.name_ko, total=10, project_cap=5)
        Project.objects.create(cycle=many, pot=pot, title="사업", estimated_cost=5, status="feasible",
                               submitted_at=many.created_at, checked_at=many.created_at)
    client.force_login(participant())
    for name in ("eligibility", "verify"):
        counts = []
        for cycle in (few, many):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(_url(name, cycle.pk)).status_code == 200
            counts.append(len(queries))
        assert counts[0] == counts[1], (name, counts)
