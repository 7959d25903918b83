"""Recompute the ledger: the chain of blocks, every block's hash over its entries, and each
channel's recount of the commitments it expects per scope.

Runs in one snapshot (REPEATABLE READ on PostgreSQL) so that a block sealed or a vote cast while
it runs cannot show up as a mismatch; streams rows so that memory stays flat on a long chain.
"""

import contextlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import groupby

from django.db import connection, transaction

from . import ledger
from .models import LedgerBlock, LedgerEntry
from .recounts import recount_for, registered_recounts

_CHUNK = 5_000


@dataclass
class LedgerReport:
    blocks_checked: int = 0
    entries_checked: int = 0
    head_height: int | None = None
    head_hash: str | None = None
    unsealed_entries: int = 0
    scopes_recounted: int = 0
    scopes_not_recounted: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self):
        return not self.problems


def ledger_verify(
    *, published_head: tuple[int, str] | None = None, progress: Callable[[int, int], None] | None = None
) -> LedgerReport:
    """Check the whole ledger; `published_head` (height, hash) is a head published earlier,
    which the chain must still contain — the one check a rewritten chain cannot pass.
    `progress(blocks checked, blocks in all)` is called after each block (a command's bar)."""
    report = LedgerReport()
    with _snapshot():
        _verify_chain(report, published_head, progress)
        report.unsealed_entries = LedgerEntry.objects.pending().count()
        _verify_recounts(report)
    return report


@contextlib.contextmanager
def _snapshot():
    if connection.in_atomic_block:
        # Already inside a transaction (a test, a caller's atomic): use its view.
        yield
        return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def _verify_chain(report, published_head, progress):
    total = LedgerBlock.objects.count() if progress is not None else 0
    blocks = (
        LedgerBlock.objects.order_by("height")
        .values_list("id", "height", "previous_hash", "hash", "entry_count", "sealed_on")
        .iterator(chunk_size=_CHUNK)
    )
    entries = (
        LedgerEntry.objects.filter(block__isnull=False)
        .order_by("block__height", *ledger.ENTRY_ORDER)
        .values_list("block_id", "scope", "kind", "commitment", "receipt_digest")
        .iterator(chunk_size=_CHUNK)
    )
    entry = next(entries, None)
    expected_height, expected_previous = 1, ledger.GENESIS_HASH
    published_seen = False
    for block_id, height, previous_hash, block_hash, entry_count, sealed_on in blocks:
        if height != expected_height:
            report.problems.append(f"Block heights jump from {expected_height - 1} to {height}: blocks are missing.")
        if previous_hash != expected_previous:
            report.problems.append(f"Block {height} does not link to the block before it (broken chain).")
        hasher = ledger.BlockHasher(height=height, previous_hash=previous_hash, sealed_on=sealed_on)
        while entry is not None and entry[0] == block_id:
            _, scope, kind, commitment, digest = entry
            hasher.add(scope=scope, kind=kind, commitment=commitment, receipt_digest=digest)
            entry = next(entries, None)
        if hasher.count != entry_count:
            report.problems.append(
                f"Block {height} was sealed with {entry_count} entries but holds {hasher.count}: "
                "entries were removed or added."
            )
        if hasher.hexdigest() != block_hash:
            report.problems.append(f"Block {height}: its hash does not match its entries (an entry was altered).")
        if published_head and height == published_head[0]:
            published_seen = True
            if block_hash != published_head[1]:
                report.problems.append(f"Block {height} is not the block published with hash {published_head[1]}.")
        report.blocks_checked += 1
        report.entries_checked += hasher.count
        report.head_height, report.head_hash = height, block_hash
        expected_height, expected_previous = height + 1, block_hash
        if progress is not None:
            progress(report.blocks_checked, total)
    if entry is not None:
        report.problems.append("Entries belong to blocks outside the chain.")
    if published_head and not published_seen:
        report.problems.append(f"The published block {published_head[0]} is no longer in the chain.")


def _verify_recounts(report):
    rows = LedgerEntry.objects.order_by("scope").values_list("scope", "commitment").iterator(chunk_size=_CHUNK)
    seen = set()
    for scope, group in groupby(rows, key=lambda row: row[0]):
        seen.add(scope)
        _recount_scope(report, scope, Counter(commitment for _, commitment in group))
    for recount in registered_recounts():
        if recount.scopes is None:
            continue
        try:
            channel_scopes = sorted(set(recount.scopes()) - seen)
        except Exception as error:  # noqa: BLE001 -- a failing recount is a finding, not a crash
            report.problems.append(f"The scopes of {recount.scope_prefix}* could not be listed: {error!r}")
            continue
        for scope in channel_scopes:
            _recount_scope(report, scope, Counter())


def _recount_scope(report, scope, in_ledger: Counter):
    recount = recount_for(scope)
    if recount is None:
        report.scopes_not_recounted.append(scope)
        return
    try:
        expected = Counter(recount.commitments(scope))
    except Exception as error:  # noqa: BLE001 -- a failing recount is a finding, not a crash
        report.problems.append(f"Scope {scope}: the recount failed: {error!r}")
        return
    report.scopes_recounted += 1
    missing = sum((expected - in_ledger).values())
    unexpected = sum((in_ledger - expected).values())
    if missing or unexpected:
        report.problems.append(
            f"Scope {scope}: the channel counts {sum(expected.values())}, the ledger holds "
            f"{sum(in_ledger.values())} ({missing} missing from the ledger, {unexpected} the channel does not count)."
        )
    if recount.check is None:
        return
    try:
        report.problems.extend(f"Scope {scope}: {problem}" for problem in recount.check(scope))
    except Exception as error:  # noqa: BLE001 -- a failing check is a finding, not a crash
        report.problems.append(f"Scope {scope}: the count check failed: {error!r}")
