import io
import re

import pytest
from django.core.management import CommandError, call_command

from citizens.models import Citizen, Consent

pytestmark = pytest.mark.django_db


def test_seed_demo_is_idempotent_and_shows_democratic_seoul_at_every_stage(settings):
    from proposals.models import Comment, DebateStance, Milestone, Proposal, Question

    settings.DEBUG = True
    call_command("seed_demo", stdout=None)
    counts = (
        Citizen.objects.count(), Consent.objects.count(), Proposal.objects.count(), Comment.objects.count(),
        DebateStance.objects.count(), Question.objects.count(),
    )
    assert Citizen.objects.filter(is_superuser=True).count() == 1
    # Three demo citizens and two committee members who can sign in to /review/.
    assert Citizen.objects.filter(profile_completed_at__isnull=False, is_staff=False).count() == 5

    statuses = set(Proposal.objects.values_list("status", flat=True))
    assert statuses >= {
        "draft", "open", "closed_insufficient", "under_review", "answered", "in_debate", "awaiting_mayor",
        "mayor_answered",
    }
    assert Proposal.objects.filter(implemented_at__isnull=False).exists()  # implemented
    assert Proposal.objects.filter(answer_overdue_since__isnull=False).exists()
    assert Proposal.objects.get(status="awaiting_mayor").debate_participant_count >= 1000
    assert Comment.objects.filter(parent__isnull=False).exists()
    assert Comment.objects.filter(status="hidden_pending").exists()
    assert DebateStance.objects.exclude(argument="").filter(helpful_count__gt=0).exists()
    assert Milestone.objects.filter(status="in_progress").exists()
    assert set(Question.objects.values_list("status", flat=True)) == {"open", "concluded"}

    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert re.search(r"^seeded 6 demo parts in \d", out.getvalue(), re.MULTILINE), out.getvalue()
    assert (
        Citizen.objects.count(), Consent.objects.count(), Proposal.objects.count(), Comment.objects.count(),
        DebateStance.objects.count(), Question.objects.count(),
    ) == counts


def test_seed_demo_refuses_a_production_site(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_demo")
    assert not Citizen.objects.exists()
