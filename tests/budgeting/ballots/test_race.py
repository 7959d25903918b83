"""Ballots cast at the same instant (PostgreSQL: SQLite serialises writers anyway).

Exactly one ballot per citizen, the projects' votes equal to the ballots, one ledger entry per
ballot, and no ballot after the vote's end, whatever the interleaving. The stress tests fire
hundreds of threads at once; the step-by-step tests hold one transaction at a known point and
check what the other one waits for.
"""

import threading
from collections import Counter

import pytest
from django.db import transaction
from django.utils import timezone

from audit.models import LedgerEntry
from audit.verification import ledger_verify
from budgeting.errors import BudgetingError
from budgeting.models import BudgetBallot, BudgetParticipation, EligibilityDeclaration, Phase, Project
from budgeting.recount import cycle_commitments, cycle_count_problems
from budgeting.services import eligibility
from budgeting.services.ballots import LEDGER_KIND, ballot_cast, ballot_enter_paper
from budgeting.services.eligibility import declaration_record
from tests import race_support
from tests.race_support import Pause, wait_for_lock_waiters, widened_pool

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

@pytest.fixture
def wide_pool():
    with widened_pool():
        yield


def run_at_once(calls, *, timeout=300):
    return race_support.run_at_once(calls, refusals=BudgetingError, timeout=timeout)


def assert_books_balance(cycle, ballots):
    """Participations, ballots and ledger entries all say the same number, the projects' votes
    equal the picks in the ballots, and the recount agrees."""
    assert BudgetBallot.objects.filter(cycle=cycle).count() == ballots
    assert BudgetParticipation.objects.filter(cycle=cycle).count() == ballots
    assert BudgetParticipation.objects.filter(cycle=cycle).values("citizen").distinct().count() == ballots
    assert LedgerEntry.objects.filter(scope=cycle.ledger_scope, kind=LEDGER_KIND).count() == ballots
    picks = Counter(
        pk
        for projects in BudgetBallot.objects.filter(cycle=cycle).values_list("projects", flat=True)
        for pk in projects
    )
    votes = Counter(
        {pk: count for pk, count in Project.objects.filter(cycle=cycle).values_list("pk", "votes") if count}
    )
    assert votes == picks
    ledger = Counter(LedgerEntry.objects.filter(scope=cycle.ledger_scope).values_list("commitment", flat=True))
    assert ledger == Counter(cycle_commitments(cycle.ledger_scope))
    assert cycle_count_problems(cycle.ledger_scope) == []
    report = ledger_verify()
    assert report.ok, report.problems


def start(name, call, outcome):
    return race_support.start(name, call, outcome, refusals=BudgetingError)


def end_the_vote(cycle):
    """An official ends the vote now: the phase's row is locked and changed, as phases_save does."""
    with transaction.atomic():
        phase = Phase.objects.select_for_update().get(cycle=cycle, kind="vote")
        phase.ends_at = timezone.now()
        phase.save(update_fields=["ends_at"])
    return phase


@pytest.fixture
def projects(vote_cycle, make_project):
    return {
        "city": [make_project(vote_cycle, cost=10_000_000) for _ in range(4)],
        "11680": [make_project(vote_cycle, district="11680", cost=10_000_000) for _ in range(3)],
        "11110": [make_project(vote_cycle, district="11110", cost=10_000_000) for _ in range(3)],
    }


@pytest.fixture
def voters(vote_cycle, make_citizen, declare):
    def make(count):
        citizens = []
        for number in range(count):
            district = ("11680", "11110")[number % 2]
            citizen = make_citizen(district=district)
            declare(citizen, vote_cycle, district=district)
            citizens.append(citizen)
        return citizens

    return make


def picks_for(projects, citizen, number):
    district = projects[citizen.district_id]
    return [projects["city"][number % 4].pk, projects["city"][(number + 1) % 4].pk, district[number % 3].pk]


# --- Hundreds at once -------------------------------------------------------------------------------


def test_200_concurrent_ballots_with_50_duplicates_count_each_citizen_once(vote_cycle, projects, voters, wide_pool):
    citizens = voters(150)
    # 25 citizens press the button three times each: 150 + 50 = 200 attempts.
    eager = citizens[:25]
    attempts = [(citizen, i) for i, citizen in enumerate(citizens)] + [
        (citizen, i + repeat) for repeat in (1, 2) for i, citizen in enumerate(eager)
    ]
    assert len(attempts) == 200
    calls = [
        (
            lambda citizen=citizen, number=number: ballot_cast(
                citizen=citizen, cycle=vote_cycle, project_ids=picks_for(projects, citizen, number)
            )
        )
        for citizen, number in attempts
    ]
    results, errors = run_at_once(calls)

    assert errors == []
    refusals = [(attempts[i][0].pk, r.code) for i, r in enumerate(results) if isinstance(r, BudgetingError)]
    assert len(refusals) == 50
    assert {code for _, code in refusals} == {eligibility.ALREADY_VOTED}
    assert Counter(pk for pk, _ in refusals) == Counter({citizen.pk: 2 for citizen in eager})
    receipts = [r.receipt for r in results if not isinstance(r, BudgetingError)]
    assert len(set(receipts)) == 150
    assert_books_balance(vote_cycle, 150)
    assert sum(Project.objects.filter(cycle=vote_cycle).values_list("votes", flat=True)) == 450


def test_online_and_paper_at_the_same_instant_count_once(vote_cycle, projects, voters, official, wide_pool):
    citizens = voters(40)
    calls = []
    for number, citizen in enumerate(citizens):
        picks = picks_for(projects, citizen, number)
        calls.append(
            lambda citizen=citizen, picks=picks: ballot_cast(citizen=citizen, cycle=vote_cycle, project_ids=picks)
        )
        calls.append(
            lambda citizen=citizen, picks=picks: ballot_enter_paper(
                actor=official, cycle=vote_cycle, citizen=citizen, project_ids=picks
            )
        )
    results, errors = run_at_once(calls)

    assert errors == []
    refusals = [r for r in results if isinstance(r, BudgetingError)]
    assert len(refusals) == 40 and {r.code for r in refusals} == {eligibility.ALREADY_VOTED}
    assert_books_balance(vote_cycle, 40)


def test_the_end_of_the_vote_racing_ballots_lets_none_in_after_it(vote_cycle, projects, voters, wide_pool):
    citizens = voters(120)
    accepted = threading.Semaphore(0)
    at_end = {}

    def vote(citizen, number):
        def call():
            cast = ballot_cast(citizen=citizen, cycle=vote_cycle, project_ids=picks_for(projects, citizen, number))
            accepted.release()
            return cast

        return call

    def end():
        # End the vote once some ballots are in, while the rest are still arriving.
        for _ in range(20):
            assert accepted.acquire(timeout=60)
        end_the_vote(vote_cycle)
        # Committed: whatever is counted now is all that will ever be counted.
        at_end["ballots"] = BudgetBallot.objects.filter(cycle=vote_cycle).count()
        at_end["votes"] = sorted(Project.objects.filter(cycle=vote_cycle).values_list("pk", "votes"))
        return "ended"

    results, errors = run_at_once([vote(citizen, number) for number, citizen in enumerate(citizens)] + [end])

    assert errors == []
    assert results[-1] == "ended"
    ballots = [r for r in results[:-1] if not isinstance(r, BudgetingError)]
    refusals = [r for r in results[:-1] if isinstance(r, BudgetingError)]
    assert len(ballots) + len(refusals) == 120
    assert len(ballots) >= 20
    assert {error.code for error in refusals} <= {eligibility.CLOSED}
    assert BudgetBallot.objects.filter(cycle=vote_cycle).count() == at_end["ballots"] == len(ballots)
    assert sorted(Project.objects.filter(cycle=vote_cycle).values_list("pk", "votes")) == at_end["votes"], (
        "a ballot was counted after the vote ended"
    )
    assert_books_balance(vote_cycle, len(ballots))


# --- Step by step --------------------------------------------------------------------------------------


def test_the_end_of_the_vote_waits_for_a_ballot_in_flight_which_is_counted(vote_cycle, projects, voters, monkeypatch):
    import budgeting.services.ballots as ballots_module

    [citizen] = voters(1)
    pause = Pause("ballot")
    monkeypatch.setattr(ballots_module, "ledger_append", pause.wrap(ballots_module.ledger_append))
    outcome = {}
    ballot = start(
        "ballot",
        lambda: ballot_cast(citizen=citizen, cycle=vote_cycle, project_ids=picks_for(projects, citizen, 0)),
        outcome,
    )
    assert pause.reached.wait(timeout=30)
    end = start("end", lambda: end_the_vote(vote_cycle), outcome)
    wait_for_lock_waiters(1)  # the end waits on the vote phase's row for the ballot in flight
    assert "end" not in outcome

    pause.release.set()
    ballot.join(timeout=30)
    end.join(timeout=30)

    assert not isinstance(outcome["ballot"], (BudgetingError, tuple))
    assert isinstance(outcome["end"], Phase)
    assert_books_balance(vote_cycle, 1)


def test_a_ballot_that_arrives_during_the_end_waits_and_is_refused(vote_cycle, projects, voters, monkeypatch):
    [citizen] = voters(1)
    holding = threading.Event()
    release = threading.Event()
    outcome = {}

    def end_slowly():
        with transaction.atomic():
            phase = Phase.objects.select_for_update().get(cycle=vote_cycle, kind="vote")
            phase.ends_at = timezone.now()
            phase.save(update_fields=["ends_at"])
            holding.set()
            assert release.wait(timeout=60)
        return phase

    end = start("end", end_slowly, outcome)
    assert holding.wait(timeout=30)
    ballot = start(
        "ballot",
        lambda: ballot_cast(citizen=citizen, cycle=vote_cycle, project_ids=picks_for(projects, citizen, 0)),
        outcome,
    )
    wait_for_lock_waiters(1)
    assert "ballot" not in outcome
    release.set()
    end.join(timeout=30)
    ballot.join(timeout=30)

    assert isinstance(outcome["ballot"], BudgetingError) and outcome["ballot"].code == eligibility.CLOSED
    assert_books_balance(vote_cycle, 0)


def test_a_declaration_change_waits_for_the_ballot_and_is_then_refused(vote_cycle, projects, voters, monkeypatch):
    import budgeting.services.ballots as ballots_module

    [citizen] = voters(1)
    pause = Pause("ballot")
    monkeypatch.setattr(ballots_module, "ledger_append", pause.wrap(ballots_module.ledger_append))
    outcome = {}
    ballot = start(
        "ballot",
        lambda: ballot_cast(citizen=citizen, cycle=vote_cycle, project_ids=picks_for(projects, citizen, 0)),
        outcome,
    )
    assert pause.reached.wait(timeout=30)
    change = start(
        "change",
        lambda: declaration_record(
            actor=citizen,
            cycle=vote_cycle,
            basis="worker",
            district="11440",
            place="마포 회사",
            not_public_official=True,
        ),
        outcome,
    )
    wait_for_lock_waiters(1)  # on the declaration's row, held by the ballot
    pause.release.set()
    ballot.join(timeout=30)
    change.join(timeout=30)

    assert not isinstance(outcome["ballot"], (BudgetingError, tuple))
    assert isinstance(outcome["change"], BudgetingError) and outcome["change"].code == eligibility.ALREADY_VOTED
    assert EligibilityDeclaration.objects.get(citizen=citizen).district_id == citizen.district_id
    assert_books_balance(vote_cycle, 1)


def test_a_second_request_goes_through_when_the_first_fails(vote_cycle, projects, voters, monkeypatch):
    """Waiting behind the first attempt is not a refusal: if the first rolls back, the second counts."""
    import budgeting.services.ballots as ballots_module

    [citizen] = voters(1)
    pause = Pause("first")
    real_append = ballots_module.ledger_append

    def append_then_fail_in_first(**kwargs):
        entry = pause.wrap(real_append)(**kwargs)
        if threading.current_thread().name == "first":
            raise RuntimeError("the first request's worker died")
        return entry

    monkeypatch.setattr(ballots_module, "ledger_append", append_then_fail_in_first)
    outcome = {}
    first = start(
        "first",
        lambda: ballot_cast(citizen=citizen, cycle=vote_cycle, project_ids=picks_for(projects, citizen, 0)),
        outcome,
    )
    assert pause.reached.wait(timeout=30)
    second = start(
        "second",
        lambda: ballot_cast(citizen=citizen, cycle=vote_cycle, project_ids=picks_for(projects, citizen, 1)),
        outcome,
    )
    wait_for_lock_waiters(1)
    pause.release.set()
    first.join(timeout=30)
    second.join(timeout=30)

    assert outcome["first"][0] == "error"
    assert not isinstance(outcome["second"], (BudgetingError, tuple))
    assert BudgetBallot.objects.get().projects == sorted(picks_for(projects, citizen, 1))
    assert_books_balance(vote_cycle, 1)
