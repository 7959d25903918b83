"""Fixtures of the mixer's tests: a cycle in its vote with projects in the city-wide and the
Gangnam pot, and citizens who declared for it, ready to cast real ballots."""

import pytest
from django.utils import timezone

from budgeting.models import EligibilityDeclaration, Project


@pytest.fixture
def vote_cycle(make_cycle):
    return make_cycle("vote")


@pytest.fixture
def projects(vote_cycle):
    """Four city-wide projects and two in Gangnam, feasible."""
    now = timezone.now()
    made = []
    city, gangnam = vote_cycle.pots.get(district__isnull=True), vote_cycle.pots.get(district_id="11680")
    for number, pot in enumerate([city, city, city, city, gangnam, gangnam], start=1):
        made.append(
            Project.objects.create(
                cycle=vote_cycle,
                pot=pot,
                sector=vote_cycle.sectors.get(slug="welfare"),
                title=f"사업 {number}",
                summary=f"요약 {number}",
                estimated_cost=50_000_000,
                status=Project.Status.FEASIBLE,
                submitted_at=now,
                checked_at=now,
            )
        )
    return made


@pytest.fixture
def make_voter(make_citizen, vote_cycle):
    """A verified Gangnam resident who declared for the vote cycle."""

    def make():
        citizen = make_citizen()
        EligibilityDeclaration.objects.create(
            cycle=vote_cycle, citizen=citizen, basis="resident", district_id="11680", not_public_official=True
        )
        return citizen

    return make
