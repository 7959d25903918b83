import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit import ledger
from audit.models import LedgerBlock

pytestmark = pytest.mark.django_db

INDEX = reverse("audit:index")


def check(client, receipt, **extra):
    return client.post(INDEX, {"receipt": receipt}, **extra)


def test_the_page_publishes_the_chain_head(client, sealed):
    sealed(2)
    sealed(3)
    head = LedgerBlock.objects.get(height=2)

    response = client.get(INDEX)

    assert response.status_code == 200
    html = response.content.decode()
    assert head.hash in html
    assert reverse("audit:head_json") in html
    assert 'class="krds-input"' in html


def test_the_page_says_when_nothing_is_sealed_yet(client):
    response = client.get(INDEX)
    assert response.status_code == 200
    assert response.context["head"].height is None


def test_head_json(client, sealed, append):
    sealed(2)
    append()
    head = LedgerBlock.objects.get()

    data = client.get(reverse("audit:head_json")).json()

    assert data == {
        "height": 1,
        "hash": head.hash,
        "previous_hash": ledger.GENESIS_HASH,
        "sealed_on": head.sealed_on.isoformat(),
        "entry_count": 2,
        "pending_entries": 1,
        "format": "seoul-ledger/v1",
    }


def test_head_json_of_an_empty_ledger(client):
    assert client.get(reverse("audit:head_json")).json()["height"] is None


def test_a_sealed_receipt_shows_its_block_scope_and_kind(client, sealed):
    sealed(1, scope="example.thing:7", kind="support")
    ((_, receipt, _, _),) = sealed(1, scope="sample.poll:12", kind="ballot")
    block = LedgerBlock.objects.get(height=2)

    # As a citizen might retype it: lower case, spaces instead of dashes.
    response = check(client, receipt.lower().replace("-", " "))

    status = response.context["status"]
    assert (status.state, status.block_height, status.block_hash) == ("sealed", 2, block.hash)
    assert (status.scope, status.kind) == ("sample.poll:12", "ballot")
    html = response.content.decode()
    assert block.hash in html and "sample.poll:12" in html


def test_a_pending_receipt_says_it_waits_to_be_sealed(client, append):
    _, receipt, _, _ = append(scope="sample.poll:12")

    status = check(client, receipt).context["status"]

    assert (status.state, status.scope, status.block_height) == ("pending", "sample.poll:12", None)


def test_an_unknown_receipt_is_not_found(client, sealed):
    sealed(1)
    response = check(client, ledger.new_receipt())
    assert response.status_code == 200
    assert response.context["status"].state == "not_found"


@pytest.mark.parametrize(
    "receipt", ["", "   ", "ABC", "7KQ2-M9XD-4HFA-ZP3C-R8T!", "영수증번호입니다영수증번호입니다", "A" * 101]
)
def test_bad_input_is_a_form_error(client, receipt):
    response = check(client, receipt)

    assert response.status_code == 200
    assert response.context["status"] is None
    assert response.context["form"].errors["receipt"]
    html = response.content.decode()
    assert "form-hint-invalid" in html and 'aria-invalid="true"' in html


def test_a_post_without_the_field_is_a_form_error(client):
    response = client.post(INDEX, {})
    assert response.status_code == 200
    assert response.context["form"].errors["receipt"]


def test_htmx_gets_only_the_receipt_section(client, append):
    _, receipt, _, _ = append()

    response = check(client, receipt, HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="receipt-check"' in html and "sample.poll:12" in html
    assert "<html" not in html


def test_the_pages_are_in_korean_by_default_and_english_under_en(client):
    korean = client.get(INDEX)
    english = client.get("/en" + INDEX)
    assert korean.status_code == english.status_code == 200
    assert 'lang="ko"' in korean.content.decode()
    assert 'lang="en"' in english.content.decode()


def _queries(client, page, receipt):
    with CaptureQueriesContext(connection) as queries:
        if page == "receipt check":
            response = client.post(INDEX, {"receipt": receipt})
        else:
            response = client.get(reverse("audit:head_json") if page == "head.json" else INDEX)
    assert response.status_code == 200
    ledger_queries = sum('"audit_ledger' in query["sql"] for query in queries.captured_queries)
    return len(queries), ledger_queries


@pytest.mark.parametrize(("page", "ledger_queries"), [("page", 2), ("head.json", 2), ("receipt check", 3)])
def test_query_count_does_not_grow_with_the_ledger(client, sealed, append, page, ledger_queries):
    ((_, receipt, _, _),) = sealed(1)
    small = _queries(client, page, receipt)

    for _ in range(15):
        sealed(4)
    for _ in range(10):
        append()
    ((_, receipt, _, _),) = sealed(1)
    large = _queries(client, page, receipt)

    assert small == large
    # Head, pending count and (for a check) the receipt; the rest is the site layout's.
    assert large[1] == ledger_queries


def test_selectors_issue_fixed_queries(sealed, django_assert_num_queries):
    from audit.selectors import ledger_head, receipt_status

    ((_, receipt, _, _),) = sealed(1)
    for _ in range(5):
        sealed(3)
    with django_assert_num_queries(2):
        ledger_head()
    with django_assert_num_queries(1):
        receipt_status(receipt)
