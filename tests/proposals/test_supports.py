import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction

from audit import ledger
from audit.models import LedgerEntry
from proposals.errors import ProposalError
from proposals.models import Proposal, Support
from proposals.services import (
    proposal_create_draft,
    proposal_support,
    proposal_withdraw_support,
    support_commitment,
    withdrawal_commitment,
)

from .conftest import PUBLISHED_AT

pytestmark = pytest.mark.django_db
DURING = PUBLISHED_AT + timedelta(days=3)
AFTER = PUBLISHED_AT + timedelta(days=30)


def test_a_support_is_counted_ledgered_and_receipted(published, make_citizen):
    citizen = make_citizen()
    support = proposal_support(citizen=citizen, proposal=published, now=DURING)

    published.refresh_from_db()
    assert published.support_count == 1
    entry = LedgerEntry.objects.get(scope=f"proposals.proposal:{published.pk}")
    assert entry.kind == "support"
    assert entry.commitment == support_commitment(support)
    assert entry.receipt_digest == ledger.receipt_digest(support.receipt)


def test_own_proposal_cannot_be_supported(published, author):
    with pytest.raises(ProposalError, match="your own proposal"):
        proposal_support(citizen=author, proposal=published, now=DURING)


def test_an_unverified_phone_cannot_support(published, make_citizen):
    with pytest.raises(ProposalError, match="Verify your mobile phone"):
        proposal_support(citizen=make_citizen(verified=False), proposal=published, now=DURING)
    assert Support.objects.count() == 0


@pytest.mark.parametrize("when", [PUBLISHED_AT - timedelta(seconds=1), AFTER, AFTER + timedelta(days=1)])
def test_outside_the_window_nobody_supports(published, make_citizen, when):
    with pytest.raises(ProposalError, match="not open for support"):
        proposal_support(citizen=make_citizen(), proposal=published, now=when)


def test_a_draft_cannot_be_supported(draft, make_citizen):
    with pytest.raises(ProposalError, match="not open for support"):
        proposal_support(citizen=make_citizen(), proposal=draft, now=DURING)


def test_a_second_support_is_refused_and_changes_nothing(published, make_citizen):
    citizen = make_citizen()
    proposal_support(citizen=citizen, proposal=published, now=DURING)
    with pytest.raises(ProposalError, match="already supported"):
        proposal_support(citizen=citizen, proposal=published, now=DURING)
    published.refresh_from_db()
    assert published.support_count == 1
    assert LedgerEntry.objects.count() == 1


def test_the_database_refuses_a_second_active_support(published, make_citizen):
    citizen = make_citizen()
    proposal_support(citizen=citizen, proposal=published, now=DURING)
    with pytest.raises(IntegrityError), transaction.atomic():
        Support.objects.create(proposal=published, citizen=citizen, salt=ledger.new_salt(), receipt="X")


def test_withdraw_then_support_again(published, make_citizen):
    citizen = make_citizen()
    first = proposal_support(citizen=citizen, proposal=published, now=DURING)
    withdrawn = proposal_withdraw_support(citizen=citizen, proposal=published, now=DURING)
    assert Proposal.objects.get(pk=published.pk).support_count == 0
    second = proposal_support(citizen=citizen, proposal=published, now=DURING)

    assert withdrawn.pk == first.pk and withdrawn.withdrawal_receipt
    assert second.pk != first.pk
    assert Proposal.objects.get(pk=published.pk).support_count == 1
    kinds = sorted(LedgerEntry.objects.values_list("kind", flat=True))
    assert kinds == ["support", "support", "support_withdrawal"]
    assert LedgerEntry.objects.filter(commitment=withdrawal_commitment(withdrawn)).exists()


def test_withdrawal_needs_a_support_and_an_open_window(published, make_citizen):
    citizen = make_citizen()
    with pytest.raises(ProposalError, match="have not supported"):
        proposal_withdraw_support(citizen=citizen, proposal=published, now=DURING)
    proposal_support(citizen=citizen, proposal=published, now=DURING)
    with pytest.raises(ProposalError, match="closed"):
        proposal_withdraw_support(citizen=citizen, proposal=published, now=AFTER)


@pytest.mark.parametrize(
    ("title", "body", "field", "message"),
    [
        ("", "본문", "title", "Write the title"),
        ("제목", "   ", "body", "Write the proposal"),
        ("가" * 151, "본문", "title", "at most 150"),
        ("제목", "가" * 10_001, "body", "at most 10000"),
        ("<b>제목</b>", "본문", "title", "HTML"),
        ("제목", "좋아요 <script>alert(1)</script>", "body", "HTML"),
        ("제목", "</p>", "body", "HTML"),
    ],
)
def test_bad_input_is_refused(author, category, title, body, field, message):
    with pytest.raises(ProposalError, match=message) as error:
        proposal_create_draft(author=author, title=title, body=body, category=category)
    assert error.value.field == field
    assert not Proposal.objects.exists()


def test_a_less_than_sign_is_not_html(author, category):
    proposal = proposal_create_draft(author=author, title="버스 배차 < 10분", body="3 < 5\n링크 https://seoul.go.kr", category=category)
    assert proposal.title == "버스 배차 < 10분"


def verify():
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("verify_ledger", stdout=out, stderr=err)
    except CommandError:
        return False, err.getvalue()
    return True, out.getvalue()


def test_verify_ledger_recounts_supports_and_fails_when_a_row_is_deleted(published, make_citizen):
    citizens = [make_citizen() for _ in range(3)]
    for citizen in citizens:
        proposal_support(citizen=citizen, proposal=published, now=DURING)
    proposal_withdraw_support(citizen=citizens[0], proposal=published, now=DURING)

    ok, out = verify()
    assert ok, out
    assert "Scopes recounted:   1" in out

    Support.objects.filter(citizen=citizens[1]).delete()  # behind the ledger's back
    ok, err = verify()
    assert not ok
    assert f"proposals.proposal:{published.pk}" in err


def test_a_second_support_that_slips_past_the_check_is_caught_by_the_constraint(published, make_citizen, monkeypatch):
    """What a race would do if the row lock were ever lost: the constraint's name gives the message."""
    from django.db.models.query import QuerySet

    citizen = make_citizen()
    proposal_support(citizen=citizen, proposal=published, now=DURING)
    monkeypatch.setattr(QuerySet, "exists", lambda self: False)
    with pytest.raises(ProposalError, match="already supported"):
        proposal_support(citizen=citizen, proposal=published, now=DURING)
    monkeypatch.undo()
    assert Proposal.objects.get(pk=published.pk).support_count == 1
    assert LedgerEntry.objects.count() == 1
