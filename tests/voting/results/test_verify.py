"""A poll's receipt check: sealed, pending, not found, another poll's, malformed; never the choices,
never in a URL or a log, and a constant query count."""

import logging
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from audit import ledger
from audit.models import LedgerBlock
from audit.services import ledger_append, ledger_seal
from voting.models import Poll

from .conftest import HTMX

pytestmark = pytest.mark.django_db

OPTION_LABELS = ("찬성", "반대", "모르겠음")


def verify_url(poll):
    with translation.override("en"):
        return reverse("voting:verify", args=[poll.pk])


def check(client, poll, receipt, **extra):
    return client.post(verify_url(poll), {"receipt": receipt}, **extra)


def test_the_form(client, open_poll):
    response = client.get(verify_url(open_poll))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'method="post"' in html and 'name="receipt"' in html and "Check receipt" in html
    assert response.context["check"] is None


def test_a_sealed_receipt_names_its_block_and_is_counted(client, open_poll, cast):
    (receipt,) = cast(open_poll, [2])
    cast(open_poll, [1], 2)
    ledger_seal()
    block = LedgerBlock.objects.get()

    response = check(client, open_poll, receipt)

    assert response.status_code == 200
    result = response.context["check"]
    assert (result.state, result.block_height, result.block_hash, result.counted) == ("sealed", 1, block.hash, True)
    assert result.receipt_digest == ledger.receipt_digest(receipt)
    html = unescape(response.content.decode())
    assert "Your receipt is in this poll's ledger, in block 1" in html
    assert "Your ballot is counted in this poll's results." in html
    assert block.hash in html and result.receipt_digest in html


def test_a_receipt_may_be_retyped_loosely(client, open_poll, cast):
    (receipt,) = cast(open_poll, [1])
    response = check(client, open_poll, receipt.lower().replace("-", " "))
    assert response.context["check"].state == "pending"


def test_a_pending_receipt_waits_to_be_sealed(client, open_poll, cast):
    (receipt,) = cast(open_poll, [3])

    response = check(client, open_poll, receipt)

    result = response.context["check"]
    assert (result.state, result.block_height, result.counted) == ("pending", None, True)
    html = response.content.decode()
    assert "Waiting to be sealed" in html and "counted in this poll" in html


def test_an_unknown_receipt_is_not_found(client, open_poll, cast):
    cast(open_poll, [1])
    response = check(client, open_poll, ledger.new_receipt())
    assert response.status_code == 200
    assert (response.context["check"].state, response.context["check"].counted) == ("not_found", False)
    assert "No entry in the ledger has this receipt." in response.content.decode()


def test_another_polls_receipt_says_so_without_its_details(client, open_poll, make_poll, cast):
    other = make_poll(title="다른 투표")
    (receipt,) = cast(other, [1])
    ledger_seal()

    response = check(client, open_poll, receipt)

    result = response.context["check"]
    assert (result.state, result.counted, result.block_height) == ("other_scope", False, None)
    html = response.content.decode()
    assert "not for this poll" in html
    assert LedgerBlock.objects.get().hash not in html and "다른 투표" not in html


def test_a_ledger_entry_without_a_ballot_is_flagged(client, open_poll):
    receipt = ledger.new_receipt()
    ledger_append(scope=open_poll.ledger_scope, kind="ballot", commitment="0" * 64, receipt=receipt)

    response = check(client, open_poll, receipt)

    assert (response.context["check"].state, response.context["check"].counted) == ("pending", False)
    assert "no ballot of this poll matches it" in response.content.decode()


@pytest.mark.parametrize(
    ("receipt", "message"),
    [
        ("hello", "This is not a receipt"),
        ("7KQ2-M9XD", "This is not a receipt"),
        ("'; DROP TABLE voting_ballot; --", "This is not a receipt"),
        ("", "Enter your receipt."),
        ("A" * 200, "at most 100 characters"),
    ],
)
def test_a_malformed_receipt_is_a_form_error(client, open_poll, receipt, message):
    response = check(client, open_poll, receipt)
    assert response.status_code == 400
    assert response.context["check"] is None
    assert message in response.content.decode()


def test_the_check_never_shows_the_choices(client, open_poll, cast):
    (receipt,) = cast(open_poll, [2])
    cast(open_poll, [1])
    ledger_seal()
    for response in (check(client, open_poll, receipt), check(client, open_poll, receipt, **HTMX)):
        html = response.content.decode()
        for label in OPTION_LABELS:
            assert label not in html


def test_the_receipt_stays_out_of_urls_and_logs(client, open_poll, cast, caplog):
    (receipt,) = cast(open_poll, [1])
    caplog.set_level(logging.DEBUG)

    response = check(client, open_poll, receipt)
    by_get = client.get(verify_url(open_poll), {"receipt": receipt})

    normalized = ledger.normalize_receipt(receipt)
    for record in caplog.records:
        assert receipt not in record.getMessage() and normalized not in record.getMessage()
    # A GET never checks anything: the form asks for a POST.
    assert by_get.context["check"] is None and by_get.context["form"].is_bound is False
    assert f'action="{verify_url(open_poll)}"' in response.content.decode()
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_htmx_gets_the_section_only(client, open_poll, cast):
    (receipt,) = cast(open_poll, [1])
    response = check(client, open_poll, receipt, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="receipt-verify"') and "<html" not in html
    bad = check(client, open_poll, "nope", **HTMX)
    assert bad.status_code == 400 and "This is not a receipt" in bad.content.decode()


def test_a_room_polls_check_needs_the_room_code(client, make_poll, cast, grant):
    poll = make_poll(access=Poll.Access.ROOM, title="비밀 방")
    (receipt,) = cast(poll, [1], access_granted=True)
    response = check(client, poll, receipt)
    assert response.status_code == 403 and "비밀 방" not in response.content.decode()
    assert check(grant(poll), poll, receipt).context["check"].state == "pending"


def test_the_query_count_does_not_grow_with_the_ballots(client, make_poll, cast):
    small, big = make_poll(title="작은"), make_poll(title="큰")
    (small_receipt,) = cast(small, [1])
    (big_receipt,) = cast(big, [1])
    cast(big, [2], 40)
    ledger_seal()

    with CaptureQueriesContext(connection) as few:
        assert check(client, small, small_receipt).context["check"].state == "sealed"
    with CaptureQueriesContext(connection) as many:
        assert check(client, big, big_receipt).context["check"].state == "sealed"
    assert len(few) == len(many) <= 4, [query["sql"][:100] for query in many.captured_queries]
