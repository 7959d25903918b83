"""The inputs of the weighted final score are frozen with the cycle's rules once the vote opens:
the budget school's and the proposers' scores (service and admin button), and the committee's
score that governance sends back when an item closes (taken before, left aside after, without
failing the close)."""

import logging
from decimal import Decimal

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from budgeting.errors import BudgetingError
from budgeting.models import Project
from budgeting.services.projects import project_scores_record, project_send_to_committee
from governance.models import AgendaItem
from governance.services.agenda import agenda_item_close
from governance.services.reviews import review_submit
from notifications.models import Notification

from ..conftest import shift_to_phase

pytestmark = pytest.mark.django_db


def scores_of(project):
    project = Project.objects.get(pk=project.pk)
    return project.school_score, project.proposers_score


def test_the_scores_are_recorded_until_the_vote_opens(make_cycle, states, official):
    cycle = make_cycle("deliberation")
    project = states.feasible(cycle)
    project_scores_record(actor=official, project=project, school_score="70", proposers_score="65.5")
    assert scores_of(project) == (Decimal("70.00"), Decimal("65.50"))

    shift_to_phase(cycle, "vote")
    events = AuditEvent.objects.count()
    with pytest.raises(BudgetingError) as caught:
        project_scores_record(actor=official, project=project, school_score="100", proposers_score=None)
    assert caught.value.code == "frozen"
    assert "The citizen vote has opened" in caught.value.message
    assert scores_of(project) == (Decimal("70.00"), Decimal("65.50"))
    assert AuditEvent.objects.count() == events

    shift_to_phase(cycle, "assembly")
    with pytest.raises(BudgetingError, match="vote has opened"):
        project_scores_record(actor=official, project=project, school_score="1")


def test_the_scores_button_is_gone_once_the_vote_opens(make_cycle, states, official, admin_client):
    cycle = make_cycle("deliberation")
    project = states.feasible(cycle)
    client = admin_client(official)
    change = reverse("admin:budgeting_project_change", args=[project.pk])
    move = reverse("admin:budgeting_project_scores", args=[project.pk])
    assert move in client.get(change).content.decode()

    shift_to_phase(cycle, "vote")
    assert move not in client.get(change).content.decode()
    assert client.get(move).status_code == 403
    assert client.post(move, {"school_score": "99", "proposers_score": "99"}).status_code == 403
    assert scores_of(project) == (None, None)


@pytest.fixture
def scored_item(make_cycle, states, official, committee, make_member):
    """A project on the agenda, scored 80 and 90 by two members, not yet closed."""
    cycle = make_cycle("deliberation")
    project = project_send_to_committee(actor=official, project=states.feasible(cycle))
    item = AgendaItem.objects.get(pk=project.agenda_item_id)
    welfare = committee.subcommittees.get(slug="pb-welfare")
    for score in (80, 90):
        review_submit(actor=make_member(welfare), item=item, recommendation="approve", opinion="좋습니다", score=score)
    return cycle, project, item


def test_the_committees_score_is_taken_before_the_vote(scored_item, superuser):
    _cycle, project, item = scored_item
    agenda_item_close(actor=superuser, item=item, outcome="approved", resolution_ko="가결")
    assert Project.objects.get(pk=project.pk).committee_score == Decimal("85.00")


def test_a_committee_result_after_the_vote_opened_is_not_taken_and_the_close_goes_through(
    scored_item, superuser, proposer, caplog
):
    cycle, project, item = scored_item
    shift_to_phase(cycle, "vote")
    with caplog.at_level(logging.INFO, logger="budgeting.committee"):
        closed = agenda_item_close(actor=superuser, item=item, outcome="approved", resolution_ko="가결")
    assert closed.closed_at is not None
    assert AgendaItem.objects.get(pk=item.pk).closed_at is not None  # not rolled back
    project = Project.objects.get(pk=project.pk)
    assert (project.committee_score, project.committee_reviews, project.committee_spread) == (None, None, None)
    assert not Notification.objects.filter(citizen=proposer, kind="budget_project_committee").exists()
    assert "after the vote opened: not taken" in caplog.text
