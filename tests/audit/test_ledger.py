import threading

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction

from audit import ledger
from audit.appendonly import AppendOnlyError
from audit.models import LedgerBlock, LedgerEntry
from audit.services import _take_chain_lock, ledger_append, ledger_seal
from audit.tasks import seal_ledger
from audit.verification import ledger_verify

pytestmark = pytest.mark.django_db


# --- Formats ---------------------------------------------------------------------------------


def test_commitment_is_recomputable_from_salt_and_content_and_hides_both():
    salt = ledger.new_salt()
    commitment = ledger.ledger_commitment(salt=salt, content={"poll": 12, "choice": 3})

    assert commitment == ledger.ledger_commitment(salt=salt, content={"choice": 3, "poll": 12})
    assert commitment != ledger.ledger_commitment(salt=salt, content={"poll": 12, "choice": 4})
    assert commitment != ledger.ledger_commitment(salt=ledger.new_salt(), content={"poll": 12, "choice": 3})
    assert ledger.HASH_RE.match(commitment)


@pytest.mark.parametrize("salt", ["", "short", "Z" * 32, None])
def test_commitment_needs_a_real_salt(salt):
    with pytest.raises(ledger.LedgerFormatError):
        ledger.ledger_commitment(salt=salt, content={"choice": 1})


def test_commitment_content_must_be_json():
    with pytest.raises(ledger.LedgerFormatError):
        ledger.ledger_commitment(salt=ledger.new_salt(), content={"when": object()})


def test_receipts_survive_retyping():
    receipt = ledger.new_receipt()
    assert len(receipt) == 24 and receipt.count("-") == 4
    retyped = " " + receipt.lower().replace("-", " ").replace("0", "o").replace("1", "l") + " "
    assert ledger.receipt_digest(retyped) == ledger.receipt_digest(receipt)
    assert ledger.receipt_digest(receipt) != ledger.receipt_digest(ledger.new_receipt())


@pytest.mark.parametrize("text", ["", "    ", "ABC-123", "7KQ2-M9XD-4HFA-ZP3C-R8T!", "가나다라" * 5, "A" * 65])
def test_malformed_receipts_are_refused(text):
    with pytest.raises(ledger.LedgerFormatError):
        ledger.normalize_receipt(text)


# --- Appending -------------------------------------------------------------------------------


def test_append_stores_no_receipt_no_person_and_no_time(append):
    entry, receipt, salt, content = append()

    stored = LedgerEntry.objects.get(pk=entry.pk)
    assert stored.receipt_digest == ledger.receipt_digest(receipt)
    assert receipt.replace("-", "") not in str(LedgerEntry.objects.filter(pk=entry.pk).values().get())
    assert stored.commitment == ledger.ledger_commitment(salt=salt, content=content)
    assert stored.block is None
    field_names = {field.name for field in LedgerEntry._meta.get_fields()}
    assert field_names == {"id", "scope", "kind", "commitment", "receipt_digest", "block"}


@pytest.mark.parametrize(
    ("scope", "kind", "commitment", "receipt"),
    [
        ("poll 12", "ballot", "a" * 64, "7KQ2-M9XD-4HFA-ZP3C-R8TW"),
        ("sample.poll:12", "Ballot", "a" * 64, "7KQ2-M9XD-4HFA-ZP3C-R8TW"),
        ("sample.poll:12", "ballot", "A" * 64, "7KQ2-M9XD-4HFA-ZP3C-R8TW"),
        ("sample.poll:12", "ballot", "a" * 63, "7KQ2-M9XD-4HFA-ZP3C-R8TW"),
        ("sample.poll:12", "ballot", "a" * 64, "short"),
    ],
)
def test_append_refuses_malformed_arguments(scope, kind, commitment, receipt):
    with pytest.raises(ValueError):
        ledger_append(scope=scope, kind=kind, commitment=commitment, receipt=receipt)
    assert not LedgerEntry.objects.exists()


def test_a_receipt_can_be_used_once(append):
    _, receipt, _, _ = append()
    with pytest.raises(IntegrityError), transaction.atomic():
        ledger_append(scope="sample.poll:12", kind="ballot", commitment="b" * 64, receipt=receipt)


def test_append_schedules_a_seal_only_where_no_scheduler_runs(append, settings, django_capture_on_commit_callbacks):
    settings.LEDGER_SEAL_ON_COMMIT = False
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        append()
    assert callbacks == []
    assert LedgerBlock.objects.count() == 0

    settings.LEDGER_SEAL_ON_COMMIT = True
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        append()
    assert len(callbacks) == 1
    assert LedgerBlock.objects.count() == 1
    assert LedgerEntry.objects.pending().count() == 0


# --- Sealing ---------------------------------------------------------------------------------


def test_several_seals_build_one_valid_chain(sealed, append):
    sealed(3)
    sealed(1, scope="example.thing:7", kind="support")
    append()
    append()
    seal_ledger()  # the periodic task

    blocks = list(LedgerBlock.objects.order_by("height"))
    assert [block.height for block in blocks] == [1, 2, 3]
    assert [block.entry_count for block in blocks] == [3, 1, 2]
    assert blocks[0].previous_hash == ledger.GENESIS_HASH
    assert [block.previous_hash for block in blocks[1:]] == [block.hash for block in blocks[:-1]]
    assert LedgerEntry.objects.pending().count() == 0
    report = ledger_verify()
    assert report.ok, report.problems
    assert (report.blocks_checked, report.entries_checked, report.head_hash) == (3, 6, blocks[-1].hash)


def test_block_hash_covers_the_entries_in_canonical_order(sealed):
    made = sealed(4)
    block = LedgerBlock.objects.get()

    hasher = ledger.BlockHasher(height=1, previous_hash=ledger.GENESIS_HASH, sealed_on=block.sealed_on)
    entries = sorted((entry for entry, *_ in made), key=lambda entry: (entry.commitment, entry.receipt_digest))
    for entry in entries:
        hasher.add(scope=entry.scope, kind=entry.kind, commitment=entry.commitment, receipt_digest=entry.receipt_digest)
    assert hasher.hexdigest() == block.hash


def test_a_seal_with_nothing_pending_writes_nothing(sealed):
    sealed(2)
    assert ledger_seal() == []
    assert LedgerBlock.objects.count() == 1


def test_large_backlogs_are_sealed_in_bounded_blocks(append):
    for _ in range(5):
        append()
    blocks = ledger_seal(max_entries=2)
    assert [block.entry_count for block in blocks] == [2, 2, 1]
    assert ledger_verify().ok


def test_sealing_twice_in_a_row_does_not_fork(append):
    # Two seals back to back (what two overlapping timers do on one connection): the second finds
    # nothing to seal, the chain has one block per height.
    append()
    first, second = ledger_seal(), ledger_seal()
    assert len(first) == 1 and second == []
    append()
    ledger_seal()
    assert list(LedgerBlock.objects.values_list("height", flat=True)) == [1, 2]


def test_the_database_refuses_a_second_block_at_a_height_or_on_a_parent(sealed):
    sealed(1)
    head = LedgerBlock.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerBlock.objects.create(
            height=1, previous_hash="f" * 64, hash="e" * 64, entry_count=1, sealed_on=head.sealed_on
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerBlock.objects.create(
            height=9, previous_hash=ledger.GENESIS_HASH, hash="e" * 64, entry_count=1, sealed_on=head.sealed_on
        )


def test_ledger_rows_refuse_orm_changes(sealed):
    ((entry, *_),) = sealed(1)
    block = LedgerBlock.objects.get()
    with pytest.raises(AppendOnlyError):
        LedgerEntry.objects.filter(pk=entry.pk).update(kind="support")
    with pytest.raises(AppendOnlyError):
        LedgerEntry.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    entry.kind = "support"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        LedgerBlock.objects.filter(pk=block.pk).update(entry_count=5)
    with pytest.raises(AppendOnlyError):
        block.delete()


@pytest.mark.postgres
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_ledgerentry SET kind = 'support'",
        "UPDATE audit_ledgerentry SET block_id = NULL",
        "DELETE FROM audit_ledgerentry",
        "UPDATE audit_ledgerblock SET entry_count = 5",
        "DELETE FROM audit_ledgerblock",
    ],
)
def test_the_database_refuses_raw_changes_to_the_ledger(sealed, sql):
    sealed(1)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    assert ledger_verify().ok


@pytest.mark.postgres
def test_the_database_refuses_moving_a_sealed_entry_to_another_block(sealed):
    sealed(1)
    sealed(1)
    first, second = LedgerBlock.objects.order_by("height")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_ledgerentry SET block_id = %s WHERE block_id = %s", [second.pk, first.pk])


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_sealer_waits_for_the_one_holding_the_chain(append, settings):
    settings.LEDGER_SEAL_ON_COMMIT = False  # only the threads below seal
    append()
    lock_held, release, sealed_blocks = threading.Event(), threading.Event(), []

    def holder():
        try:
            with transaction.atomic():
                _take_chain_lock()
                lock_held.set()
                release.wait(10)
        finally:
            connection.close()

    def sealer():
        try:
            sealed_blocks.extend(ledger_seal())
        finally:
            connection.close()

    holding = threading.Thread(target=holder)
    holding.start()
    assert lock_held.wait(10)
    sealing = threading.Thread(target=sealer)
    sealing.start()
    sealing.join(0.5)
    assert sealing.is_alive(), "the sealer did not wait for the chain lock"
    append()  # committed while the sealer waits: it must be in the same block
    release.set()
    holding.join(10)
    sealing.join(10)
    assert [block.entry_count for block in sealed_blocks] == [2]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_and_seals_never_fork_the_chain(settings):
    settings.LEDGER_SEAL_ON_COMMIT = True
    threads, rounds = 6, 8
    start, errors = threading.Barrier(threads), []

    def cast(worker):
        try:
            start.wait(10)
            for index in range(rounds):
                # Each transaction appends and, on commit, seals — sealers overlap constantly.
                with transaction.atomic():
                    ledger_append(
                        scope=f"sample.poll:{worker}",
                        kind="ballot",
                        commitment=ledger.ledger_commitment(salt=ledger.new_salt(), content={"i": index}),
                        receipt=ledger.new_receipt(),
                    )
                ledger_seal()
        except Exception as error:  # noqa: BLE001 -- reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    workers = [threading.Thread(target=cast, args=(worker,)) for worker in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)

    assert errors == []
    assert LedgerEntry.objects.count() == threads * rounds
    assert LedgerEntry.objects.pending().count() == 0
    heights = list(LedgerBlock.objects.order_by("height").values_list("height", flat=True))
    assert heights == list(range(1, len(heights) + 1))
    report = ledger_verify()
    assert report.ok, report.problems
    assert report.entries_checked == threads * rounds
