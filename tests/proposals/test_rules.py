"""The permission grid: roles × actions (the services add the state checks, see test_transitions)."""

from datetime import date

import pytest
import rules

from governance.models import OrgAssignment
from proposals.models import Proposal

pytestmark = pytest.mark.django_db

PERMS = ["proposals.answer_proposal", "proposals.assign_proposal", "proposals.promote_proposal"]

GRID = {
    "citizen": [False, False, False],
    "author": [False, False, False],
    "official_of_unit": [True, True, False],
    "official_elsewhere": [False, False, False],
    "superuser": [True, True, True],
}


@pytest.fixture
def people(make_citizen, official, superuser, other_unit, author):
    elsewhere = make_citizen(is_staff=True)
    OrgAssignment.objects.create(unit=other_unit, official=elsewhere, started_on=date(2020, 1, 1))
    return {
        "citizen": make_citizen(),
        "author": author,
        "official_of_unit": official,
        "official_elsewhere": elsewhere,
        "superuser": superuser,
    }


@pytest.mark.parametrize("role", sorted(GRID))
def test_permission_grid(role, people, published, unit):
    Proposal.objects.filter(pk=published.pk).update(assigned_unit=unit)
    published.refresh_from_db()
    assert [rules.has_perm(perm, people[role], published) for perm in PERMS] == GRID[role]
