"""Seeded participation goes on the ledger too, already sealed, so that verify_ledger passes.

Appending millions of entries as pending and letting `ledger_seal` seal them would write every
entry twice (the insert, then the update that seals it) and leave the first real support of a
benchmark to seal the backlog. Instead entries are collected into blocks of
LEDGER_BLOCK_MAX_ENTRIES here, hashed with audit.ledger's own BlockHasher in the ledger's entry
order, chained to the current head, and written with their block. Sealers wait: the chain's
advisory lock is held until the seeding transaction commits.
"""

import os
import uuid

from django.conf import settings
from django.db import connection
from django.utils import timezone

from audit import ledger
from audit.models import LedgerBlock, LedgerEntry
from audit.services import CHAIN_LOCK_KEY, DEFAULT_BLOCK_MAX_ENTRIES

from .bulk import next_id

# Every pair of receipt characters, indexed by the 10 bits they encode.
_PAIRS = [first + second for first in ledger.RECEIPT_ALPHABET for second in ledger.RECEIPT_ALPHABET]


def fast_receipt() -> str:
    """What ledger.new_receipt() makes (100 random bits as 5 groups of 4), ten times faster."""
    bits, pairs = int.from_bytes(os.urandom(13), "big"), _PAIRS
    return (
        f"{pairs[bits & 1023]}{pairs[bits >> 10 & 1023]}-{pairs[bits >> 20 & 1023]}{pairs[bits >> 30 & 1023]}-"
        f"{pairs[bits >> 40 & 1023]}{pairs[bits >> 50 & 1023]}-{pairs[bits >> 60 & 1023]}{pairs[bits >> 70 & 1023]}-"
        f"{pairs[bits >> 80 & 1023]}{pairs[bits >> 90 & 1023]}"
    )


class SealedLedgerWriter:
    def __init__(self, loader, *, block_size=None):
        self.block_size = block_size or getattr(settings, "LEDGER_BLOCK_MAX_ENTRIES", DEFAULT_BLOCK_MAX_ENTRIES)
        self.blocks = loader.table(LedgerBlock, ["id", "height", "previous_hash", "hash", "entry_count", "sealed_on"])
        self.entries = loader.table(LedgerEntry, ["id", "scope", "kind", "commitment", "receipt_digest", "block"])
        self._pending = []
        self._take_chain_lock()
        head = LedgerBlock.objects.order_by("-height").only("height", "hash").first()
        self.height = head.height if head else 0
        self.previous_hash = head.hash if head else ledger.GENESIS_HASH
        self.next_block_id = next_id(LedgerBlock)
        self.sealed_on = timezone.localdate()
        self.entry_count = 0

    @staticmethod
    def _take_chain_lock():
        # The same lock as audit.services' sealer; SQLite serialises writers by itself.
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])

    def append(self, *, scope, kind, commitment, receipt):
        self.append_digest(scope=scope, kind=kind, commitment=commitment, digest=ledger.receipt_digest(receipt))

    def append_digest(self, *, scope, kind, commitment, digest):
        """As append(), for a caller that already holds the receipt's digest (it stores it too)."""
        self._pending.append((commitment, digest, scope, kind))
        if len(self._pending) >= self.block_size:
            self.seal()

    def seal(self):
        if not self._pending:
            return
        self._pending.sort()  # ledger.ENTRY_ORDER: commitment, then receipt digest
        self.height += 1
        hasher = ledger.BlockHasher(height=self.height, previous_hash=self.previous_hash, sealed_on=self.sealed_on)
        for commitment, digest, scope, kind in self._pending:
            hasher.add(scope=scope, kind=kind, commitment=commitment, receipt_digest=digest)
        block_id, block_hash = self.next_block_id, hasher.hexdigest()
        self.blocks.add((block_id, self.height, self.previous_hash, block_hash, hasher.count, self.sealed_on))
        for commitment, digest, scope, kind in self._pending:
            self.entries.add((uuid.uuid4(), scope, kind, commitment, digest, block_id))
        self.entry_count += hasher.count
        self.next_block_id += 1
        self.previous_hash = block_hash
        self._pending = []
