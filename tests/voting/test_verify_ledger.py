"""`manage.py verify_ledger` recounts every poll from its ballots: it passes after real ballots
and fails (non-zero exit) when a ballot, a counter or a ledger entry was tampered with."""

import io
import uuid

import pytest
from django.core.management import CommandError, ManagementUtility, call_command
from django.db import connection, models
from django.db.models import F

from audit import ledger
from audit.models import LedgerBlock, LedgerEntry
from voting.models import Ballot, RankingCount, TallyCount
from voting.services import ballot_cast, ballot_commitment
from voting.tallies import tally_add

pytestmark = pytest.mark.django_db


def verify():
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("verify_ledger", stdout=out, stderr=err)
    except CommandError as error:
        return False, out.getvalue(), err.getvalue() + str(error)
    return True, out.getvalue(), err.getvalue()


def raw_sql(table, sql, params=()):
    """SQL as someone with direct database access would run it, past the append-only triggers
    (disabled for the statement on PostgreSQL; ALTER TABLE is transactional, the test's rollback
    restores them)."""
    params = [
        models.UUIDField().get_db_prep_value(param, connection) if isinstance(param, uuid.UUID) else param
        for param in params
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        cursor.execute(sql, params)
        count = cursor.rowcount
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        return count


@pytest.fixture
def voted(open_poll, ranked_poll, make_citizen, django_capture_on_commit_callbacks):
    """Three ballots in a single-choice poll (options 1, 1, 2) and two ranked ballots, sealed as
    they would be after each commit; one more single-choice ballot left pending."""
    with django_capture_on_commit_callbacks(execute=True):
        for choice in ("1", "1", "2"):
            ballot_cast(citizen=make_citizen(), poll=open_poll, choices=[choice])
        for ranking in (["2", "1"], ["4", "3", "1"]):
            ballot_cast(citizen=make_citizen(), poll=ranked_poll, choices=ranking)
    ballot_cast(citizen=make_citizen(), poll=open_poll, choices=["3"])
    assert LedgerEntry.objects.pending().count() == 1
    return open_poll, ranked_poll


def test_the_ledger_verifies_after_real_ballots(voted):
    ok, out, err = verify()
    assert ok, err
    assert "Scopes recounted:   2" in out
    assert "Entries checked:    5" in out and "Unsealed entries:   1" in out
    assert "The ledger verifies." in out


def test_the_command_exits_non_zero_on_a_mismatch(voted):
    poll, _ = voted
    Ballot.objects.filter(poll=poll, choices=[2]).delete()
    with pytest.raises(SystemExit) as exit_:
        ManagementUtility(["manage.py", "verify_ledger"]).execute()
    assert exit_.value.code not in (0, None)


def test_an_altered_ballot_fails_the_recount(voted):
    poll, _ = voted
    ballot = Ballot.objects.filter(poll=poll, choices=[2]).get()
    Ballot.objects.filter(pk=ballot.pk).update(choices=[3])

    ok, _, err = verify()
    assert not ok
    scope = poll.ledger_scope
    assert f"Scope {scope}: the channel counts 4, the ledger holds 4 (1 missing from the ledger, 1 the channel" in err
    assert f"Scope {scope}: option 2: the results show 1, the ballots count 0." in err
    assert f"Scope {scope}: option 3: the results show 1, the ballots count 2." in err


def test_an_altered_ballot_with_counters_fixed_to_match_is_still_caught(voted):
    """Someone who also moves the counters: the counts agree, the commitment does not."""
    poll, _ = voted
    ballot = Ballot.objects.filter(poll=poll, choices=[2]).get()
    Ballot.objects.filter(pk=ballot.pk).update(choices=[1])
    for dimension, value in (("", ""), ("age", ballot.age_band), ("district", ballot.district_code),
                             ("gender", ballot.gender)):
        same_group = TallyCount.objects.filter(poll=poll, dimension=dimension, value=value)
        moved_from = same_group.filter(option_position=2, count__gt=0).first()
        moved_to = same_group.filter(option_position=1).first()
        TallyCount.objects.filter(pk=moved_from.pk).update(count=F("count") - 1)
        TallyCount.objects.filter(pk=moved_to.pk).update(count=F("count") + 1)

    ok, _, err = verify()
    assert not ok
    assert "1 missing from the ledger, 1 the channel does not count" in err
    assert "the results show" not in err


def test_a_deleted_ballot_fails_the_recount(voted):
    poll, _ = voted
    Ballot.objects.filter(poll=poll, choices=[2]).delete()

    ok, _, err = verify()
    assert not ok
    assert f"Scope {poll.ledger_scope}: the channel counts 3, the ledger holds 4" in err
    assert "ballots: the results show 4, the ballots count 3." in err


def test_a_bumped_counter_fails_the_check(voted):
    poll, _ = voted
    row = TallyCount.objects.filter(poll=poll, option_position=2, dimension="").first()
    TallyCount.objects.filter(pk=row.pk).update(count=F("count") + 1)

    ok, _, err = verify()
    assert not ok
    assert f"Scope {poll.ledger_scope}: option 2: the results show 2, the ballots count 1." in err
    assert "missing from the ledger" not in err


def test_a_bumped_breakdown_counter_fails_the_check(voted):
    poll, _ = voted
    TallyCount.objects.filter(poll=poll, option_position=1, dimension="district", value="11110", shard=0).update(
        count=F("count") + 1
    )

    ok, _, err = verify()
    assert not ok and "option 1 (district=11110): the results show 1, the ballots count 0." in err


def test_a_bumped_ranking_counter_fails_the_check(voted):
    _, ranked = voted
    row = RankingCount.objects.filter(poll=ranked, ranking="2>1").first()
    RankingCount.objects.filter(pk=row.pk).update(count=F("count") + 1)

    ok, _, err = verify()
    assert not ok and f"Scope {ranked.ledger_scope}: the ranking counts differ from the ballots." in err


def test_a_sealed_ledger_entry_removed_fails(voted):
    poll, _ = voted
    entry = LedgerEntry.objects.filter(scope=poll.ledger_scope, block__isnull=False).first()
    height = LedgerBlock.objects.get(pk=entry.block_id).height
    assert raw_sql("audit_ledgerentry", "DELETE FROM audit_ledgerentry WHERE id = %s", [entry.pk]) == 1

    ok, _, err = verify()
    assert not ok
    assert f"Block {height} was sealed with" in err
    assert f"Scope {poll.ledger_scope}: the channel counts 4, the ledger holds 3 (1 missing from the ledger" in err


def test_a_pending_ledger_entry_removed_fails(voted):
    poll, _ = voted
    entry = LedgerEntry.objects.pending().get()
    assert raw_sql("audit_ledgerentry", "DELETE FROM audit_ledgerentry WHERE id = %s", [entry.pk]) == 1

    ok, _, err = verify()
    assert not ok
    assert f"Scope {poll.ledger_scope}: the channel counts 4, the ledger holds 3 (1 missing from the ledger" in err


def test_every_entry_of_a_poll_removed_is_still_noticed(voted):
    _, ranked = voted
    raw_sql("audit_ledgerentry", "DELETE FROM audit_ledgerentry WHERE scope = %s", [ranked.ledger_scope])

    ok, _, err = verify()
    assert not ok
    assert f"Scope {ranked.ledger_scope}: the channel counts 2, the ledger holds 0" in err


def test_a_ballot_slipped_in_behind_the_ledgers_back_fails(voted):
    """A ballot row and its counters added without a ledger entry: the counts agree, the ledger does not."""
    poll, _ = voted
    salt, receipt = ledger.new_salt(), ledger.new_receipt()
    Ballot.objects.create(poll=poll, choices=[1], salt=salt, receipt_digest=ledger.receipt_digest(receipt))
    tally_add(poll_id=poll.pk, question_type="single", choices=[1], age_band="", district_code="", gender="")

    ok, _, err = verify()
    assert not ok
    assert f"Scope {poll.ledger_scope}: the channel counts 5, the ledger holds 4 (1 missing from the ledger" in err
    assert "the results show" not in err


def test_a_forged_ledger_entry_fails(voted):
    """An entry appended for a ballot that does not exist."""
    poll, _ = voted
    from audit.services import ledger_append

    salt = ledger.new_salt()
    ledger_append(
        scope=poll.ledger_scope, kind="ballot", receipt=ledger.new_receipt(),
        commitment=ballot_commitment(salt=salt, poll_id=poll.pk, choices=[1]),
    )

    ok, _, err = verify()
    assert not ok and "1 the channel does not count" in err
