"""The "results into policy" page: closed polls counted by outcome and kind, the reflected ones
listed with the city's note and link, and a constant query count."""

from datetime import timedelta
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from voting.models import Poll
from voting.selectors.results import policy_outcome_counts
from voting.services import poll_hide, reflection_record

pytestmark = pytest.mark.django_db


def policy_url():
    with translation.override("en"):
        return reverse("voting:policy")


@pytest.fixture
def closed(make_poll, close, make_citizen):
    """closed(kind=..., **fields) → a poll closed early."""
    proposer = make_citizen()

    def make(*, kind="policy", **fields):
        if kind == "citizen":
            fields["proposer"] = proposer
        return close(make_poll(kind=kind, **fields))

    return make


def record(official, poll, outcome, note="정책에 반영했습니다.", link=""):
    reflection_record(actor=official, poll=poll, outcome=outcome, note=note, link=link)


@pytest.fixture
def outcomes(closed, official, make_poll, now):
    """Closed public polls: policy 2 reflected, 1 partly, 1 not, 1 not recorded; citizen 1 reflected,
    1 not recorded; plus polls that do not count (open, hidden, a private room's)."""
    polls = {}
    for index, outcome in enumerate(["reflected", "reflected", "partly", "not_reflected", None]):
        poll = closed(title=f"정책 투표 {index}")
        if outcome:
            record(official, poll, outcome, note=f"메모 {index}", link=f"https://seoul.go.kr/policy/{index}")
        polls[f"policy-{index}"] = poll
    citizen_reflected = closed(kind="citizen", title="시민 투표 반영")
    record(official, citizen_reflected, "reflected", note="주민 의견대로 벤치를 설치했습니다.")
    closed(kind="citizen", title="시민 투표 미기록")
    make_poll(title="진행 중 투표")
    hidden = closed(title="숨김 투표")
    record(official, hidden, "reflected")
    poll_hide(actor=official, poll=hidden, reason="신고 처리")
    room = closed(title="방 투표", access=Poll.Access.ROOM)
    record(official, room, "reflected")
    onsite = closed(
        title="현장 투표", access=Poll.Access.ONSITE, event_starts_at=now - timedelta(hours=1),
        event_ends_at=now + timedelta(hours=1),
    )
    record(official, onsite, "partly")
    polls["citizen"] = citizen_reflected
    return polls


def test_counts_by_outcome_and_kind(outcomes):
    counts = policy_outcome_counts()
    table = {row.outcome: (row.policy, row.citizen, row.total) for row in counts.rows}
    assert table == {
        "reflected": (2, 1, 3),
        "partly": (1, 0, 1),
        "not_reflected": (1, 0, 1),
        "not_recorded": (1, 1, 2),
    }
    assert (counts.closed, counts.reflected, counts.reflected_percent) == (7, 4, "57.1")
    assert (counts.policy_total, counts.citizen_total) == (5, 2)


def test_the_page_shows_the_counts_and_the_reflected_polls(client, outcomes):
    response = client.get(policy_url())

    assert response.status_code == 200
    html = response.content.decode()
    assert "4 of 7 closed polls were reflected in policy, fully or partly (57.1%)." in html
    assert "Not yet recorded" in html and "Partly reflected" in html
    listed = [poll.title for poll in response.context["page_obj"].object_list]
    # Reflected and partly reflected public polls, latest follow-up first.
    assert listed == ["시민 투표 반영", "정책 투표 2", "정책 투표 1", "정책 투표 0"]
    for hidden_title in ("정책 투표 3", "정책 투표 4", "숨김 투표", "방 투표", "현장 투표", "진행 중 투표"):
        assert hidden_title not in html
    assert "주민 의견대로 벤치를 설치했습니다." in html and "https://seoul.go.kr/policy/2" in html
    assert reverse("voting:results", args=[outcomes["citizen"].pk]).removeprefix("/") in html


def test_an_empty_page(client):
    response = client.get(policy_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "0 of 0 closed polls were reflected" in html
    assert "No poll's result has been reflected in policy yet." in unescape(html)


def test_the_list_is_paginated(client, closed, official, monkeypatch):
    from voting.selectors import results as selectors

    monkeypatch.setattr(selectors, "REFLECTIONS_PER_PAGE", 2)
    for index in range(3):
        record(official, closed(title=f"반영 {index}"), "reflected")

    first = client.get(policy_url())
    second = client.get(policy_url(), {"page": 2})
    nonsense = client.get(policy_url(), {"page": "x"})

    assert len(first.context["page_obj"].object_list) == 2 and "Next page" in first.content.decode()
    assert [poll.title for poll in second.context["page_obj"].object_list] == ["반영 0"]
    assert nonsense.status_code == 200 and nonsense.context["page_obj"].number == 1


def test_the_query_count_does_not_grow(client, closed, official):
    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(policy_url()).status_code == 200
        return len(captured)

    record(official, closed(title="하나"), "reflected")
    few = count()
    for index in range(6):
        record(official, closed(title=f"여럿 {index}", kind="citizen" if index % 2 else "policy"), "partly")
    assert count() == few <= 4
