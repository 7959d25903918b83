"""The permission grid of Seoul asks: roles × question states × kinds, for the rules the pages
consult and for the services that do the work."""

from datetime import timedelta

import pytest
import rules
from django.utils import timezone

from proposals.errors import ProposalError
from proposals.models import Question
from proposals.services.questions import (
    question_close,
    question_conclude,
    question_create,
    question_opine,
    question_publish,
    question_vote,
)

from .conftest import K, S

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "unverified", "citizen", "official_elsewhere", "official_of_unit", "superuser"]
MANAGERS = {"official_of_unit", "superuser"}
# Officials are citizens too: with a verified phone they vote like anyone (the superuser has none).
VERIFIED = {"citizen", "official_elsewhere", "official_of_unit"}


@pytest.mark.parametrize("role", ROLES)
def test_who_asks_in_a_unit(role, people, unit):
    may = role in MANAGERS
    assert rules.has_perm("proposals.ask_question", people[role], unit) is may
    closes = timezone.now() + timedelta(days=3)
    if may:
        assert question_create(
            actor=people[role], unit=unit, title="질문", body="배경", kind=K.YES_NO, closes_at=closes
        )
    else:
        with pytest.raises(ProposalError):
            question_create(actor=people[role], unit=unit, title="질문", body="배경", kind=K.YES_NO, closes_at=closes)


@pytest.mark.parametrize("status", S.values)
@pytest.mark.parametrize("role", ROLES)
def test_who_manages_a_question_in_each_state(role, status, people, ask):
    question = ask(status=status)
    actor = people[role]
    assert rules.has_perm("proposals.manage_question", actor, question) is (role in MANAGERS)
    # The service that applies in this state: publish a draft, conclude a closed question.
    if status == S.DRAFT:
        move, to_status = (lambda: question_publish(actor=actor, question=question)), S.OPEN
    elif status == S.CLOSED:
        move, to_status = (lambda: question_conclude(actor=actor, question=question, conclusion="결론")), S.CONCLUDED
    else:
        move, to_status = (lambda: question_conclude(actor=actor, question=question, conclusion="결론")), None
    if role in MANAGERS and to_status:
        move()
        assert Question.objects.get(pk=question.pk).status == to_status
    else:
        with pytest.raises(ProposalError):
            move()
        assert Question.objects.get(pk=question.pk).status == status


@pytest.mark.parametrize("kind", K.values)
@pytest.mark.parametrize("status", S.values)
@pytest.mark.parametrize("role", ROLES)
def test_who_answers_a_question_in_each_state(role, status, kind, people, ask):
    question = ask(status=status, kind=kind)
    actor = people[role]
    is_open = status == S.OPEN
    may_vote = role in VERIFIED and is_open and kind == K.YES_NO
    may_opine = role in VERIFIED and is_open and kind == K.DISCUSSION
    assert rules.has_perm("proposals.vote_question", actor, question) is may_vote
    assert rules.has_perm("proposals.opine_question", actor, question) is may_opine
    if role == "anonymous":
        return  # the views send a visitor to sign in before any service is called
    if may_vote:
        question_vote(citizen=actor, question=question, choice=True)
    else:
        with pytest.raises(ProposalError):
            question_vote(citizen=actor, question=question, choice=True)
    if may_opine:
        question_opine(citizen=actor, question=question, body="의견입니다.")
    else:
        with pytest.raises(ProposalError):
            question_opine(citizen=actor, question=question, body="의견입니다.")
    question.refresh_from_db()
    assert (question.yes_count, question.opinion_count) == (int(may_vote), int(may_opine))


def test_closing_is_for_the_clock_whoever_asks(ask):
    """question_close has no actor check: it runs from the periodic advance; the admin action
    checks the official first (see test_admin)."""
    question = ask(status=S.OPEN, days=1)
    assert question_close(question=question, now=timezone.now() + timedelta(days=2)) is True


def test_the_open_predicate_reads_the_closing_time(ask, people):
    """Past its closing date a question takes no answer, even before the periodic close runs."""
    question = ask(status=S.OPEN)
    now = timezone.now()
    Question.objects.filter(pk=question.pk).update(
        opens_at=now - timedelta(days=2), closes_at=now - timedelta(seconds=1)
    )
    question.refresh_from_db()
    assert question.status == S.OPEN
    assert not rules.has_perm("proposals.vote_question", people["citizen"], question)
