"""Where the phase matters a superuser is bound by it too: Django's user.has_perm lets a superuser
through any permission, so paper ballots are checked with the rule itself (rules.has_perm)."""

import pytest
from django.urls import reverse

from budgeting.admin.ballots import paper_ballot_cycles
from budgeting.errors import BudgetingError
from budgeting.services.ballots import ballot_enter_paper
from citizens.backends import PASSWORD_BACKEND

from ..conftest import shift_to_phase
from .conftest import books

pytestmark = pytest.mark.django_db

PAPER = "admin:budgeting_budgetparticipation_paper_ballot"
DECLARATION = {"basis": "resident", "district": "11680", "place": "", "not_public_official": True}


@pytest.fixture
def closed_cycle(vote_cycle, make_project):
    """A cycle whose vote is over, with a project that was on its ballot."""
    project = make_project(vote_cycle)
    return shift_to_phase(vote_cycle, "assembly"), project


def test_a_superuser_cannot_enter_a_paper_ballot_outside_the_vote(closed_cycle, superuser, participant):
    cycle, project = closed_cycle
    citizen = participant()
    before = books(cycle)
    with pytest.raises(BudgetingError) as caught:
        ballot_enter_paper(actor=superuser, cycle=cycle, citizen=citizen, project_ids=[project.pk],
                           declaration=DECLARATION)
    assert caught.value.code == "forbidden"
    assert books(cycle) == before
    assert not cycle.declarations.exists()


def test_the_chooser_offers_a_superuser_only_cycles_whose_vote_runs(closed_cycle, superuser, make_cycle, client):
    cycle, _project = closed_cycle
    assert paper_ballot_cycles(superuser) == []
    client.force_login(superuser, backend=PASSWORD_BACKEND)
    assert client.get(reverse(PAPER)).status_code == 403
    assert client.post(reverse(PAPER), {"cycle": cycle.pk}).status_code == 403

    running = make_cycle("vote", year=cycle.year + 1)
    assert paper_ballot_cycles(superuser) == [running]
    page = client.get(reverse(PAPER))
    assert page.status_code == 200 and page.context["cycle"] == running
