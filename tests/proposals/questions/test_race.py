"""Concurrent votes and opinions keep the counts exact (PostgreSQL: SQLite serialises writers anyway)."""

import threading

import pytest
from django.db import connection

from proposals.errors import ProposalError
from proposals.models import Question, QuestionOpinion, QuestionVote
from proposals.services.questions import question_opine, question_vote

from .conftest import K, S

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_at_once(attempts, act):
    start = threading.Barrier(len(attempts))
    refused, errors = [], []

    def attempt(index, citizen):
        try:
            start.wait(timeout=30)
            act(index, citizen)
        except ProposalError as error:
            refused.append((citizen.pk, str(error)))
        except Exception as error:  # surfaced by the assertions
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(index, citizen)) for index, citizen in enumerate(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return refused, errors


def test_forty_concurrent_voters_plus_duplicates_are_counted_exactly(ask, make_citizen):
    question = ask(status=S.OPEN)
    citizens = [make_citizen() for _ in range(40)]
    eager = citizens[0]
    refused, errors = run_at_once(
        citizens + [eager] * 10,
        lambda index, citizen: question_vote(citizen=citizen, question=question, choice=index % 3 != 0),
    )
    assert errors == []
    assert len(refused) == 10 and {pk for pk, _ in refused} == {eager.pk}
    question = Question.objects.get(pk=question.pk)
    votes = QuestionVote.objects.filter(question=question)
    assert question.yes_count + question.no_count == votes.values("citizen").distinct().count() == votes.count() == 40
    assert question.yes_count == votes.filter(choice=True).count()
    assert question.no_count == votes.filter(choice=False).count()


def test_concurrent_opinions_plus_duplicates_are_counted_exactly(ask, make_citizen):
    question = ask(status=S.OPEN, kind=K.DISCUSSION)
    citizens = [make_citizen() for _ in range(30)]
    refused, errors = run_at_once(
        citizens + citizens[:5],
        lambda index, citizen: question_opine(citizen=citizen, question=question, body=f"의견 {index}"),
    )
    assert errors == []
    assert len(refused) == 5
    question = Question.objects.get(pk=question.pk)
    assert question.opinion_count == QuestionOpinion.objects.filter(question=question).count() == 30
