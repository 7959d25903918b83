"""A poll's ledger page: its receipt digests in block and canonical order, the blocks that sealed
them, the chain head, the pending count, keyset pages, and a constant query count."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from audit.models import LedgerBlock, LedgerEntry
from audit.services import ledger_seal
from voting.models import Ballot, Poll
from voting.selectors import ledger as ledger_selectors
from voting.selectors.ledger import LedgerCursor

from .conftest import queries_of

pytestmark = pytest.mark.django_db

NEXT_LINK = re.compile(r'href="([^"]*\?after=[^"]*)" rel="next"')


def ledger_url(poll):
    with translation.override("en"):
        return reverse("voting:ledger", args=[poll.pk])


def expected_order(poll):
    """The ledger's order of the poll's entries: sealed by block, commitment, digest; then pending."""
    entries = LedgerEntry.objects.filter(scope=poll.ledger_scope)
    sealed = entries.filter(block__isnull=False).order_by("block_id", "commitment", "receipt_digest")
    pending = entries.filter(block__isnull=True).order_by("commitment", "receipt_digest")
    return [entry.receipt_digest for entry in [*sealed, *pending]]


def walk(client, poll):
    """Every page of the poll's ledger, following the "next" links as a browser would."""
    pages, url = [], ledger_url(poll)
    while url:
        response = client.get(url.replace("&amp;", "&"))
        assert response.status_code == 200
        pages.append(response)
        match = NEXT_LINK.search(response.content.decode())
        url = match.group(1) if match else None
        assert len(pages) < 50
    return pages


@pytest.fixture
def three_stages(open_poll, make_poll, cast):
    """7 ballots of the poll: 3 in one block, 2 in the next (with another poll's), 2 pending."""
    other = make_poll(title="다른 투표")
    cast(open_poll, [1], 3)
    ledger_seal()
    cast(open_poll, [2], 2)
    cast(other, [1], 2)
    ledger_seal()
    cast(open_poll, [3], 2)
    cast(other, [2], 1)
    return open_poll, other


def test_the_page_lists_the_polls_digests_blocks_and_head(client, three_stages):
    poll, other = three_stages
    first, second = LedgerBlock.objects.order_by("height")

    response = client.get(ledger_url(poll))

    assert response.status_code == 200
    page = response.context["page"]
    assert [row.receipt_digest for row in page.rows] == expected_order(poll)
    assert set(expected_order(poll)) == set(Ballot.objects.filter(poll=poll).values_list("receipt_digest", flat=True))
    assert [(group.height, len(group.rows)) for group in page.groups] == [(1, 3), (2, 2), (None, 2)]
    assert page.pending == 2 and page.next_cursor == ""
    html = response.content.decode()
    for digest in expected_order(poll):
        assert digest in html
    for digest in expected_order(other):
        assert digest not in html
    assert first.hash in html and second.hash in html
    assert "Block 1" in html and "Block 2" in html and "Waiting to be sealed" in html
    assert 'id="ledger-pending">2<' in html
    assert "Published chain head" in html
    assert reverse("audit:index") in html


def test_keyset_pages_cover_every_entry_once_in_order(client, three_stages, monkeypatch):
    poll, _other = three_stages
    monkeypatch.setattr(ledger_selectors, "LEDGER_PAGE_SIZE", 2)

    pages = walk(client, poll)

    assert len(pages) == 4
    digests = [row.receipt_digest for response in pages for row in response.context["page"].rows]
    assert digests == expected_order(poll)
    # The third page starts in block 2 and ends among the pending entries.
    assert [group.height for group in pages[2].context["page"].groups] == [2, None]
    assert "First page" in pages[1].content.decode()


def test_a_page_can_start_among_the_pending_entries(client, open_poll, cast, monkeypatch):
    monkeypatch.setattr(ledger_selectors, "LEDGER_PAGE_SIZE", 2)
    cast(open_poll, [1], 5)

    pages = walk(client, open_poll)

    assert [len(response.context["page"].rows) for response in pages] == [2, 2, 1]
    assert [row.receipt_digest for response in pages for row in response.context["page"].rows] == expected_order(
        open_poll
    )


def test_a_broken_page_link_starts_again_with_a_reason(client, three_stages):
    poll, _other = three_stages
    for after in ("nonsense", "1.abc.def", "99999999999999999999." + "a" * 64 + "." + "b" * 64):
        response = client.get(ledger_url(poll), {"after": after})
        assert response.status_code == 400
        assert "This page link is not valid" in response.content.decode()
        assert len(response.context["page"].rows) == 7


def test_the_cursor_round_trips():
    cursor = LedgerCursor(12, "a" * 64, "b" * 64)
    assert LedgerCursor.parse(str(cursor)) == cursor
    pending = LedgerCursor(None, "c" * 64, "d" * 64)
    assert str(pending).startswith("p.") and LedgerCursor.parse(str(pending)) == pending


def test_an_empty_ledger(client, open_poll):
    response = client.get(ledger_url(open_poll))
    assert response.status_code == 200
    assert "No ballot has been cast in this poll yet." in response.content.decode()


def test_the_entries_are_withheld_with_the_results(client, make_poll, cast):
    """Counting the listed entries would give the turnout the poll hides until it closes."""
    poll = make_poll(results_visibility=Poll.ResultsVisibility.AFTER_CLOSE)
    cast(poll, [1], 2)
    response = client.get(ledger_url(poll))
    html = response.content.decode()
    assert response.status_code == 200 and response.context["page"] is None
    assert "ledger-pending" not in html
    assert not any(digest in html for digest in expected_order(poll))
    assert reverse("voting:verify", args=[poll.pk]) in html  # a voter can still check their receipt


def test_a_room_polls_ledger_needs_the_room_code(client, make_poll, grant):
    poll = make_poll(access=Poll.Access.ROOM, title="비밀 방")
    response = client.get(ledger_url(poll))
    assert response.status_code == 403 and "비밀 방" not in response.content.decode()
    assert grant(poll).get(ledger_url(poll)).status_code == 200


def test_the_page_shows_no_ballot_content(client, three_stages):
    poll, _other = three_stages
    html = client.get(ledger_url(poll)).content.decode()
    # Neither the options nor anything read from the ballots.
    for label in ("찬성", "반대", "모르겠음"):
        assert label not in html


@pytest.fixture
def big_and_small(make_poll, cast, monkeypatch):
    monkeypatch.setattr(ledger_selectors, "LEDGER_PAGE_SIZE", 10)
    small, big = make_poll(title="작은 투표"), make_poll(title="큰 투표")
    cast(small, [1], 4)
    ledger_seal()
    cast(small, [2], 2)
    cast(big, [1], 30)
    ledger_seal()
    cast(big, [2], 15)
    return small, big


def test_the_query_count_does_not_grow_with_the_ledger(client, big_and_small):
    small, big = big_and_small

    small_response, small_queries = queries_of(client, ledger_url(small))
    big_response, big_queries = queries_of(client, ledger_url(big))

    assert len(small_response.context["page"].rows) == 6 and len(big_response.context["page"].rows) == 10
    assert len(big_queries) == len(small_queries), big_queries
    assert not [sql for sql in big_queries if "voting_ballot" in sql]

    # A page deep in the big poll's ledger costs no more than its first.
    pages = walk(client, big)
    assert len(pages) == 5
    with_cursor = pages[2].request["QUERY_STRING"]
    deep_response, deep_queries = queries_of(client, ledger_url(big) + "?" + with_cursor)
    assert deep_response.status_code == 200
    assert len(deep_queries) <= len(big_queries)
