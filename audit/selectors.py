"""Reads of the ledger for the public page, head.json and the admin."""

from dataclasses import dataclass
from datetime import date

from django.db import connection
from django.utils.translation import gettext_lazy as _

from . import ledger
from .models import AuditEvent, LedgerBlock, LedgerEntry


@dataclass(frozen=True)
class LedgerHead:
    height: int | None
    hash: str | None
    previous_hash: str | None
    sealed_on: date | None
    entry_count: int
    pending_entries: int

    def as_json(self):
        return {
            "height": self.height,
            "hash": self.hash,
            "previous_hash": self.previous_hash,
            "sealed_on": self.sealed_on.isoformat() if self.sealed_on else None,
            "entry_count": self.entry_count,
            "pending_entries": self.pending_entries,
            "format": ledger.FORMAT,
        }


def ledger_head() -> LedgerHead:
    """The published head: the highest block, and how many entries wait to be sealed (2 queries)."""
    block = (
        LedgerBlock.objects.order_by("-height")
        .only("height", "hash", "previous_hash", "sealed_on", "entry_count")
        .first()
    )
    pending = LedgerEntry.objects.pending().count()
    if block is None:
        return LedgerHead(None, None, None, None, 0, pending)
    return LedgerHead(block.height, block.hash, block.previous_hash, block.sealed_on, block.entry_count, pending)


# What citizens read for the kinds the channels append; an unknown kind shows as its code.
KIND_LABELS = {
    "support": _("Support"),
    "support_withdrawal": _("Support withdrawn"),
    "ballot": _("Vote"),
    "budget_ballot": _("Participatory budget vote"),
    "debate_participation": _("Debate participation"),
}


@dataclass(frozen=True)
class ReceiptStatus:
    SEALED = "sealed"
    PENDING = "pending"
    NOT_FOUND = "not_found"

    state: str
    scope: str = ""
    kind: str = ""
    block_height: int | None = None
    block_hash: str | None = None
    sealed_on: date | None = None

    @property
    def kind_label(self):
        return KIND_LABELS.get(self.kind, self.kind)


def receipt_status(receipt: str) -> ReceiptStatus:
    """Where a receipt stands: in a sealed block, waiting to be sealed, or unknown (1 query).

    Never who: the ledger has no reference to a person. `receipt` must already be valid
    (ledger.normalize_receipt raises LedgerFormatError otherwise).
    """
    entry = (
        LedgerEntry.objects.select_related("block")
        .only("scope", "kind", "block__height", "block__hash", "block__sealed_on")
        .filter(receipt_digest=ledger.receipt_digest(receipt))
        .first()
    )
    if entry is None:
        return ReceiptStatus(ReceiptStatus.NOT_FOUND)
    if entry.block is None:
        return ReceiptStatus(ReceiptStatus.PENDING, scope=entry.scope, kind=entry.kind)
    return ReceiptStatus(
        ReceiptStatus.SEALED,
        scope=entry.scope,
        kind=entry.kind,
        block_height=entry.block.height,
        block_hash=entry.block.hash,
        sealed_on=entry.block.sealed_on,
    )


@dataclass(frozen=True)
class ReceiptCheck:
    """What a receipt says about one scope's vote (a poll, a budget cycle). Never the choices: the
    channel's ballot is only asked whether it exists."""

    SEALED = ReceiptStatus.SEALED
    PENDING = ReceiptStatus.PENDING
    NOT_FOUND = ReceiptStatus.NOT_FOUND
    OTHER_SCOPE = "other_scope"

    state: str
    receipt_digest: str
    # A ballot of this scope holds this receipt's digest: the count includes it.
    counted: bool = False
    block_height: int | None = None
    block_hash: str | None = None
    sealed_on: date | None = None


def scoped_receipt_check(scope: str, receipt: str, ballot_exists) -> ReceiptCheck:
    """Where `receipt` (already normalised) stands in the vote of `scope`; `ballot_exists(digest)`
    asks the channel whether one of its ballots of that scope holds the digest (2 queries at most).
    A receipt of another scope says only that: none of its details."""
    digest = ledger.receipt_digest(receipt)
    status = receipt_status(receipt)
    if status.state != ReceiptStatus.NOT_FOUND and status.scope != scope:
        return ReceiptCheck(ReceiptCheck.OTHER_SCOPE, digest)
    return ReceiptCheck(
        status.state,
        digest,
        counted=ballot_exists(digest),
        block_height=status.block_height,
        block_hash=status.block_hash,
        sealed_on=status.sealed_on,
    )


def audit_events_for_admin():
    # The list shows no related rows; the IP (personal data) is not read at all.
    return AuditEvent.objects.defer("summary")


def audit_event_actions() -> list[str]:
    """Every action in the log, for the admin's filter.

    A loose index scan over the (action, occurred_at) index: one index probe per distinct
    action, where SELECT DISTINCT would read every event of a log that grows for years.
    """
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    # nosemgrep: raw-sql-built-by-string-formatting -- only names from the models or this module are formatted in; values are parameters
    sql = (
        f"WITH RECURSIVE actions(action) AS ("  # noqa: S608 -- the table name comes from the model  # nosec B608
        f" SELECT MIN(action) FROM {table}"
        f" UNION ALL"
        f" SELECT (SELECT MIN(action) FROM {table} WHERE action > actions.action) FROM actions"
        f" WHERE actions.action IS NOT NULL"
        f") SELECT action FROM actions WHERE action IS NOT NULL"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [row[0] for row in cursor.fetchall()]
