"""Reads of a poll's part of the participation ledger: its page of receipt digests, and the
check of a receipt against the poll.

The page lists the poll's ledger entries in the ledger's own order (sealed blocks by block, each
block's entries in canonical order, then the entries waiting to be sealed), page by page with a
keyset cursor over the index ledger_entry_scope_order (scope, block, commitment, receipt_digest):
every page costs the same few queries, the millionth as the first. Entries carry no time and no
person, and the canonical order says nothing about when a ballot was cast.
"""

import re
from dataclasses import dataclass, field
from datetime import date

from django.db.models import F
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan

from audit.models import LedgerEntry
from audit.selectors import ReceiptCheck, scoped_receipt_check

from ..models import Ballot, Poll

LEDGER_PAGE_SIZE = 100
# "<block id>.<commitment>.<receipt digest>" after a sealed entry; "p.<commitment>.<digest>"
# after a pending one. Digests are public (they are what this page lists); receipts never are.
CURSOR_RE = re.compile(r"^(?P<block>[1-9][0-9]{0,17}|p)\.(?P<commitment>[0-9a-f]{64})\.(?P<digest>[0-9a-f]{64})$")
PENDING = "p"


@dataclass(frozen=True)
class LedgerCursor:
    block_id: int | None
    commitment: str
    receipt_digest: str

    @classmethod
    def parse(cls, text: str) -> "LedgerCursor":
        """The cursor of a page link; ValueError when it is not one."""
        match = CURSOR_RE.match(text or "")
        if not match:
            raise ValueError("not a ledger cursor")
        block = match["block"]
        return cls(None if block == PENDING else int(block), match["commitment"], match["digest"])

    def __str__(self):
        return f"{self.block_id or PENDING}.{self.commitment}.{self.receipt_digest}"


@dataclass(frozen=True)
class LedgerRow:
    commitment: str
    receipt_digest: str


@dataclass
class LedgerBlockGroup:
    """The entries of one page that sit in one sealed block (height None: waiting to be sealed)."""

    height: int | None
    hash: str | None
    sealed_on: date | None
    rows: list[LedgerRow] = field(default_factory=list)


@dataclass(frozen=True)
class LedgerPage:
    groups: list[LedgerBlockGroup]
    next_cursor: str
    pending: int
    is_first: bool

    @property
    def rows(self):
        return [row for group in self.groups for row in group.rows]


def _page_entries(scope, after: LedgerCursor | None, size: int):
    """size + 1 entries after the cursor: sealed ones by (block, commitment, digest) first, then
    pending ones by (commitment, digest). Two queries, each an index range scan (one once the
    cursor is past the sealed entries)."""
    entries = []
    sealed_phase = after is None or after.block_id is not None
    if sealed_phase:
        sealed = LedgerEntry.objects.filter(scope=scope, block__isnull=False)
        if after is not None:
            sealed = sealed.filter(
                TupleGreaterThan(
                    Tuple(F("block_id"), F("commitment"), F("receipt_digest")),
                    (after.block_id, after.commitment, after.receipt_digest),
                )
            )
        entries = list(
            sealed.select_related("block")
            .only("commitment", "receipt_digest", "block__height", "block__hash", "block__sealed_on")
            .order_by("block_id", "commitment", "receipt_digest")[: size + 1]
        )
    pending = LedgerEntry.objects.filter(scope=scope, block__isnull=True)
    if not sealed_phase:
        pending = pending.filter(
            TupleGreaterThan(Tuple(F("commitment"), F("receipt_digest")), (after.commitment, after.receipt_digest))
        )
    # Asked for even when the sealed entries fill the page (then for one row), so that a page
    # costs the same queries whatever the poll holds.
    wanted = max(size + 1 - len(entries), 1)
    pending = pending.only("commitment", "receipt_digest", "block").order_by("commitment", "receipt_digest")
    entries += list(pending[:wanted])
    return entries[: size + 1]


def poll_ledger_page(poll: Poll, *, after: LedgerCursor | None = None, size=None) -> LedgerPage:
    """One page of the poll's ledger entries, grouped by block, and the poll's pending count
    (3 queries, 2 once the cursor is past the sealed entries)."""
    size = size or LEDGER_PAGE_SIZE
    entries = _page_entries(poll.ledger_scope, after, size)
    next_cursor = ""
    if len(entries) > size:
        entries = entries[:size]
        last = entries[-1]
        next_cursor = str(LedgerCursor(last.block_id, last.commitment, last.receipt_digest))
    groups = []
    for entry in entries:
        block = entry.block if entry.block_id else None
        if not groups or groups[-1].height != (block.height if block else None):
            groups.append(
                LedgerBlockGroup(
                    height=block.height if block else None,
                    hash=block.hash if block else None,
                    sealed_on=block.sealed_on if block else None,
                )
            )
        groups[-1].rows.append(LedgerRow(entry.commitment, entry.receipt_digest))
    return LedgerPage(
        groups=groups, next_cursor=next_cursor, pending=poll_pending_entries(poll), is_first=after is None
    )


def poll_pending_entries(poll: Poll) -> int:
    return LedgerEntry.objects.filter(scope=poll.ledger_scope, block__isnull=True).count()


# --- A receipt ------------------------------------------------------------------------------


def poll_receipt_check(poll: Poll, receipt: str) -> ReceiptCheck:
    """Where `receipt` (already normalised by the form) stands in `poll` (2 queries at most)."""
    return scoped_receipt_check(
        poll.ledger_scope, receipt, lambda digest: Ballot.objects.filter(poll_id=poll.pk, receipt_digest=digest).exists()
    )
