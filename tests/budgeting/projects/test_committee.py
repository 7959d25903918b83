"""The committee round trip: a feasible project goes on its sector's subcommittee's agenda, members
score it in governance's workspace, the secretary closes the item with governance's own service, and
the mean, the spread and the number of scores come back to the project; the proposer is told."""

from decimal import Decimal

import pytest

from budgeting.errors import BudgetingError
from budgeting.models import Project
from budgeting.services.projects import project_send_to_committee
from governance.models import AgendaItem
from governance.registry import describe_subject
from governance.services.agenda import agenda_item_close
from governance.services.reviews import conflict_declare, review_submit
from notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def on_agenda(make_cycle, official, states):
    cycle = make_cycle("deliberation")
    project = states.feasible(cycle)
    project = project_send_to_committee(actor=official, project=project)
    return project


def test_the_project_becomes_a_scored_item_of_its_sectors_subcommittee(on_agenda, committee):
    item = AgendaItem.objects.get(pk=on_agenda.agenda_item_id)
    assert item.committee == committee.subcommittees.get(slug="pb-welfare")
    assert (item.subject_kind, item.subject_id) == ("budgeting.project", str(on_agenda.pk))
    assert item.asks_score and (item.score_min, item.score_max) == (0, 100)
    assert item.title_ko == on_agenda.title and "50,000,000" in item.description_ko
    link = describe_subject(item)
    assert link.title == on_agenda.title and link.url.endswith(f"/budgeting/projects/{on_agenda.pk}/")


def test_a_project_without_a_subcommittee_goes_to_the_cycles_committee(make_cycle, official, states, committee):
    cycle = make_cycle("deliberation")
    cycle.sectors.filter(slug="welfare").update(subcommittee=None)
    project = project_send_to_committee(actor=official, project=states.feasible(cycle))
    assert AgendaItem.objects.get(pk=project.agenda_item_id).committee == committee


def test_sending_twice_or_out_of_phase_or_by_others_is_refused(on_agenda, make_cycle, official, proposer, states):
    with pytest.raises(BudgetingError, match="already on the committee"):
        project_send_to_committee(actor=official, project=on_agenda)
    cycle = make_cycle("vote", year=on_agenda.cycle.year + 1)
    late = states.feasible(cycle)
    with pytest.raises(BudgetingError, match="only during the deliberation"):
        project_send_to_committee(actor=official, project=late)
    with pytest.raises(BudgetingError, match="cycle's officials"):
        project_send_to_committee(actor=proposer, project=late)
    assert AgendaItem.objects.count() == 1


def test_a_review_deadline_in_the_past_is_refused(make_cycle, official, states):
    from datetime import timedelta

    from django.utils import timezone

    cycle = make_cycle("deliberation")
    project = states.feasible(cycle)
    with pytest.raises(BudgetingError) as caught:
        project_send_to_committee(actor=official, project=project, review_deadline=timezone.now() - timedelta(hours=1))
    assert caught.value.field == "review_deadline"
    assert not AgendaItem.objects.exists() and Project.objects.get(pk=project.pk).agenda_item_id is None


def test_the_committees_score_comes_back_with_its_spread(on_agenda, committee, make_member, superuser, proposer):
    item = AgendaItem.objects.get(pk=on_agenda.agenda_item_id)
    welfare = committee.subcommittees.get(slug="pb-welfare")
    members = [make_member(welfare) for _ in range(4)]
    for member, score in zip(members[:3], [80, 90, 71], strict=True):
        review_submit(actor=member, item=item, recommendation="approve", opinion="좋은 사업입니다", score=score)
    # The fourth scores, then declares a conflict: the review is withdrawn and does not count.
    review_submit(actor=members[3], item=item, recommendation="reject", opinion="반대", score=0)
    conflict_declare(actor=members[3], item=item, reason="제안자와 가족 관계")
    agenda_item_close(actor=superuser, item=item, outcome="approved", resolution_ko="원안 가결")

    project = Project.objects.get(pk=on_agenda.pk)
    assert project.committee_score == Decimal("80.33")
    assert project.committee_reviews == 3
    # Population standard deviation of 80, 90, 71: sqrt(((−1/3)²+(29/3)²+(−28/3)²)/3) ≈ 7.76
    assert project.committee_spread == Decimal("7.76")
    notice = Notification.objects.get(citizen=proposer, kind="budget_project_committee", channel="sms")
    assert "80.33" in notice.body


def test_an_item_nobody_scored_leaves_the_score_empty(on_agenda, superuser):
    item = AgendaItem.objects.get(pk=on_agenda.agenda_item_id)
    agenda_item_close(actor=superuser, item=item, outcome="approved", resolution_ko="가결")
    project = Project.objects.get(pk=on_agenda.pk)
    assert project.committee_score is None and project.committee_spread is None and project.committee_reviews == 0


def test_a_hand_made_item_about_the_project_does_not_overwrite_its_score(on_agenda, committee, superuser):
    from governance.services.agenda import agenda_item_create

    other = agenda_item_create(actor=superuser, committee=committee, title_ko="다른 안건",
                               subject_kind="budgeting.project", subject_id=str(on_agenda.pk))
    agenda_item_close(actor=superuser, item=other, outcome="approved", resolution_ko="가결")
    assert Project.objects.get(pk=on_agenda.pk).committee_reviews is None
