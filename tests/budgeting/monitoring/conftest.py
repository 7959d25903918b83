"""Builders of the monitoring tests: a cycle under implementation (results published, the general
assembly's confirmation and the council's approval recorded) with funded projects made straight in
the database, and signed-in clients for the pages and the back office."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

import budgeting.admin.monitoring  # noqa: F401 -- registers the ModelAdmin (until budgeting/admin imports it)
from budgeting.models import Cycle, PotResult, Project, ProjectResult
from governance.models import Membership


@pytest.fixture(autouse=True)
def _messages_in_english():
    """Refusals are checked by their English texts (the msgids)."""
    with translation.override("en"):
        yield


def make_project(cycle, title, *, proposer=None, department=None, pot=None, cost=50_000_000):
    """A feasible project of the cycle (the feasibility check recorded), straight in the database."""
    now = timezone.now() - timedelta(days=60)
    return Project.objects.create(
        cycle=cycle, pot=pot or cycle.pots.get(district__isnull=True), sector=cycle.sectors.get(slug="welfare"),
        proposer=proposer, title=title, estimated_cost=cost, status=Project.Status.FEASIBLE, submitted_at=now,
        checked_at=now, department=department, legal_review="관련 법령 위반 없음", technical_review="설치 가능",
    )


def record_results(cycle, *, funded=(), unfunded=(), dropped=(), unconfirmed=()):
    """Results as the count writes them, then the assembly's confirmation: `funded` confirmed,
    `dropped` dropped with a reason, `unconfirmed` funded but not decided by the assembly."""
    ranks = {}
    for projects, is_funded, confirmed, reason in (
        (funded, True, True, ""), (dropped, True, False, "중복 사업"), (unconfirmed, True, None, ""),
        (unfunded, False, None, ""),
    ):
        for project in projects:
            pot_result, _created = PotResult.objects.get_or_create(
                cycle=cycle, pot=project.pot, defaults={"rule": cycle.selection_rule, "voters": 10, "total_cost": 0}
            )
            if pot_result.pk not in ranks:
                ranks[pot_result.pk] = pot_result.projects.count()
            ranks[pot_result.pk] += 1
            ProjectResult.objects.create(
                pot_result=pot_result, project=project, rank=ranks[pot_result.pk], votes=5, cost=project.cost,
                funded=is_funded, confirmed=confirmed, adjustment_reason=reason,
            )


def decide(cycle, *, council="approved"):
    """Publish the results, record the assembly's confirmation and the council's decision."""
    now = timezone.now()
    Cycle.objects.filter(pk=cycle.pk).update(
        results_published_at=now, assembly_confirmed_at=now, council_decision=council,
        council_decided_at=now if council else None,
    )
    return Cycle.objects.prefetch_related("phases").get(pk=cycle.pk)


@pytest.fixture
def member(committee, make_member):
    """A serving member of the welfare subcommittee."""
    return make_member(committee.subcommittees.get(slug="pb-welfare"))


@pytest.fixture
def implementing(make_cycle, make_citizen, department):
    """A cycle in its implementation phase, the council's approval recorded: one funded project the
    assembly confirmed (of `department`, with a proposer), one it dropped, one not funded."""
    cycle = make_cycle("implementation")
    funded = make_project(cycle, "어린이 공원 그늘막", proposer=make_citizen(), department=department)
    dropped = make_project(cycle, "분수대", department=department)
    unfunded = make_project(cycle, "꽃길", department=department)
    record_results(cycle, funded=[funded], dropped=[dropped], unfunded=[unfunded])
    cycle = decide(cycle)
    return cycle, funded, dropped, unfunded


def end_membership(person):
    Membership.objects.filter(person=person).update(status=Membership.Status.ENDED,
                                                    ended_on=timezone.localdate() - timedelta(days=1))
