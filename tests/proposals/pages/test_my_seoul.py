"""The "My Seoul" panel: my proposals, my supports with receipts, my debate stances; constant queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from citizens import registry
from proposals.models import DebateStance, Proposal
from proposals.my_seoul import PANEL, panel_context, register_my_seoul_panel
from proposals.services import proposal_support

pytestmark = pytest.mark.django_db
Status = Proposal.Status


@pytest.fixture(autouse=True)
def _panel_registered():
    register_my_seoul_panel()


def test_the_panel_is_registered(make_proposal):
    assert PANEL in registry.panels()


def test_the_panel_lists_my_proposals_supports_and_stances(client, sign_in, make_proposal, supporter, proposer):
    mine = make_proposal(title="내 제안", author=supporter)
    draft = make_proposal(title="내 초안", author=supporter, status=Status.DRAFT)
    other = make_proposal(title="남의 제안")
    support = proposal_support(citizen=supporter, proposal=other)
    debated = make_proposal(title="토론 중인 제안", status=Status.IN_DEBATE)
    DebateStance.objects.create(proposal=debated, citizen=supporter, stance="for", argument="찬성합니다")
    make_proposal(title="다른 사람 초안", status=Status.DRAFT)

    context = panel_context(supporter)
    assert [proposal.title for proposal in context["proposals"]] == [draft.title, mine.title]
    assert [(s.proposal.title, s.receipt) for s in context["supports"]] == [(other.title, support.receipt)]
    assert [(s.proposal.title, s.stance) for s in context["stances"]] == [(debated.title, "for")]

    page = sign_in(supporter).get(reverse("citizens:me")).content.decode()
    for text in ("내 제안", "내 초안", "남의 제안", support.receipt, "토론 중인 제안", "찬성합니다"):
        assert text in page
    assert "다른 사람 초안" not in page


def test_an_empty_panel_invites_to_take_part(client, sign_in, supporter):
    page = sign_in(supporter).get(reverse("citizens:me")).content.decode()
    assert "You have not written a proposal yet." in page or "아직 쓴 제안이 없습니다" in page


def test_the_panel_costs_three_queries_however_much_the_citizen_did(make_proposal, supporter, participant):
    def count():
        with CaptureQueriesContext(connection) as queries:
            panel_context(supporter)
        return len(queries)

    make_proposal(author=supporter)
    few = count()
    for number in range(12):
        make_proposal(title=f"내 제안 {number}", author=supporter)
        proposal = make_proposal(title=f"남의 제안 {number}")
        proposal_support(citizen=supporter, proposal=proposal)
        debated = make_proposal(title=f"토론 {number}", status=Status.IN_DEBATE)
        DebateStance.objects.create(proposal=debated, citizen=supporter, stance="against")
    assert count() == few == 3


def test_me_costs_the_same_queries_with_the_panel(client, sign_in, make_proposal, supporter):
    sign_in(supporter)
    client.get(reverse("citizens:me"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("citizens:me"))
    for number in range(10):
        proposal_support(citizen=supporter, proposal=make_proposal(title=f"p{number}"))
        make_proposal(title=f"mine {number}", author=supporter)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("citizens:me"))
    assert len(many) == len(few)
    assert len(few) <= 20  # the bound of /me/'s own query-count test (tests/citizens/test_my_seoul.py)
