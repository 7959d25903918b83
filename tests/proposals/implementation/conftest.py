"""Fixtures of implementation tracking: accepted proposals, the people around them, and the
notification kinds registered as the app's ready() will (the lead wires it)."""

from datetime import date, timedelta

import pytest

from governance.models import OrgAssignment
from proposals.models import Proposal
from proposals.notifications_implementation import register_implementation_notification_kinds
from proposals.services import proposal_answer

from ..conftest import PUBLISHED_AT

ANSWERED_AT = PUBLISHED_AT + timedelta(days=40)
NOW = PUBLISHED_AT + timedelta(days=60)
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def _implementation_kinds():
    register_implementation_notification_kinds()


def answer(proposal, official, unit, answer_type=Proposal.AnswerType.ACCEPTED):
    """Take a published proposal to review and let the unit's official answer it."""
    Proposal.objects.filter(pk=proposal.pk).update(
        status=Proposal.Status.UNDER_REVIEW, assigned_unit=unit, answer_due_on=date(2026, 5, 1)
    )
    reason = "" if answer_type != Proposal.AnswerType.NOT_ACCEPTED else "예산이 부족합니다."
    plan = (
        "2026년 하반기부터 심야 버스 2개 노선을 신설합니다."
        if answer_type in {"accepted", "partially_accepted"}
        else ""
    )
    return proposal_answer(
        actor=official,
        proposal=Proposal.objects.get(pk=proposal.pk),
        answer_type=answer_type,
        reason=reason,
        plan=plan,
        now=ANSWERED_AT,
    )


@pytest.fixture
def accepted(published, official, unit):
    return answer(published, official, unit)


@pytest.fixture
def official_elsewhere(make_citizen, other_unit):
    person = make_citizen(is_staff=True)
    OrgAssignment.objects.create(unit=other_unit, official=person, started_on=date(2020, 1, 1))
    return person


@pytest.fixture
def follower(make_citizen, published):
    from proposals.services import proposal_follow

    citizen = make_citizen()
    proposal_follow(citizen=citizen, proposal=published)
    return citizen
