"""Review fixes of the proposal admin: the history tables show status labels and unit names, not
the rows' raw codes; the proposer is the public pages' pseudonym, not the citizen's name."""

from datetime import timedelta

import pytest
from django.urls import reverse

from proposals.models import Assignment, Proposal, StageChange
from proposals.selectors.proposals import proposer_pseudonym

from ..conftest import PUBLISHED_AT
from .conftest import admin_login

pytestmark = pytest.mark.django_db

S = Proposal.Status


def test_the_history_shows_labels_not_raw_codes(client, official, make_proposal, unit):
    proposal = make_proposal(S.UNDER_REVIEW)
    stage = StageChange.objects.create(
        proposal=proposal, from_status=S.OPEN, to_status=S.UNDER_REVIEW, at=PUBLISHED_AT + timedelta(days=30)
    )
    Assignment.objects.create(proposal=proposal, unit=unit, assigned_at=PUBLISHED_AT + timedelta(days=30))
    page = admin_login(client, official).get(reverse("admin:proposals_proposal_change", args=[proposal.pk]))
    html = page.content.decode()

    assert page.status_code == 200
    assert f"{proposal.pk}: {stage.from_status} → {stage.to_status}" not in html
    assert f"{proposal.pk} → {unit.pk}" not in html
    assert str(S(stage.to_status).label) in html
    assert unit.name_ko in html


def test_the_proposer_is_shown_by_pseudonym(client, official, make_proposal, author):
    author.name = "홍길동"
    author.save(update_fields=["name"])
    proposal = make_proposal(S.UNDER_REVIEW)
    html = admin_login(client, official).get(reverse("admin:proposals_proposal_change", args=[proposal.pk]))
    html = html.content.decode()

    assert "홍길동" not in html
    assert proposer_pseudonym(author.pk) in html
