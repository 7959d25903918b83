"""Downloading a receipt: a POST (never a URL), a text file naming the poll, the receipt, the ledger
scope, the verify page and the chain head; 400 for anything that is not a receipt of this poll."""

import pytest
from django.urls import reverse

from audit.services import ledger_seal
from voting.services import ballot_cast

from .conftest import text, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast_receipt(voter, open_poll):
    return ballot_cast(citizen=voter, poll=open_poll, choices=[1]).receipt


def download(client, poll, receipt):
    return client.post(url("receipt", poll), {"receipt": receipt})


def test_the_receipt_downloads_as_a_text_file(client, open_poll, cast_receipt):
    response = download(client, open_poll, cast_receipt)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="m-voting-receipt-poll-{open_poll.pk}.txt"'
    assert "no-store" in response["Cache-Control"]
    body = response.content.decode()
    assert "M-Voting ballot receipt" in body
    assert f"Poll: {open_poll.title} (no. {open_poll.pk})" in body
    assert f"Receipt: {cast_receipt}" in body
    assert f"Ledger scope: voting.poll:{open_poll.pk}" in body
    assert f"Check your receipt at: http://testserver/en/votes/{open_poll.pk}/verify/" in body
    assert "waiting to be sealed into the next block" in body
    assert "Chain head when downloaded: no block sealed yet (seoul-ledger/v1)" in body
    assert "not what you chose" in body


def test_a_sealed_receipt_names_its_block_and_the_head(client, open_poll, cast_receipt):
    block = ledger_seal()[0]
    body = download(client, open_poll, cast_receipt).content.decode()
    assert f"sealed in block {block.height} (hash {block.hash})" in body
    assert f"Chain head when downloaded: block {block.height}, hash {block.hash}" in body


def test_the_receipt_may_be_typed_loosely(client, open_poll, cast_receipt):
    loose = cast_receipt.replace("-", " ").lower()
    body = download(client, open_poll, loose).content.decode()
    assert f"Receipt: {cast_receipt}" in body


@pytest.mark.parametrize(
    ("receipt", "message"),
    [
        ("", "This is not a receipt: a receipt is 20 letters and digits, in groups of four."),
        ("not a receipt!", "This is not a receipt: a receipt is 20 letters and digits, in groups of four."),
        ("AAAA-BBBB-CCCC-DDDD-EEEE", "This receipt is not in this poll's ledger."),
    ],
)
def test_a_bad_receipt_is_400(client, open_poll, cast_receipt, receipt, message):
    response = download(client, open_poll, receipt)
    assert response.status_code == 400
    page = text(response)
    assert message in page and open_poll.title not in page


def test_a_receipt_of_another_poll_is_400(client, make_poll, voter, open_poll):
    other = make_poll(title="다른 투표")
    receipt = ballot_cast(citizen=voter, poll=other, choices=[1]).receipt
    response = download(client, open_poll, receipt)
    assert response.status_code == 400
    assert "This receipt is not in this poll's ledger." in text(response)


def test_only_post_and_only_real_polls(client, open_poll, cast_receipt):
    assert client.get(url("receipt", open_poll), {"receipt": cast_receipt}).status_code == 405
    assert client.post(reverse("voting:receipt", args=[999999]), {"receipt": cast_receipt}).status_code == 404
