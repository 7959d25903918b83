import io
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from freezegun import freeze_time

from audit.models import AuditEvent
from notifications.models import Notification
from proposals.models import Proposal, StageChange
from proposals.services import (
    add_months,
    proposal_advance,
    proposal_answer,
    proposal_follow,
    proposal_support,
)
from proposals.tasks import advance_proposals

from .conftest import PUBLISHED_AT

pytestmark = pytest.mark.django_db
DURING = PUBLISHED_AT + timedelta(days=3)
CLOSES = PUBLISHED_AT + timedelta(days=30)


def supported_by(proposal, supporters, count):
    for citizen in supporters(count):
        proposal_support(citizen=citizen, proposal=proposal, now=DURING)


@pytest.mark.parametrize(("count", "expected"), [(49, "closed_insufficient"), (50, "under_review")])
def test_the_review_threshold_at_the_window_close(published, supporters, unit, count, expected):
    supported_by(published, supporters, count)
    with freeze_time(CLOSES - timedelta(seconds=1)):
        assert proposal_advance().changed == 0
    with freeze_time(CLOSES):
        report = proposal_advance()

    published.refresh_from_db()
    assert published.status == expected
    assert published.support_count == count
    if expected == "under_review":
        assert report.to_review == [published.pk]
        assert published.assigned_unit == unit
        assert published.answer_due_on == date(2026, 5, 1)  # one month after 1 April (Seoul time)
        assert published.assignments.get().assigned_by is None
    else:
        assert report.closed_insufficient == [published.pk]
        assert published.assigned_unit is None and published.answer_due_on is None


def test_advance_is_idempotent_and_the_command_says_what_it_did(published, supporters):
    supported_by(published, supporters, 50)
    with freeze_time(CLOSES + timedelta(hours=1)):
        out = io.StringIO()
        call_command("proposals_advance", stdout=out)
        assert "Sent to department review: 1" in out.getvalue()
        out = io.StringIO()
        call_command("proposals_advance", stdout=out)
        assert "Proposals moved: 0" in out.getvalue()
        assert advance_proposals() == 0
    assert StageChange.objects.filter(proposal=published, to_status="under_review").count() == 1


def test_debate_and_mayor_thresholds(published, supporters, official, settings):
    settings.PROPOSALS_MAYOR_THRESHOLD = 3
    supported_by(published, supporters, 100)
    with freeze_time(CLOSES):
        proposal_advance()
    with freeze_time(CLOSES + timedelta(hours=1)):
        proposal_answer(actor=official, proposal=published, answer_type="already_in_place", reason="시행 중")
    with freeze_time(CLOSES + timedelta(days=1)):
        report = proposal_advance()
    assert report.debates_opened == [published.pk]
    Proposal.objects.filter(pk=published.pk).update(debate_participant_count=3)
    with freeze_time(CLOSES + timedelta(days=31)):
        report = proposal_advance()
    assert report.to_mayor == [published.pk]
    statuses = list(StageChange.objects.filter(proposal=published).values_list("to_status", flat=True))
    assert statuses == ["open", "under_review", "answered", "in_debate", "awaiting_mayor"]


def test_overdue_answers_are_listed(published, supporters):
    supported_by(published, supporters, 50)
    with freeze_time(CLOSES):
        proposal_advance()
    with freeze_time(PUBLISHED_AT + timedelta(days=62)):
        assert proposal_advance().overdue == [published.pk]


def test_an_overdue_answer_is_flagged_once_from_the_day_after_the_due_date(published, supporters, official):
    supported_by(published, supporters, 50)
    with freeze_time(CLOSES):
        proposal_advance()
    published.refresh_from_db()
    due_on = published.answer_due_on
    with freeze_time(PUBLISHED_AT + timedelta(days=45)):
        proposal_advance()
    published.refresh_from_db()
    assert published.answer_overdue_since is None  # not yet due

    for days in (62, 70):  # run twice: the flag keeps the first day it was overdue
        with freeze_time(PUBLISHED_AT + timedelta(days=days)):
            proposal_advance()
    published.refresh_from_db()
    assert published.answer_overdue_since == due_on + timedelta(days=1)
    assert AuditEvent.objects.filter(action="proposal.answer_overdue", target_id=str(published.pk)).count() == 1

    proposal_answer(
        actor=official, proposal=published, answer_type="already_in_place", reason="이미 시행 중입니다.",
        now=PUBLISHED_AT + timedelta(days=71),
    )
    published.refresh_from_db()
    assert published.status == "answered" and published.answer_overdue_since is None


def test_stage_changes_notify_the_proposer_and_followers(published, supporters, make_citizen, author):
    follower, bystander = make_citizen(), make_citizen()
    proposal_follow(citizen=follower, proposal=published)
    proposal_follow(citizen=author, proposal=published)  # already following: one notice, not two
    supported_by(published, supporters, 50)
    with freeze_time(CLOSES):
        proposal_advance()

    notices = Notification.objects.filter(kind="proposal_under_review")
    assert sorted(notices.values_list("citizen_id", flat=True)) == sorted([author.pk, follower.pk])
    assert not notices.filter(citizen=bystander).exists()
    body = notices.get(citizen=author).body
    assert published.title in body and "2026-05-01" in body
    assert Notification.objects.filter(kind="proposal_open", citizen=author).exists()


def test_add_months_keeps_the_end_of_month():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 12, 15), 1) == date(2027, 1, 15)


def test_a_debate_under_the_mayor_threshold_just_closes(published, supporters, superuser):
    with freeze_time(CLOSES):
        proposal_advance()  # no supports: closed for lack of support
    from proposals.services import proposal_promote

    with freeze_time(CLOSES + timedelta(days=1)):
        proposal_promote(actor=superuser, proposal=published, reason="우수제안")
    with freeze_time(CLOSES + timedelta(days=40)):
        report = proposal_advance()
    assert report.debates_closed == [published.pk]
    assert Proposal.objects.get(pk=published.pk).status == "debate_closed"


def test_answered_under_the_debate_threshold_stays_answered(published, supporters, official):
    supported_by(published, supporters, 99)
    with freeze_time(CLOSES):
        proposal_advance()
    with freeze_time(CLOSES + timedelta(hours=1)):
        proposal_answer(actor=official, proposal=published, answer_type="accepted", reason="", plan="2027년 시행")
    with freeze_time(CLOSES + timedelta(days=2)):
        assert proposal_advance().changed == 0
    assert Proposal.objects.get(pk=published.pk).status == "answered"
