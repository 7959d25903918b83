"""Concurrent stances and ratings keep the counts exact (PostgreSQL: SQLite serialises writers anyway)."""

import threading

import pytest
from django.db import connection

from proposals.errors import ProposalError
from proposals.models import ArgumentRating, DebateStance, Proposal
from proposals.services.debate import argument_rate_helpful, debate_take_stance

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_together(calls):
    """Start every call at once, each in its own thread and connection; returns (refusals, errors)."""
    start = threading.Barrier(len(calls))
    refused, errors = [], []

    def run(call):
        try:
            start.wait(timeout=30)
            call()
        except ProposalError as error:
            refused.append(str(error))
        except Exception as error:  # surfaced by the callers' assertions
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return refused, errors


def test_twenty_concurrent_participants_plus_duplicates_are_counted_exactly(debate, make_citizen):
    citizens = [make_citizen() for _ in range(20)]
    eager = citizens[0]
    calls = [
        (lambda citizen=citizen: debate_take_stance(citizen=citizen, proposal=debate, stance="for", argument="찬성"))
        for citizen in citizens
    ] + [
        (lambda side=side: debate_take_stance(citizen=eager, proposal=debate, stance=side))
        for side in ["against", "undecided", "for", "against", "for"]
    ]
    refused, errors = run_together(calls)

    assert errors == [] and refused == []  # a second request of the same citizen changes the stance
    proposal = Proposal.objects.get(pk=debate.pk)
    distinct = DebateStance.objects.filter(proposal=proposal).values("citizen").distinct().count()
    assert proposal.debate_participant_count == distinct == DebateStance.objects.filter(proposal=proposal).count() == 20


def test_twenty_concurrent_ratings_plus_duplicates_are_counted_exactly(debate, make_citizen):
    argument = debate_take_stance(citizen=make_citizen(), proposal=debate, stance="against", argument="예산 낭비")
    readers = [make_citizen() for _ in range(20)]
    calls = [
        (lambda reader=reader: argument_rate_helpful(citizen=reader, stance=argument, rated=True)) for reader in readers
    ] + [(lambda: argument_rate_helpful(citizen=readers[0], stance=argument, rated=True)) for _ in range(5)]
    refused, errors = run_together(calls)

    assert errors == [] and refused == []
    argument.refresh_from_db()
    assert argument.helpful_count == ArgumentRating.objects.filter(stance=argument).count() == 20


def test_concurrent_toggles_and_an_edit_keep_the_count_equal_to_the_ratings(debate, make_citizen):
    writer = make_citizen()
    argument = debate_take_stance(citizen=writer, proposal=debate, stance="for", argument="첫 논거")
    readers = [make_citizen() for _ in range(10)]
    calls = [(lambda reader=reader: argument_rate_helpful(citizen=reader, stance=argument)) for reader in readers]
    calls += [(lambda: argument_rate_helpful(citizen=readers[0], stance=argument)) for _ in range(4)]
    calls.append(lambda: debate_take_stance(citizen=writer, proposal=debate, stance="for", argument="고친 논거"))
    refused, errors = run_together(calls)

    assert errors == [] and refused == []
    argument.refresh_from_db()
    assert argument.helpful_count == ArgumentRating.objects.filter(stance=argument).count()
    assert Proposal.objects.get(pk=debate.pk).debate_participant_count == 1
