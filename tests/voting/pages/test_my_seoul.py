"""The "My Seoul" panel: the polls I voted in (poll and day, never what I chose) and the polls I
proposed with the city's screening; two queries whatever the citizen did."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from citizens import registry
from voting.models import Ballot, Poll
from voting.my_seoul import PANEL, panel_context, register_my_seoul_panel
from voting.services import ballot_cast, poll_hide, poll_reject

from .conftest import text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _panel_registered():
    register_my_seoul_panel()


def test_the_panel_is_registered_by_the_app():
    assert PANEL in registry.panels()


def test_the_panel_lists_my_votes_and_my_polls(client, sign_in, make_poll, proposer, official):
    voted = make_poll(title="내가 투표한 투표")
    ballot_cast(citizen=proposer, poll=voted, choices=[2])
    mine = make_poll(kind="citizen", proposer=proposer, title="내가 만든 투표")
    room = make_poll(kind="citizen", proposer=proposer, title="내 비공개방", access=Poll.Access.ROOM)
    rejected = poll_reject(
        actor=official, poll=make_poll(kind="citizen", proposer=proposer, title="반려된 내 투표", publish=False),
        reason="광고성 내용",
    )
    pending = make_poll(kind="citizen", proposer=proposer, title="심사 중인 내 투표", publish=False)
    poll_hide(actor=official, poll=mine, reason="신고 접수")
    make_poll(title="남의 투표")

    context = panel_context(proposer)
    assert [(p.poll.title, p.voted_on) for p in context["participations"]] == [(voted.title, timezone.localdate())]
    assert [poll.title for poll in context["proposed"]] == [pending.title, rejected.title, room.title, mine.title]

    page = text(sign_in(proposer).get(reverse("citizens:me")))
    assert "Polls I voted in" in page and "내가 투표한 투표" in page and "voted on" in page
    assert "Not approved: 광고성 내용" in page
    assert "Hidden by the city: 신고 접수" in page
    assert "Awaiting screening" in page
    assert room.room_code in page
    assert "남의 투표" not in page


def test_the_panel_never_shows_what_i_voted(client, sign_in, make_poll, voter):
    poll = make_poll(options=[{"label": "첫째안"}, {"label": "둘째안"}], title="비밀 투표")
    receipt = ballot_cast(citizen=voter, poll=poll, choices=[2]).receipt
    page = text(sign_in(voter).get(reverse("citizens:me")))
    assert "비밀 투표" in page
    assert "둘째안" not in page and "첫째안" not in page
    assert receipt not in page
    digest = Ballot.objects.get(poll=poll).receipt_digest
    assert digest not in page


def test_an_empty_panel_invites_to_take_part(client, sign_in, voter):
    page = text(sign_in(voter).get(reverse("citizens:me")))
    assert "You have not voted in a poll yet." in page and "You have not proposed a poll yet." in page
    assert reverse("voting:propose") in page


def test_the_panel_costs_two_queries_however_much_the_citizen_did(make_poll, proposer, official):
    def count():
        with CaptureQueriesContext(connection) as queries:
            panel_context(proposer)
        return len(queries)

    few = count()
    for number in range(12):
        ballot_cast(citizen=proposer, poll=make_poll(title=f"투표 {number}"), choices=[1])
        make_poll(kind="citizen", proposer=proposer, title=f"내 투표 {number}", publish=number % 2 == 0)
    assert count() == few == 2


def test_me_costs_the_same_queries_with_the_panel(client, sign_in, make_poll, proposer):
    sign_in(proposer)
    client.get(reverse("citizens:me"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("citizens:me"))
    for number in range(8):
        ballot_cast(citizen=proposer, poll=make_poll(title=f"p{number}"), choices=[1])
        make_poll(kind="citizen", proposer=proposer, title=f"mine {number}", access=Poll.Access.ROOM)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("citizens:me"))
    assert len(many) == len(few)
