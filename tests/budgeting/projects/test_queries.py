"""The list, a project's page, one's own projects and the implementation page cost the same number
of queries at any size."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from budgeting.models import Milestone, Project

from .conftest import publish_results

pytestmark = pytest.mark.django_db


def queries(client, url, **params):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(captured)


def add_projects(cycle, states, count, start=0):
    """Projects of every public status, across pots and sectors, cheaply (the services made one)."""
    template = states.feasible(cycle)
    pots = list(cycle.pots.all())
    sectors = list(cycle.sectors.all())
    statuses = ["submitted", "feasible", "not_feasible", "withdrawn"]
    made = []
    for index in range(start, start + count):
        project = Project.objects.get(pk=template.pk)
        project.pk = None
        project.title = f"사업 {index}"
        project.pot, project.sector = pots[index % len(pots)], sectors[index % len(sectors)]
        project.district_id = project.pot.district_id
        project.status = statuses[index % len(statuses)]
        project.infeasible_reason = "사유" if project.status == "not_feasible" else ""
        project.withdrawn_at = project.submitted_at if project.status == "withdrawn" else None
        project.save()
        made.append(project)
    return made


def test_the_list_costs_the_same_at_any_size(make_cycle, states, client):
    cycle = make_cycle("vote")
    url = reverse("budgeting:projects", args=[cycle.pk])
    add_projects(cycle, states, 2)
    small = queries(client, url)
    small_filtered = queries(client, url, status="feasible", q="사업")
    add_projects(cycle, states, 30, start=2)
    assert queries(client, url) == small
    assert queries(client, url, status="feasible", q="사업") == small_filtered


def test_a_project_page_costs_the_same_at_any_size(make_cycle, states, client, proposer, sign_in):
    cycle = make_cycle("implementation")
    project = states.feasible(cycle)
    Project.objects.filter(pk=project.pk).update(source_ref="proposals.proposal:1", agenda_item_id=None)
    publish_results(cycle, funded=[project])
    url = reverse("budgeting:project", args=[project.pk])
    Milestone.objects.create(project=project, title_ko="설계", due_on=date(2030, 1, 1), progress=100,
                             completed_on=date(2029, 1, 1))
    small = queries(client, url)
    for number in range(20):
        Milestone.objects.create(project=project, title_ko=f"단계 {number}", due_on=date(2030, 1, 1), progress=number,
                                 completed_on=None)
    add_projects(cycle, states, 10)
    assert queries(client, url) == small
    signed_in = sign_in(proposer)
    mine = queries(signed_in, url)
    add_projects(cycle, states, 5)
    assert queries(signed_in, url) == mine


def test_my_projects_and_the_implementation_page_cost_the_same_at_any_size(make_cycle, states, proposer, sign_in):
    cycle = make_cycle("implementation")
    client = sign_in(proposer)
    first = states.feasible(cycle)
    publish_results(cycle, funded=[first])
    Milestone.objects.create(project=first, title_ko="설계", due_on=date(2030, 1, 1))
    mine, implementation = reverse("budgeting:my_projects"), reverse("budgeting:implementation", args=[cycle.pk])
    small = (queries(client, mine), queries(client, implementation))
    more = add_projects(cycle, states, 10)
    from budgeting.models import PotResult, ProjectResult

    for rank, project in enumerate(more, start=2):
        pot_result, _created = PotResult.objects.get_or_create(
            cycle=cycle, pot=project.pot, defaults={"rule": "greedy", "voters": 1, "total_cost": 0}
        )
        ProjectResult.objects.create(pot_result=pot_result, project=project, rank=rank, votes=1, cost=1, funded=True)
        Milestone.objects.create(project=project, title_ko="설계", due_on=date(2030, 1, 1))
    assert (queries(client, mine), queries(client, implementation)) == small
