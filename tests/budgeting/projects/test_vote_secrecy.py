"""Ballot secrecy around a project's live vote counter.

While the vote runs the back office lists who took part and when; if it also showed each project's
counter, an official refreshing both would see which counters moved right after a citizen appeared,
and so what they picked. The back office shows the votes once the vote has ended; the public pages
once the results are published (an imported cycle's once counted)."""

import html

import pytest
from django.urls import reverse
from django.utils import timezone

from budgeting.models import Cycle, Pot, PotResult, Project, ProjectResult

from ..conftest import shift_to_phase
from .conftest import publish_results

pytestmark = pytest.mark.django_db

VOTES = 86429  # distinctive: found in a page only if the counter is shown
SHOWN = ("86429", "86,429")


def shows_votes(page: str) -> bool:
    return any(text in page for text in SHOWN)


def page_of(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


@pytest.fixture
def voted(make_cycle, states):
    cycle = make_cycle("vote")
    project = states.feasible(cycle)
    Project.objects.filter(pk=project.pk).update(votes=VOTES)
    return cycle, Project.objects.get(pk=project.pk)


def test_the_back_office_hides_the_votes_while_the_vote_runs(voted, official, admin_client):
    cycle, project = voted
    client = admin_client(official)
    listing = page_of(client, reverse("admin:budgeting_project_changelist"))
    record = page_of(client, reverse("admin:budgeting_project_change", args=[project.pk]))
    assert project.title in listing
    assert not shows_votes(listing) and not shows_votes(record)
    hidden = "투표가 끝난 뒤 집계됩니다"  # "counted after the vote ends", as the officials read it
    assert hidden in listing and hidden in record


def test_the_back_office_shows_the_votes_once_the_vote_has_ended(voted, official, admin_client):
    cycle, project = voted
    shift_to_phase(cycle, "assembly")
    client = admin_client(official)
    assert "86,429" in page_of(client, reverse("admin:budgeting_project_changelist"))
    assert "86,429" in page_of(client, reverse("admin:budgeting_project_change", args=[project.pk]))


def test_the_back_office_list_costs_the_same_with_more_projects(voted, official, admin_client, states):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cycle, _project = voted
    client = admin_client(official)
    url = reverse("admin:budgeting_project_changelist")

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    small = count()
    for _ in range(3):
        states.feasible(cycle)
    assert count() == small


def test_the_public_page_shows_the_votes_only_with_the_published_results(voted, client):
    cycle, project = voted
    url = reverse("budgeting:project", args=[project.pk])
    assert not shows_votes(page_of(client, url))
    cycle = shift_to_phase(cycle, "assembly")  # the vote is over, the results are not published
    after_vote = page_of(client, url)
    assert not shows_votes(after_vote) and "Citizen vote and result" not in after_vote
    publish_results(cycle, funded=[project])
    published = page_of(client, url)
    assert shows_votes(published) and "Selected for funding" in published


def test_an_imported_cycles_votes_show_once_it_is_counted(db, client):
    cycle = Cycle.objects.create(year=2023, title_ko="가져온 선거", title_en="Imported election", is_simulation=True)
    pot = Pot.objects.create(cycle=cycle, name_ko="전체", name_en="All", total=1_000, project_cap=1_000)
    now = timezone.now()
    project = Project.objects.create(cycle=cycle, pot=pot, title="Imported project", estimated_cost=100,
                                     status=Project.Status.FEASIBLE, submitted_at=now, checked_at=now, votes=VOTES,
                                     external_id="7")
    url = reverse("budgeting:project", args=[project.pk])
    assert not shows_votes(page_of(client, url))
    result = PotResult.objects.create(cycle=cycle, pot=pot, rule="greedy", voters=VOTES, total_cost=100)
    ProjectResult.objects.create(pot_result=result, project=project, rank=1, votes=VOTES, cost=100, funded=True)
    counted = page_of(client, url)
    assert shows_votes(counted) and "Selected for funding" in counted
