"""Fixtures of the ballot tests: feasible projects in each pot, citizens ready to vote (consent
given, profile complete, eligibility declared), a cycle in its vote, and the books of a cycle
(participations, ballots, ledger entries, the projects' votes) to check that a refusal wrote
nothing."""

import html

import pytest
from django.utils import timezone, translation

import budgeting.admin.ballots  # noqa: F401 -- registers the participations' admin (the lead's admin/__init__ imports it)
from audit.models import LedgerEntry
from budgeting.models import BudgetBallot, BudgetParticipation, EligibilityDeclaration, Project
from citizens.consents import purposes
from citizens.models import Citizen
from citizens.services import consent_record

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def _messages_in_english():
    """Messages are checked by their English texts (the msgids)."""
    with translation.override("en"):
        yield


@pytest.fixture
def make_project():
    counter = iter(range(1, 10_000))

    def make(cycle, *, district=None, cost=100_000_000, status=Project.Status.FEASIBLE, sector="welfare", **fields):
        pot = cycle.pots.get(district_id=district) if district else cycle.pots.get(district__isnull=True)
        now = timezone.now()
        number = next(counter)
        fields.setdefault("title", f"사업 {number}")
        return Project.objects.create(
            cycle=cycle,
            pot=pot,
            sector=cycle.sectors.get(slug=sector) if sector else None,
            estimated_cost=cost,
            status=status,
            summary=f"요약 {number}",
            submitted_at=None if status == Project.Status.DRAFT else now,
            checked_at=now if status in (Project.Status.FEASIBLE, Project.Status.NOT_FEASIBLE) else None,
            infeasible_reason="법령 위반" if status == Project.Status.NOT_FEASIBLE else "",
            withdrawn_at=now if status == Project.Status.WITHDRAWN else None,
            **fields,
        )

    return make


@pytest.fixture
def vote_cycle(make_cycle):
    """A cycle in its vote: approval, 5 picks per pot."""
    return make_cycle("vote")


@pytest.fixture
def declare():
    def record(citizen, cycle, *, basis="resident", district="11680", place=""):
        return EligibilityDeclaration.objects.create(
            cycle=cycle, citizen=citizen, basis=basis, district_id=district, place=place, not_public_official=True
        )

    return record


@pytest.fixture
def staff_participant(official):
    """The cycle's official, with the consents a participant gives (to reach the citizens' pages)."""
    consent_record(citizen=official, answers={item.key: True for item in purposes()})
    return Citizen.objects.get(pk=official.pk)


@pytest.fixture
def voter(participant, vote_cycle, declare):
    """A Gangnam resident who declared for the vote cycle."""
    citizen = participant()
    declare(citizen, vote_cycle)
    return citizen


@pytest.fixture
def sign_in(client):
    def login(citizen):
        client.force_login(citizen, backend="citizens.backends.PhoneCodeBackend")
        return client

    return login


def books(cycle):
    """What a ballot writes, to compare before and after a refusal."""
    return {
        "participations": BudgetParticipation.objects.filter(cycle=cycle).count(),
        "ballots": BudgetBallot.objects.filter(cycle=cycle).count(),
        "ledger": LedgerEntry.objects.filter(scope=cycle.ledger_scope).count(),
        "votes": list(Project.objects.filter(cycle=cycle).order_by("pk").values_list("votes", flat=True)),
    }


def text(response) -> str:
    return html.unescape(response.content.decode())
