"""On PostgreSQL: what the mixer hides from someone reading the database itself (the transaction
id every row carries, xmin), and how it runs beside ballots being cast and beside another mixer."""

import threading

import pytest
from django.db import connection, transaction

from audit.services import ledger_seal
from audit.verification import ledger_verify
from budgeting.models import BudgetBallot, BudgetParticipation
from budgeting.recount import cycle_count_problems
from budgeting.services.ballots import ballot_cast
from budgeting.services.mixing import budget_mix

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

WAIT = 60


@pytest.fixture(autouse=True)
def _scheduler_mixes(settings):
    """Production: the scheduler mixes and seals, not each commit."""
    settings.LEDGER_SEAL_ON_COMMIT = False


# name: (table, the cycle's rows, the transaction id the row carries)
ROWS = {
    "ballot": ("budgeting_budgetballot", "cycle_id = %s", "xmin"),
    "participation": ("budgeting_budgetparticipation", "cycle_id = %s", "xmin"),
    "project": ("budgeting_project", "cycle_id = %s", "xmin"),
    "ledger": ("audit_ledgerentry", "scope = %s", "xmin"),
    # The ballot locks its voter's declaration (FOR UPDATE): the lock leaves its transaction id
    # in the row's xmax, next to the citizen's id, for as long as the row is not written again.
    "declaration": ("budgeting_eligibilitydeclaration", "cycle_id = %s", "xmax"),
}


def shared_transactions(cycle, rows, other):
    """How many of the cycle's `rows` carry the transaction id of one of its `other` rows."""
    (first, first_scope, first_id), (second, second_scope, second_id) = ROWS[rows], ROWS[other]
    params = [cycle.ledger_scope if name == "ledger" else cycle.pk for name in (rows, other)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM {first} a JOIN {second} b ON a.{first_id}::text = b.{second_id}::text"  # noqa: S608 -- names above
            f" WHERE a.{first_scope} AND b.{second_scope}",
            params,
        )
        return cursor.fetchone()[0]


def test_after_mixing_and_sealing_no_transaction_id_pairs_a_ballot_with_its_voter(vote_cycle, projects, make_voter):
    picks = [[0, 4], [1], [0, 1, 2], [4, 5], [3]]
    for chosen in picks:
        ballot_cast(citizen=make_voter(), cycle=vote_cycle, project_ids=[projects[index].pk for index in chosen])
    # What the mixer is for: a fresh ballot, its participation, the counters it raised and its
    # ledger entry all carry the transaction that cast it, and so does the voter's declaration.
    for voter_row in ("participation", "declaration"):
        assert shared_transactions(vote_cycle, "ballot", voter_row) == 5
        assert shared_transactions(vote_cycle, "project", voter_row) == 6
        assert shared_transactions(vote_cycle, "ledger", voter_row) == 5

    report = budget_mix()

    assert (report.ballots, report.participations, report.projects) == (5, 5, 6)
    for voter_row in ("participation", "declaration"):
        assert shared_transactions(vote_cycle, "ballot", voter_row) == 0
        assert shared_transactions(vote_cycle, "project", voter_row) == 0
    assert shared_transactions(vote_cycle, "ballot", "participation") == 0
    assert shared_transactions(vote_cycle, "project", "ballot") == 0
    assert shared_transactions(vote_cycle, "project", "participation") == 0
    # Until sealed, a ledger entry (which names its ballot's receipt digest) still carries the
    # transaction the declaration was locked in: the sealer rewrites it.
    assert shared_transactions(vote_cycle, "ledger", "declaration") == 5
    ledger_seal()
    assert shared_transactions(vote_cycle, "ledger", "declaration") == 0
    assert shared_transactions(vote_cycle, "ledger", "participation") == 0
    assert BudgetParticipation.objects.filter(cycle=vote_cycle).count() == BudgetBallot.objects.count() == 5
    assert cycle_count_problems(vote_cycle.ledger_scope) == []
    report = ledger_verify()
    assert report.ok, report.problems


def run_in_thread(target):
    """Start `target` in a thread with its own connection; returns (thread, errors)."""
    errors = []

    def run():
        try:
            target()
        except Exception as error:  # noqa: BLE001 -- reported by the test's assertion on errors
            errors.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, errors


def test_a_ballot_cast_during_a_run_waits_for_the_next_and_neither_blocks_the_other(vote_cycle, projects, make_voter):
    for voter in [make_voter() for _ in range(3)]:
        ballot_cast(citizen=voter, cycle=vote_cycle, project_ids=[projects[0].pk])
    late = make_voter()
    cast, commit = threading.Event(), threading.Event()

    def cast_and_hold():
        with transaction.atomic():
            ballot_cast(citizen=late, cycle=vote_cycle, project_ids=[projects[4].pk])
            cast.set()
            assert commit.wait(WAIT)

    caster, caster_errors = run_in_thread(cast_and_hold)
    try:
        assert cast.wait(WAIT)
        reports = []
        mixer, mixer_errors = run_in_thread(lambda: reports.append(budget_mix()))
        mixer.join(WAIT)
        assert not mixer.is_alive(), "the mixer waited for a ballot in flight"
    finally:
        commit.set()
        caster.join(WAIT)
    assert not caster_errors and not mixer_errors
    assert (reports[0].ballots, reports[0].participations) == (3, 3)
    assert BudgetBallot.objects.filter(mixed=False).count() == 1

    assert budget_mix().ballots == 1
    assert not BudgetParticipation.objects.filter(mixed=False).exists()
    assert cycle_count_problems(vote_cycle.ledger_scope) == []


def test_a_second_mixer_skips_the_rows_the_first_holds(vote_cycle, projects, make_voter):
    for voter in [make_voter() for _ in range(4)]:
        ballot_cast(citizen=voter, cycle=vote_cycle, project_ids=[projects[1].pk])
    held, release = threading.Event(), threading.Event()

    def hold_one_of_each():
        """What a first mixer does mid-run: it holds the fresh rows it took."""
        with transaction.atomic():
            list(BudgetBallot.objects.select_for_update().filter(mixed=False).order_by("id")[:1])
            list(BudgetParticipation.objects.select_for_update().filter(mixed=False).order_by("id")[:1])
            held.set()
            assert release.wait(WAIT)

    holder, errors = run_in_thread(hold_one_of_each)
    try:
        assert held.wait(WAIT)
        report = budget_mix()
    finally:
        release.set()
        holder.join(WAIT)
    assert not errors
    assert (report.ballots, report.participations) == (3, 3)

    report = budget_mix()
    assert (report.ballots, report.participations) == (1, 1)
    assert (
        BudgetBallot.objects.filter(mixed=True).count() == BudgetParticipation.objects.filter(mixed=True).count() == 4
    )
