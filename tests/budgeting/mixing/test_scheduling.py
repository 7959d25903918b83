"""What runs the mixer: Celery beat every minute, the operators' `manage.py budgeting_advance`,
and, in embedded mode (no scheduler), the ballot's on-commit hook, which mixes before it seals."""

import io

import pytest
from django.core.management import call_command

import audit.services
import budgeting.services.mixing
from audit.models import LedgerEntry
from budgeting.models import BudgetBallot, BudgetParticipation
from budgeting.recount import cycle_count_problems
from budgeting.services.ballots import ballot_cast, ballot_enter_paper
from budgeting.tasks import mix_ballots
from seoul_portal.celery import app

pytestmark = pytest.mark.django_db


def cast(cycle, voters, project):
    for voter in voters:
        ballot_cast(citizen=voter, cycle=cycle, project_ids=[project.pk])


def advance() -> str:
    out = io.StringIO()
    call_command("budgeting_advance", stdout=out)
    return out.getvalue()


def test_budgeting_advance_mixes_and_says_what_it_did_and_is_safe_to_run_twice(vote_cycle, projects, make_voter):
    cast(vote_cycle, [make_voter() for _ in range(3)], projects[0])

    assert advance() == (
        "Budget ballots mixed: 3\nBudget participations mixed: 3\n"
        "Project vote counters rewritten: 1\nImported ballots marked mixed: 0\n"
    )
    assert not BudgetBallot.objects.filter(mixed=False).exists()
    assert advance() == (
        "Budget ballots mixed: 0\nBudget participations mixed: 0\n"
        "Project vote counters rewritten: 0\nImported ballots marked mixed: 0\n"
    )


def test_the_beat_task_mixes_and_is_safe_to_run_twice(vote_cycle, projects, make_voter):
    cast(vote_cycle, [make_voter() for _ in range(2)], projects[1])
    assert mix_ballots.delay().get() == 2
    assert mix_ballots() == 0
    assert not BudgetParticipation.objects.filter(mixed=False).exists()


def test_the_task_runs_every_minute_from_celery_beat(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["budgeting-mix-ballots"]
    assert entry["task"] == "budgeting.tasks.mix_ballots" == mix_ballots.name
    assert entry["schedule"] == 60.0
    assert entry["task"] in app.tasks


@pytest.fixture
def calls(monkeypatch):
    """The order in which the hook mixes and seals (each still does its work)."""
    order = []
    mix, seal = budgeting.services.mixing.budget_ballots_mix, audit.services.ledger_seal

    def mixing(**kwargs):
        order.append(("mix", BudgetBallot.objects.filter(mixed=False).count()))
        return mix(**kwargs)

    def sealing(**kwargs):
        order.append(("seal", BudgetBallot.objects.filter(mixed=False).count()))
        return seal(**kwargs)

    monkeypatch.setattr(budgeting.services.mixing, "budget_ballots_mix", mixing)
    monkeypatch.setattr(audit.services, "ledger_seal", sealing)
    return order


def test_the_embedded_hook_mixes_a_full_batch_then_seals_it(
    vote_cycle, projects, make_voter, official, settings, calls, django_capture_on_commit_callbacks
):
    settings.LEDGER_SEAL_ON_COMMIT = True
    settings.BUDGETING_EMBEDDED_SEAL_BATCH = 3
    voters = [make_voter() for _ in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        cast(vote_cycle, voters[:2], projects[0])
    assert calls == []
    assert BudgetBallot.objects.filter(mixed=False).count() == 2
    assert LedgerEntry.objects.filter(scope=vote_cycle.ledger_scope, block__isnull=True).count() == 2

    # The third (here on paper, through the admin's service) makes a batch: mixed, then sealed together.
    with django_capture_on_commit_callbacks(execute=True):
        ballot_enter_paper(actor=official, cycle=vote_cycle, citizen=voters[2], project_ids=[projects[1].pk])

    assert calls == [("mix", 3), ("seal", 0)]
    assert not BudgetBallot.objects.filter(mixed=False).exists()
    assert not BudgetParticipation.objects.filter(mixed=False).exists()
    entries = LedgerEntry.objects.filter(scope=vote_cycle.ledger_scope)
    assert not entries.filter(block__isnull=True).exists()
    assert entries.values("block").distinct().count() == 1
    assert cycle_count_problems(vote_cycle.ledger_scope) == []


def test_the_embedded_hook_mixes_what_another_seal_left_unmixed(
    vote_cycle, projects, make_voter, settings, calls, django_capture_on_commit_callbacks
):
    """Another channel's seal may take the budget entries first: the ballots still get mixed."""
    settings.BUDGETING_EMBEDDED_SEAL_BATCH = 2
    voters = [make_voter() for _ in range(2)]
    cast(vote_cycle, voters[:1], projects[0])
    audit.services.ledger_seal()
    calls.clear()
    with django_capture_on_commit_callbacks(execute=True):
        cast(vote_cycle, voters[1:], projects[0])
    assert calls == [("mix", 2), ("seal", 0)]
    assert not BudgetBallot.objects.filter(mixed=False).exists()
