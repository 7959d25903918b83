import io
import re

import pytest
from django.core.management import CommandError, call_command

from audit import ledger
from audit.models import LedgerBlock, LedgerEntry

pytestmark = pytest.mark.django_db


def verify(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("verify_ledger", *args, stdout=out, stderr=err)
    except CommandError as error:
        return False, out.getvalue(), err.getvalue() + str(error)
    return True, out.getvalue(), err.getvalue()


@pytest.fixture
def chain(sealed, append):
    """Three sealed blocks over two polls, and one entry still waiting to be sealed."""
    made = sealed(3, scope="sample.poll:1") + sealed(2, scope="sample.poll:2") + sealed(2, scope="sample.poll:1")
    made.append(append(scope="sample.poll:2"))
    return made


def test_a_sealed_chain_verifies_and_the_report_says_what_was_checked(chain):
    ok, out, _ = verify()

    head = LedgerBlock.objects.order_by("-height").first()
    assert ok
    assert "Blocks checked:     3" in out
    assert "Entries checked:    7" in out
    assert f"block 3 {head.hash}" in out
    assert "Unsealed entries:   1" in out
    assert "The ledger verifies." in out
    assert re.search(r"^checked 3 blocks, 7 entries and \d+ scopes in \d+\.\d s$", out, re.MULTILINE), out


def test_an_empty_ledger_verifies():
    ok, out, _ = verify()
    assert ok and "no block sealed yet" in out


def test_an_entry_altered_in_the_database_fails(chain, raw_sql):
    entry = LedgerBlock.objects.get(height=2).entries.first()
    assert raw_sql("audit_ledgerentry", "UPDATE audit_ledgerentry SET kind = 'support' WHERE id = %s", [entry.pk]) == 1

    ok, _, err = verify()
    assert not ok
    assert "Block 2: its hash does not match its entries" in err


def test_an_entry_removed_from_the_database_fails(chain, raw_sql):
    entry = LedgerBlock.objects.get(height=1).entries.first()
    assert raw_sql("audit_ledgerentry", "DELETE FROM audit_ledgerentry WHERE id = %s", [entry.pk]) == 1

    ok, _, err = verify()
    assert not ok
    assert "Block 1 was sealed with 3 entries but holds 2" in err


def test_an_entry_slipped_into_a_sealed_block_fails(chain, raw_sql):
    pending = LedgerEntry.objects.pending().get()
    block = LedgerBlock.objects.get(height=1)
    raw_sql("audit_ledgerentry", "UPDATE audit_ledgerentry SET block_id = %s WHERE id = %s", [block.pk, pending.pk])

    ok, _, err = verify()
    assert not ok and "Block 1 was sealed with 3 entries but holds 4" in err


def test_a_broken_link_fails(chain, raw_sql):
    raw_sql("audit_ledgerblock", "UPDATE audit_ledgerblock SET previous_hash = %s WHERE height = 3", ["c" * 64])

    ok, _, err = verify()
    assert not ok and "Block 3 does not link to the block before it" in err


def test_a_removed_block_fails(chain, raw_sql):
    block = LedgerBlock.objects.get(height=2)
    raw_sql("audit_ledgerentry", "DELETE FROM audit_ledgerentry WHERE block_id = %s", [block.pk])
    raw_sql("audit_ledgerblock", "DELETE FROM audit_ledgerblock WHERE id = %s", [block.pk])

    ok, _, err = verify()
    assert not ok and "Block heights jump from 1 to 3" in err


def test_a_chain_rewritten_consistently_fails_against_the_published_head(chain, raw_sql):
    published = LedgerBlock.objects.get(height=3)
    ok, _, _ = verify("--published", f"3:{published.hash}")
    assert ok

    # Someone with database access re-sealed the last block over different entries: the chain
    # is consistent again, only the head published before gives it away.
    entry = published.entries.order_by(*ledger.ENTRY_ORDER).first()
    raw_sql("audit_ledgerentry", "UPDATE audit_ledgerentry SET kind = 'support' WHERE id = %s", [entry.pk])
    hasher = ledger.BlockHasher(height=3, previous_hash=published.previous_hash, sealed_on=published.sealed_on)
    for row in published.entries.order_by(*ledger.ENTRY_ORDER).values("scope", "kind", "commitment", "receipt_digest"):
        hasher.add(**row)
    raw_sql(
        "audit_ledgerblock", "UPDATE audit_ledgerblock SET hash = %s WHERE id = %s", [hasher.hexdigest(), published.pk]
    )
    assert verify()[0]

    ok, _, err = verify("--published", f"3:{published.hash}")
    assert not ok and "is not the block published" in err


def test_the_published_option_must_be_height_and_hash():
    with pytest.raises(CommandError):
        call_command("verify_ledger", "--published", "not-a-head")


def _channel_records(made):
    """What a voting app would hold: salt and content per scope, from which it recounts."""
    records = {}
    for entry, _receipt, salt, content in made:
        records.setdefault(entry.scope, []).append((salt, content))
    return records


def test_a_recount_that_agrees_passes(chain, recount_registry):
    records = _channel_records(chain)
    recount_registry(
        "sample.poll:",
        lambda scope: (
            ledger.ledger_commitment(salt=salt, content=content) for salt, content in records.get(scope, [])
        ),
        scopes=lambda: records.keys(),
    )
    ok, out, _ = verify()
    assert ok and "Scopes recounted:   2" in out


def test_a_recount_that_disagrees_fails(chain, recount_registry):
    records = _channel_records(chain)
    salt, content = records["sample.poll:1"][0]
    records["sample.poll:1"][0] = (salt, {**content, "choice": 2})  # the channel counted another choice
    recount_registry(
        "sample.poll:",
        lambda scope: [ledger.ledger_commitment(salt=salt, content=content) for salt, content in records[scope]],
    )

    ok, _, err = verify()
    assert not ok
    assert (
        "Scope sample.poll:1: the channel counts 5, the ledger holds 5 (1 missing from the ledger, 1 the channel does not count)"
        in err
    )


def test_a_scope_missing_from_the_ledger_altogether_fails(chain, recount_registry):
    records = _channel_records(chain)
    records["sample.poll:3"] = [(ledger.new_salt(), {"choice": 1})]
    recount_registry(
        "sample.poll:",
        lambda scope: [ledger.ledger_commitment(salt=salt, content=content) for salt, content in records[scope]],
        scopes=lambda: records.keys(),
    )

    ok, _, err = verify()
    assert not ok and "Scope sample.poll:3: the channel counts 1, the ledger holds 0" in err


def test_a_failing_recount_is_a_mismatch_not_a_crash(chain, recount_registry):
    def broken(scope):
        raise RuntimeError("poll table unreachable")

    recount_registry("sample.poll:", broken)
    ok, _, err = verify()
    assert not ok and "the recount failed" in err


def test_scopes_no_channel_recounts_are_reported_not_failed(chain, recount_registry):
    ok, out, _ = verify()
    assert ok and "Scopes without a registered recount (2): sample.poll:1, sample.poll:2" in out


def test_the_longest_registered_prefix_recounts_a_scope(chain, recount_registry):
    records = _channel_records(chain)
    recount_registry("voting.", lambda scope: [])  # would disagree with every scope
    recount_registry(
        "sample.poll:",
        lambda scope: [ledger.ledger_commitment(salt=salt, content=content) for salt, content in records[scope]],
    )
    assert verify()[0]
