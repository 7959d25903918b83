"""Proposals in every state of a debate, built through the services, with times around the real
now (the pages read the clock) — and citizens ready to take part through the pages."""

from datetime import timedelta

import pytest
from django.utils import timezone

from citizens.consents import purposes
from citizens.models import Citizen
from citizens.services import consent_record
from proposals.services import (
    proposal_close_debate,
    proposal_close_window,
    proposal_create_draft,
    proposal_promote,
    proposal_publish,
)

# The states of the permission grid, and two more around the debate's window.
STATES = ("open", "in_debate", "debate_upcoming", "debate_expired", "debate_closed")


def ready_to_take_part(citizen):
    """Consent given and profile complete, as participant_required asks of the pages."""
    consent_record(citizen=citizen, answers={item.key: True for item in purposes()})
    Citizen.objects.filter(pk=citizen.pk).update(profile_completed_at=timezone.now())
    citizen.refresh_from_db()
    return citizen


@pytest.fixture
def make_participant(make_citizen):
    def make(*, verified=True, **fields):
        return ready_to_take_part(make_citizen(verified=verified, **fields))

    return make


@pytest.fixture
def proposer(author):
    return ready_to_take_part(author)


@pytest.fixture
def make_proposal(author, category, superuser):
    """A proposal by `author` in one of STATES (or "draft"), its windows placed around now."""
    counter = iter(range(1, 10_000))

    def make(state="in_debate", *, now=None):
        now = now or timezone.now()
        proposal = proposal_create_draft(
            author=author,
            title=f"공공 자전거 대여소 확충 {next(counter)}",
            body="대여소를 늘려 주세요.",
            category=category,
        )
        if state == "draft":
            return proposal
        if state == "open":
            return proposal_publish(author=author, proposal=proposal, now=now - timedelta(days=1))
        proposal_publish(author=author, proposal=proposal, now=now - timedelta(days=80))
        proposal_close_window(proposal=proposal, now=now - timedelta(days=50))  # no supports
        promoted_at = {
            "in_debate": now - timedelta(days=1),
            "debate_upcoming": now + timedelta(days=1),
            "debate_expired": now - timedelta(days=31),
            "debate_closed": now - timedelta(days=31),
        }[state]
        proposal = proposal_promote(actor=superuser, proposal=proposal, reason="시민 패널 우수제안", now=promoted_at)
        if state == "debate_closed":
            proposal_close_debate(proposal=proposal, now=now)
        proposal.refresh_from_db()
        return proposal

    return make


@pytest.fixture
def debate(make_proposal):
    """A proposal whose debate opened yesterday and runs for 29 more days."""
    return make_proposal("in_debate")
