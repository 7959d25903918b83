"""The list of polls: tabs, the kind filter, what a card shows, what is never listed, paging,
htmx fragments, bad filters, query counts, Korean at the root and English under /en/."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from voting.models import Poll
from voting.services import ballot_cast, poll_close, poll_close_early, poll_hide, poll_reject

from .conftest import HTMX, url

pytestmark = pytest.mark.django_db


def get(client, **params):
    return client.get(url("index"), params)


def closed(poll):
    poll_close(poll=poll, now=poll.closes_at + timedelta(seconds=1))
    poll.refresh_from_db()
    return poll


@pytest.fixture
def polls_in_every_state(make_poll, proposer, official, now):
    """One poll per state and access; only the public, published, visible ones are listed."""
    made = {
        "open_policy": make_poll(title="열린 정책투표"),
        "open_citizen": make_poll(kind="citizen", proposer=proposer, title="열린 우리끼리투표"),
        "upcoming": make_poll(title="다가오는 투표", opens_at=now + timedelta(days=2), closes_at=now + timedelta(days=9)),
        "closed": closed(make_poll(title="끝난 투표", closes_at=now + timedelta(hours=2))),
        "closed_early": poll_close_early(actor=official, poll=make_poll(title="일찍 끝난 투표"), reason="중복"),
        "hidden": make_poll(title="숨긴 투표"),
        "room": make_poll(title="비공개방 투표", access=Poll.Access.ROOM),
        "onsite": make_poll(
            title="현장 투표", access=Poll.Access.ONSITE, event_starts_at=now, event_ends_at=now + timedelta(hours=1)
        ),
        "pending": make_poll(kind="citizen", proposer=proposer, title="심사 중인 투표", publish=False),
        "draft": make_poll(title="초안 투표", publish=False),
        "rejected": poll_reject(
            actor=official, poll=make_poll(kind="citizen", proposer=proposer, title="반려된 투표", publish=False),
            reason="광고",
        ),
    }
    poll_hide(actor=official, poll=made["hidden"], reason="욕설")
    return made


def titles(response):
    return [poll.title for poll in response.context["polls"]]


def test_the_open_tab_is_the_default_and_lists_only_public_visible_polls(client, polls_in_every_state):
    response = get(client)
    assert response.status_code == 200
    assert sorted(titles(response)) == sorted(["열린 정책투표", "열린 우리끼리투표"])
    page = response.content.decode()
    for title in ("숨긴 투표", "비공개방 투표", "현장 투표", "심사 중인 투표", "초안 투표", "반려된 투표", "다가오는 투표"):
        assert title not in page
    assert "Open: 2 polls" in page
    assert 'aria-current="page"' in page


def test_the_upcoming_and_closed_tabs(client, polls_in_every_state):
    assert titles(get(client, status="upcoming")) == ["다가오는 투표"]
    assert sorted(titles(get(client, status="closed"))) == sorted(["끝난 투표", "일찍 끝난 투표"])


def test_the_kind_filter(client, polls_in_every_state):
    assert titles(get(client, kind="citizen")) == ["열린 우리끼리투표"]
    assert titles(get(client, kind="policy")) == ["열린 정책투표"]
    page = get(client, kind="citizen", status="closed").content.decode()
    assert "Closed: 0 polls" in page and "No poll has closed yet." in page


def test_tab_links_keep_the_kind_and_kind_links_keep_the_tab(client, polls_in_every_state):
    page = get(client, status="closed", kind="citizen").content.decode()
    assert f'href="{url("index")}?kind=citizen"' in page  # the open tab, of citizen polls
    assert f'href="{url("index")}?status=upcoming&amp;kind=citizen"' in page
    assert f'href="{url("index")}?status=closed&amp;kind=policy"' in page
    assert f'href="{url("index")}?status=closed"' in page  # every kind


def test_a_card_shows_kind_dates_and_ballots_so_far(client, make_poll, make_citizen):
    poll = make_poll(title="심야 버스")
    for number in range(3):
        ballot_cast(citizen=make_citizen(), poll=poll, choices=[1 + number % 2])
    page = get(client).content.decode()
    card = page[page.index("심야 버스") - 600 :]
    assert "Policy vote" in card and "Open" in card
    assert "3 ballots so far" in card
    assert f"Open from {poll.opens_at.astimezone(poll.opens_at.tzinfo):%Y}" in card


def test_hidden_interim_results_are_not_counted_on_the_card_until_closing(client, make_poll, make_citizen, now):
    poll = make_poll(title="숨긴 중간결과", results_visibility=Poll.ResultsVisibility.AFTER_CLOSE,
                     closes_at=now + timedelta(hours=3))
    ballot_cast(citizen=make_citizen(), poll=poll, choices=[1])
    page = get(client).content.decode()
    assert "Results hidden until the poll closes" in page and "ballot so far" not in page
    closed(poll)
    page = get(client, status="closed").content.decode()
    assert "1 ballot so far" in page


def test_the_signed_in_citizen_sees_where_they_voted(client, sign_in, make_poll, voter):
    voted = make_poll(title="투표한 투표")
    make_poll(title="안 한 투표")
    ballot_cast(citizen=voter, poll=voted, choices=[2])
    response = sign_in(voter).get(url("index"))
    marks = {poll.title: poll.voted for poll in response.context["polls"]}
    assert marks == {"투표한 투표": True, "안 한 투표": False}
    assert response.content.decode().count("You voted") == 1


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"status": "everything"}, "There is no such list of polls; showing the open polls."),
        ({"kind": "secret"}, "There is no such kind of poll; showing every kind."),
    ],
)
def test_a_bad_filter_is_dropped_with_a_message(client, polls_in_every_state, params, message):
    response = get(client, **params)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert sorted(titles(response)) == sorted(["열린 정책투표", "열린 우리끼리투표"])


def test_paging(client, make_poll):
    for number in range(23):
        make_poll(title=f"투표 {number:02d}")
    first = get(client)
    assert len(first.context["polls"]) == 20
    page = first.content.decode()
    assert "Page 1 of 2" in page and "?page=2" in page
    second = get(client, page=2)
    assert len(second.context["polls"]) == 3
    assert get(client, page="abc").status_code == 200
    assert len(get(client, page=99).context["polls"]) == 3  # the last page
    assert "?status=closed&amp;page=2" not in page  # the open tab keeps a short address


def test_htmx_gets_the_results_fragment(client, polls_in_every_state):
    response = client.get(url("index"), {"status": "closed"}, HTTP_HX_TARGET="poll-results", **HTMX)
    assert response.status_code == 200
    page = response.content.decode()
    assert page.lstrip().startswith('<section id="poll-results"')
    assert "<html" not in page and "끝난 투표" in page
    assert "HX-Request" in response["Vary"]
    bad = client.get(url("index"), {"status": "x"}, HTTP_HX_TARGET="poll-results", **HTMX)
    assert bad.status_code == 200 and "There is no such list of polls" in bad.content.decode()


def test_without_javascript_tabs_are_plain_links(client, polls_in_every_state):
    page = get(client).content.decode()
    assert f'<a href="{url("index")}?status=closed"' in page
    assert f'hx-get="{url("index")}?status=closed"' in page
    history = client.get(url("index"), **HTMX, HTTP_HX_HISTORY_RESTORE_REQUEST="true", HTTP_HX_TARGET="poll-results")
    assert "<html" in history.content.decode()


def test_the_ways_to_take_part(client):
    page = get(client).content.decode()
    assert url("propose") in page and url("room") in page
    assert reverse("voting:policy") in page
    assert "css/voting.css" in page


@pytest.mark.parametrize("params", [{}, {"status": "closed"}, {"kind": "citizen"}])
def test_the_list_costs_the_same_queries_for_4_or_44_polls(client, sign_in, make_poll, make_citizen, voter, now,
                                                           proposer, params):
    def make(count, start):
        for number in range(start, start + count):
            poll = make_poll(title=f"투표 {number}") if number % 2 else make_poll(
                kind="citizen", proposer=proposer, title=f"투표 {number}"
            )
            ballot_cast(citizen=make_citizen(), poll=poll, choices=[1])
            ballot_cast(citizen=voter, poll=poll, choices=[2])
            if number % 4 >= 2:
                closed(poll)

    sign_in(voter)
    make(4, 0)  # one of each kind, open and closed
    with CaptureQueriesContext(connection) as few:
        assert client.get(url("index"), params).context["polls"]
    make(40, 4)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url("index"), params)
    assert response.status_code == 200 and response.context["polls"]
    assert len(many) == len(few)
    # The citizen, the count, the page, the ballots so far, the citizen's votes.
    assert len(few) <= 5, [query["sql"] for query in few.captured_queries]


def test_the_list_in_korean_at_the_root(client, make_poll):
    make_poll(title="한국어 투표")
    with translation.override("ko"):
        address = reverse("voting:index")
    assert address == "/votes/"
    page = client.get(address).content.decode()
    assert '<html lang="ko"' in page
    assert "엠보팅" in page and "한국어 투표" in page
    assert 'href="/votes/?status=closed"' in page


def test_the_list_in_english_under_en(client, make_poll):
    make_poll(title="영어 페이지")
    assert url("index") == "/en/votes/"
    page = client.get("/en/votes/").content.decode()
    assert '<html lang="en"' in page and "M-Voting" in page and "Propose a poll" in page
