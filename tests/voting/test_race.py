"""Ballots cast at the same instant (PostgreSQL: SQLite serialises writers anyway).

Exactly one ballot per citizen, counters equal to the ballots, one ledger entry per ballot, and
no ballot after a close, whatever the interleaving. The stress tests fire hundreds of threads
at once; the step-by-step tests hold one transaction at a known point and check what the other
one waits for.
"""

import threading
import time
from collections import Counter

import pytest
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse

from audit.models import LedgerEntry
from citizens.consents import purposes
from citizens.services import consent_record
from tests import race_support
from tests.race_support import Pause, wait_for_lock_waiters, widened_pool
from voting import eligibility
from voting.errors import VotingError
from voting.models import Ballot, Participation, Poll, RankingCount, TallyCount
from voting.poll_cache import ballot_poll
from voting.recount import poll_commitments, poll_count_problems
from voting.services import ballot_cast, poll_close_early, poll_hide
from voting.services import polls as polls_module
from voting.services.locks import poll_gate_pass
from voting.tallies import tally_sums

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

@pytest.fixture
def wide_pool():
    with widened_pool():
        yield


def run_at_once(calls, *, timeout=300):
    return race_support.run_at_once(calls, refusals=VotingError, timeout=timeout)


def assert_books_balance(poll, ballots):
    """Participations, ballots, counters and ledger entries all say the same number, and a
    recount from the ballots equals the counters."""
    assert Ballot.objects.filter(poll=poll).count() == ballots
    assert Participation.objects.filter(poll=poll).count() == ballots
    distinct = Participation.objects.filter(poll=poll).values("citizen").distinct().count()
    assert distinct == ballots
    assert tally_sums(poll.pk).get((0, "", ""), 0) == ballots
    assert LedgerEntry.objects.filter(scope=poll.ledger_scope, kind="ballot").count() == ballots
    ledger_commitments = Counter(
        LedgerEntry.objects.filter(scope=poll.ledger_scope).values_list("commitment", flat=True)
    )
    assert ledger_commitments == Counter(poll_commitments(poll.ledger_scope))
    assert poll_count_problems(poll.ledger_scope) == []


def start(name, call, outcome):
    return race_support.start(name, call, outcome, refusals=VotingError)


# --- Hundreds at once -------------------------------------------------------------------------------


@pytest.mark.parametrize("question_type", ["single", "ranked"])
def test_200_concurrent_ballots_with_50_duplicates_count_each_citizen_once(
    make_poll, make_citizen, wide_pool, question_type
):
    poll = make_poll(question_type=question_type, max_choices=1 if question_type == "single" else 3)
    citizens = [make_citizen(district=("11680", "11110", "11440")[i % 3]) for i in range(150)]
    # 25 citizens press the button three times each: 150 + 50 = 200 attempts.
    eager = citizens[:25]
    attempts = [(citizen, i) for i, citizen in enumerate(citizens)] + [
        (citizen, i + repeat) for repeat in (1, 2) for i, citizen in enumerate(eager)
    ]
    assert len(attempts) == 200

    def choices_for(number):
        first = number % 3 + 1
        return [first] if question_type == "single" else [first, first % 3 + 1]

    calls = [
        (lambda citizen=citizen, number=number: ballot_cast(citizen=citizen, poll=poll, choices=choices_for(number)))
        for citizen, number in attempts
    ]
    results, errors = run_at_once(calls)

    assert errors == []
    refusals = [(attempts[i][0].pk, r.code) for i, r in enumerate(results) if isinstance(r, VotingError)]
    assert len(refusals) == 50
    assert {code for _, code in refusals} == {eligibility.ALREADY_VOTED}
    assert Counter(pk for pk, _ in refusals) == Counter({citizen.pk: 2 for citizen in eager})
    receipts = [r.receipt for r in results if not isinstance(r, VotingError)]
    assert len(set(receipts)) == 150
    assert_books_balance(poll, 150)
    assert TallyCount.objects.filter(poll=poll, count__lt=0).count() == 0
    if question_type == "ranked":
        assert RankingCount.objects.filter(poll=poll).aggregate(total=Sum("count"))["total"] == 150


def test_closing_early_while_ballots_arrive_lets_no_ballot_in_after_the_close(
    open_poll, make_citizen, official, wide_pool
):
    citizens = [make_citizen() for _ in range(120)]
    accepted = threading.Semaphore(0)
    at_close = {}

    def vote(citizen):
        def call():
            cast = ballot_cast(citizen=citizen, poll=open_poll, choices=[citizen.pk % 3 + 1])
            accepted.release()
            return cast

        return call

    def close():
        # Close once some ballots are in, while the rest are still arriving.
        for _ in range(20):
            assert accepted.acquire(timeout=60)
        poll_close_early(actor=official, poll=open_poll, reason="투표 방해 의심")
        # Committed: whatever is counted now is all that will ever be counted.
        at_close["tally"] = tally_sums(open_poll.pk)
        return "closed"

    results, errors = run_at_once([vote(citizen) for citizen in citizens] + [close])

    assert errors == []
    assert results[-1] == "closed"
    ballots = [r for r in results[:-1] if not isinstance(r, VotingError)]
    refusals = [r for r in results[:-1] if isinstance(r, VotingError)]
    assert len(ballots) + len(refusals) == 120
    assert len(ballots) >= 20
    assert {error.code for error in refusals} <= {eligibility.CLOSED}
    assert tally_sums(open_poll.pk) == at_close["tally"], "a ballot was counted after the poll closed"
    assert Poll.objects.get(pk=open_poll.pk).status == Poll.Status.CLOSED
    assert_books_balance(open_poll, len(ballots))


# --- Step by step --------------------------------------------------------------------------------------


def test_a_second_request_waits_for_the_first_and_is_refused_when_it_commits(open_poll, voter, monkeypatch):
    import voting.services.ballots as ballots_module

    pause = Pause("first")
    monkeypatch.setattr(ballots_module, "tally_add", pause.wrap(ballots_module.tally_add))
    outcome = {}
    first = start("first", lambda: ballot_cast(citizen=voter, poll=open_poll, choices=["1"]), outcome)
    assert pause.reached.wait(timeout=30)
    second = start("second", lambda: ballot_cast(citizen=voter, poll=open_poll, choices=["2"]), outcome)
    wait_for_lock_waiters(1)  # the second waits on the participation's unique index
    assert "second" not in outcome

    pause.release.set()
    first.join(timeout=30)
    second.join(timeout=30)

    assert not isinstance(outcome["first"], (VotingError, tuple))
    assert isinstance(outcome["second"], VotingError) and outcome["second"].code == eligibility.ALREADY_VOTED
    assert list(Ballot.objects.values_list("choices", flat=True)) == [[1]]
    assert_books_balance(open_poll, 1)


def test_a_second_request_goes_through_when_the_first_fails(open_poll, voter, monkeypatch):
    """Waiting on the unique index is not a refusal: if the first attempt rolls back, the second counts."""
    import voting.services.ballots as ballots_module

    pause = Pause("first")
    real_tally_add = ballots_module.tally_add

    def tally_add_then_fail_in_first(**kwargs):
        pause.wrap(real_tally_add)(**kwargs)
        if threading.current_thread().name == "first":
            raise RuntimeError("the first request's worker died")

    monkeypatch.setattr(ballots_module, "tally_add", tally_add_then_fail_in_first)
    outcome = {}
    first = start("first", lambda: ballot_cast(citizen=voter, poll=open_poll, choices=["1"]), outcome)
    assert pause.reached.wait(timeout=30)
    second = start("second", lambda: ballot_cast(citizen=voter, poll=open_poll, choices=["2"]), outcome)
    wait_for_lock_waiters(1)
    pause.release.set()
    first.join(timeout=30)
    second.join(timeout=30)

    assert outcome["first"][0] == "error"
    assert not isinstance(outcome["second"], (VotingError, tuple))
    assert list(Ballot.objects.values_list("choices", flat=True)) == [[2]]
    assert_books_balance(open_poll, 1)


def test_a_close_waits_for_a_ballot_in_flight_which_is_counted(open_poll, voter, official, monkeypatch):
    import voting.services.ballots as ballots_module

    pause = Pause("ballot")
    monkeypatch.setattr(ballots_module, "tally_add", pause.wrap(ballots_module.tally_add))
    outcome = {}
    ballot = start("ballot", lambda: ballot_cast(citizen=voter, poll=open_poll, choices=["3"]), outcome)
    assert pause.reached.wait(timeout=30)
    close = start("close", lambda: poll_close_early(actor=official, poll=open_poll, reason="일정 변경"), outcome)
    wait_for_lock_waiters(1)  # the close waits at the poll's gate for the ballot in flight
    assert "close" not in outcome

    pause.release.set()
    ballot.join(timeout=30)
    close.join(timeout=30)

    assert not isinstance(outcome["ballot"], (VotingError, tuple))
    assert isinstance(outcome["close"], Poll) and outcome["close"].status == Poll.Status.CLOSED
    assert_books_balance(open_poll, 1)


def test_hiding_waits_for_a_ballot_in_flight_and_refuses_the_next(open_poll, make_citizen, official, monkeypatch):
    import voting.services.ballots as ballots_module

    first, second = make_citizen(), make_citizen()
    pause = Pause("ballot")
    monkeypatch.setattr(ballots_module, "tally_add", pause.wrap(ballots_module.tally_add))
    outcome = {}
    ballot = start("ballot", lambda: ballot_cast(citizen=first, poll=open_poll, choices=["2"]), outcome)
    assert pause.reached.wait(timeout=30)
    hide = start("hide", lambda: poll_hide(actor=official, poll=open_poll, reason="욕설"), outcome)
    wait_for_lock_waiters(1)
    late = start("late", lambda: ballot_cast(citizen=second, poll=open_poll, choices=["1"]), outcome)
    wait_for_lock_waiters(2)  # the late ballot queues behind the hide, not ahead of it
    pause.release.set()
    for thread in (ballot, hide, late):
        thread.join(timeout=30)

    assert not isinstance(outcome["ballot"], (VotingError, tuple))
    assert isinstance(outcome["hide"], Poll) and outcome["hide"].hidden_at is not None
    assert isinstance(outcome["late"], VotingError) and outcome["late"].code == eligibility.HIDDEN
    assert_books_balance(open_poll, 1)


def test_a_ballot_that_arrives_during_the_close_waits_and_is_refused(open_poll, voter, official, monkeypatch):

    pause = Pause("close")
    monkeypatch.setattr(polls_module, "_record", pause.wrap(polls_module._record))
    outcome = {}
    close = start("close", lambda: poll_close_early(actor=official, poll=open_poll, reason="일정 변경"), outcome)
    assert pause.reached.wait(timeout=30)  # the close holds the gate shut and has set the poll closed
    ballot = start("ballot", lambda: ballot_cast(citizen=voter, poll=open_poll, choices=["1"]), outcome)
    wait_for_lock_waiters(1)
    assert "ballot" not in outcome

    pause.release.set()
    close.join(timeout=30)
    ballot.join(timeout=30)

    assert isinstance(outcome["ballot"], VotingError) and outcome["ballot"].code == eligibility.CLOSED
    assert_books_balance(open_poll, 0)


def test_a_close_is_not_starved_by_a_steady_stream_of_ballots(open_poll, make_citizen, official, monkeypatch, wide_pool):
    """Ballots keep arriving, each overlapping the next: the close still gets its turn, and the
    ballots that arrive after it asked are refused rather than let in ahead of it."""
    import voting.services.ballots as ballots_module

    real_tally_add = ballots_module.tally_add

    def slow_tally_add(**kwargs):
        real_tally_add(**kwargs)
        time.sleep(0.1)  # a ballot holds its transaction open for a while

    monkeypatch.setattr(ballots_module, "tally_add", slow_tally_add)
    citizens = [make_citizen() for _ in range(40)]
    outcome, threads = {}, []
    for index, citizen in enumerate(citizens):
        name = f"ballot-{index}"
        threads.append(start(name, lambda citizen=citizen: ballot_cast(citizen=citizen, poll=open_poll, choices=["1"]),
                             outcome))
        time.sleep(0.02)  # a new ballot every 20 ms, each open for 100 ms: always some in flight
        if index == 9:
            closing = start("close", lambda: poll_close_early(actor=official, poll=open_poll, reason="긴급"), outcome)
    for thread in [*threads, closing]:
        thread.join(timeout=60)

    assert isinstance(outcome["close"], Poll)
    refused = [name for name, result in outcome.items() if isinstance(result, VotingError)]
    assert all(outcome[name].code == eligibility.CLOSED for name in refused)
    # The close asked after the 10th ballot; the stream went on for 600 ms more.
    assert len(refused) >= 20, f"the close waited for the whole stream ({len(refused)} ballots refused)"
    assert_books_balance(open_poll, 40 - len(refused))


# --- The gate's read ----------------------------------------------------------------------------


def test_the_gate_reads_the_poll_as_committed_while_it_waited(open_poll, official, monkeypatch):
    """poll_gate_pass is one statement: it must still see what a close committed while it waited
    at the gate, not the poll as it was when the statement began."""
    pause = Pause("close")
    monkeypatch.setattr(polls_module, "_record", pause.wrap(polls_module._record))
    outcome = {}
    close = start("close", lambda: poll_close_early(actor=official, poll=open_poll, reason="일정 변경"), outcome)
    assert pause.reached.wait(timeout=30)  # the gate is shut; the poll's row says closed, uncommitted

    def read():
        with transaction.atomic():
            return poll_gate_pass(open_poll.pk, ("status", "closed_at"))

    reader = start("reader", read, outcome)
    wait_for_lock_waiters(1)
    pause.release.set()
    close.join(timeout=30)
    reader.join(timeout=30)

    status, closed_at = outcome["reader"]
    assert status == Poll.Status.CLOSED and closed_at is not None


def test_a_ballot_from_a_cached_poll_during_the_close_waits_and_is_refused(
    client, open_poll, voter, official, monkeypatch
):
    """The cast view's fast way (the poll from the cache, checked again behind the gate) meets a
    close in progress: it waits, sees the poll changed, and the vote is refused, nothing written."""
    snapshot = ballot_poll(open_poll.pk)  # cached: the poll as open
    assert snapshot.poll.status == Poll.Status.OPEN
    pause = Pause("close")
    monkeypatch.setattr(polls_module, "_record", pause.wrap(polls_module._record))
    outcome = {}
    close = start("close", lambda: poll_close_early(actor=official, poll=open_poll, reason="일정 변경"), outcome)
    assert pause.reached.wait(timeout=30)
    consent_record(citizen=voter, answers={item.key: True for item in purposes()})
    client.force_login(voter, backend="citizens.backends.PhoneCodeBackend")
    cast = start(
        "cast", lambda: client.post(reverse("voting:cast", args=[open_poll.pk]), {"choices": "1"}), outcome
    )
    wait_for_lock_waiters(1)
    pause.release.set()
    close.join(timeout=30)
    cast.join(timeout=30)

    assert outcome["cast"].status_code == 403
    assert_books_balance(open_poll, 0)
