"""Fixtures of the count, results-page and pabulib-command tests: feasible projects with scores
and ballots written straight into the tables (the ballot service is tested elsewhere)."""

import io
import secrets
from collections import Counter

import pytest
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone

from budgeting.models import BudgetBallot, Project


@pytest.fixture
def make_project(db):
    def make(cycle, pot, *, cost, title=None, sector=None, status=Project.Status.FEASIBLE, **fields):
        now = timezone.now()
        return Project.objects.create(
            cycle=cycle, pot=pot, sector=sector, title=title or f"Project costing {cost}", estimated_cost=cost,
            status=status, submitted_at=now, checked_at=now, **fields,
        )

    return make


@pytest.fixture
def make_ballots(db):
    """Ballots from lists of projects; `demographics` (age, gender, district_code) apply to each."""

    def make(cycle, picks, **demographics):
        ballots = [
            BudgetBallot(
                cycle=cycle, projects=sorted(project.pk for project in chosen), salt=secrets.token_hex(16),
                receipt_digest=secrets.token_hex(32), **demographics,
            )
            for chosen in picks
        ]
        BudgetBallot.objects.bulk_create(ballots)
        counts = Counter(project.pk for chosen in picks for project in chosen)
        for pk, count in counts.items():
            Project.objects.filter(pk=pk).update(votes=F("votes") + count)
        return ballots

    return make


@pytest.fixture
def run_command(db):
    """Call a management command; returns (stdout, stderr)."""

    def run(*args):
        out, err = io.StringIO(), io.StringIO()
        call_command(*args, stdout=out, stderr=err)
        return out.getvalue(), err.getvalue()

    return run
