"""The "My Seoul" panel of participatory budgeting: the cycles I voted in (the day, never my picks)
and the projects I proposed; two queries whatever the citizen did."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from budgeting.models import Project
from budgeting.my_seoul import PANEL, panel_context
from budgeting.services.ballots import ballot_cast
from budgeting.services.eligibility import declaration_record
from citizens import registry
from citizens.consents import purposes
from citizens.services import consent_record


def test_the_panel_is_registered_by_the_app():
    assert PANEL in registry.panels()


def _project(cycle, pot, title, **fields):
    return Project.objects.create(cycle=cycle, pot=pot, title=title, estimated_cost=10_000_000, **fields)


def test_my_votes_and_my_projects_without_my_picks(client, make_cycle, city_pot, citizen, make_citizen):
    cycle = make_cycle("vote")
    picked = _project(cycle, city_pot(cycle), "내가 고른 사업", status="feasible", submitted_at=cycle.created_at,
                      checked_at=cycle.created_at)
    mine = _project(cycle, city_pot(cycle), "내가 제안한 사업", proposer=citizen)
    _project(cycle, city_pot(cycle), "남의 사업", proposer=make_citizen())
    declaration_record(actor=citizen, cycle=cycle, basis="resident", district=None, not_public_official=True)
    ballot_cast(citizen=citizen, cycle=cycle, project_ids=[picked.pk])
    consent_record(citizen=citizen, answers={purpose.key: True for purpose in purposes()})
    client.force_login(citizen)
    response = client.get(reverse("citizens:me"))
    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("budgeting:cycle", args=[cycle.pk]) in html
    assert mine.title in html and reverse("budgeting:project", args=[mine.pk]) in html
    assert "내가 고른 사업" not in html and "남의 사업" not in html


def test_two_queries_whatever_the_citizen_did(make_cycle, city_pot, citizen):
    with CaptureQueriesContext(connection) as nothing:
        panel_context(citizen)
    for year in (2024, 2025):
        cycle = make_cycle("vote", year=year)
        for number in range(3):
            _project(cycle, city_pot(cycle), f"사업 {number}", proposer=citizen)
    with CaptureQueriesContext(connection) as plenty:
        panel_context(citizen)
    assert len(nothing) == len(plenty) == 2


@pytest.fixture(autouse=True)
def _db(db):
    pass
