"""seed_demo's participatory budgeting: this year's cycle in its vote with projects of several
districts and sectors, last year's counted, published, confirmed and under way; every step through
the services, so the ledger verifies; running it again changes nothing."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from budgeting.models import (
    BudgetBallot,
    BudgetParticipation,
    Cycle,
    ImplementationNote,
    Milestone,
    PhaseKind,
    Project,
    ProjectResult,
)

pytestmark = pytest.mark.django_db


def counts():
    return (Cycle.objects.count(), Project.objects.count(), BudgetBallot.objects.count(),
            BudgetParticipation.objects.count(), Milestone.objects.count(), ProjectResult.objects.count(),
            ImplementationNote.objects.count())


def test_seed_demo_runs_a_current_and_a_finished_cycle(settings, capsys, django_capture_on_commit_callbacks):
    settings.DEBUG = True
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo")
    out = capsys.readouterr().out
    now = timezone.now()
    current = Cycle.objects.get(year=now.year, is_simulation=False)
    past = Cycle.objects.get(year=now.year - 1, is_simulation=False)
    assert f"this year's cycle ({current.pk})" in out

    assert current.phase_at(now).kind == PhaseKind.VOTE
    on_ballot = current.projects.filter(status=Project.Status.FEASIBLE)
    assert on_ballot.values("pot__district").distinct().count() >= 3
    assert on_ballot.values("sector").distinct().count() >= 3
    assert current.projects.filter(status=Project.Status.NOT_FEASIBLE).exclude(infeasible_reason="").exists()
    assert current.projects.filter(adjusted_cost__isnull=False).exclude(cost_reason="").exists()
    assert current.projects.filter(status=Project.Status.DRAFT).exists()
    assert BudgetBallot.objects.filter(cycle=current).count() > 10

    assert past.phase_at(now).kind == PhaseKind.IMPLEMENTATION
    assert past.results_published_at and past.assembly_confirmed_at and past.council_decision == "approved"
    funded = ProjectResult.objects.filter(pot_result__cycle=past, funded=True)
    assert funded.exists()
    assert Milestone.objects.filter(project__cycle=past, progress=100).exists()
    assert past.projects.filter(committee_score__isnull=False).exists()
    notes = ImplementationNote.objects.filter(project__cycle=past)
    assert notes.filter(raises_concern=True, answered_at__isnull=False).exists()
    assert notes.filter(raises_concern=True, answered_at__isnull=True).exists()
    # The counters agree with the ballots.
    for project in Project.objects.filter(cycle__in=[current, past]):
        picked = sum(project.pk in ballot for ballot in BudgetBallot.objects.values_list("projects", flat=True))
        assert project.votes == picked, project

    call_command("verify_ledger")
    assert "The ledger verifies" in capsys.readouterr().out

    before = counts()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo")
    assert counts() == before
