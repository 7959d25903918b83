"""Every write of the audit app: audit events, IP retention, ledger entries and blocks.

Channel apps call audit_record and ledger_append inside their own transaction, so the audit row
and the ledger entry commit or roll back with the change they record.
"""

import hashlib
import ipaddress
import logging
import re
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from seoul_portal.statements import insert_row

from . import ledger
from .models import AuditEvent, AuditEventIP, LedgerBlock, LedgerEntry
from .summaries import check_summary

logger = logging.getLogger(__name__)

ACTION_RE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
# PIPA: staff access logs are kept at least two years; the address in them no longer than that.
DEFAULT_IP_RETENTION_DAYS = 730
DEFAULT_BLOCK_MAX_ENTRIES = 10_000
# Sealing's UPDATE lists entry ids; SQLite limits the number of parameters per statement.
_SEAL_UPDATE_BATCH = 500
# One key for "the chain", in PostgreSQL's advisory lock space (a signed 64-bit integer).
CHAIN_LOCK_KEY = int.from_bytes(hashlib.sha256(b"seoul-portal:audit:ledger-chain").digest()[:8], "big", signed=True)


class LedgerChainConflict(RuntimeError):
    """Another sealer sealed some of the entries this one was sealing; nothing was written."""


# --- Audit events ---------------------------------------------------------------------------


def ip_retention() -> timedelta:
    return timedelta(days=getattr(settings, "AUDIT_IP_RETENTION_DAYS", DEFAULT_IP_RETENTION_DAYS))


def _actor(actor):
    if actor is None:
        return None, AuditEvent.ActorKind.SYSTEM
    if not getattr(actor, "is_authenticated", True) or actor.pk is None:
        return None, AuditEvent.ActorKind.ANONYMOUS
    kind = AuditEvent.ActorKind.STAFF if getattr(actor, "is_staff", False) else AuditEvent.ActorKind.CITIZEN
    return actor.pk, kind


def _target(target):
    if target is None:
        return "", ""
    if isinstance(target, tuple):
        target_type, target_id = target
        return str(target_type), str(target_id)
    if target.pk is None:
        raise ValueError("audit_record: the target has no primary key yet; save it first.")
    return target._meta.label_lower, str(target.pk)


def _client_ip(ip):
    if not ip:
        return None
    try:
        return str(ipaddress.ip_address(str(ip).strip()))
    except ValueError:
        # A malformed address must not undo the citizen's action; the event is still written.
        logger.warning("audit_record: ignoring a malformed client IP")
        return None


def audit_record(*, actor, action, target=None, summary=None, ip=None) -> AuditEvent:
    """Write one audit event, in the caller's transaction.

    actor: the Citizen who acted (staff or citizen), None for the system, AnonymousUser for a
    visitor who is not signed in. target: a saved model instance, a ("app.model", id) pair or
    None. summary: ids and codes only — anything that looks like personal data raises
    PersonalDataInSummary (a ValueError). ip: the client address, kept apart until it expires.
    """
    if not isinstance(action, str) or not ACTION_RE.match(action) or len(action) > 80:
        raise ValueError(f'audit_record: an action looks like "proposal.support", not {action!r}.')
    summary = {} if summary is None else summary
    check_summary(summary)
    actor_id, actor_kind = _actor(actor)
    target_type, target_id = _target(target)
    now = timezone.now()
    # Both rows or neither; no savepoint, so inside the caller's transaction this costs nothing.
    with transaction.atomic(savepoint=False):
        event = AuditEvent.objects.create(
            occurred_at=now,
            actor_id=actor_id,
            actor_kind=actor_kind,
            action=action,
            target_type=target_type,
            target_id=target_id,
            summary=summary,
        )
        address = _client_ip(ip)
        if address:
            AuditEventIP.objects.create(event=event, ip=address, recorded_at=now, expires_at=now + ip_retention())
    return event


def audit_ips_purge_expired(*, now=None, batch_size=10_000) -> int:
    """Destroy client IPs past their retention: the only deletion the audit app allows.

    Each batch records its own destruction in the log (PIPA wants destruction recorded), in
    the same transaction, so a run stopped halfway leaves no unrecorded deletion.
    """
    now = now or timezone.now()
    retention = ip_retention()
    expired = AuditEventIP.objects.expired(now, retention)
    deleted = 0
    while True:
        # In batches: the first run after a retention change may cover millions of rows.
        with transaction.atomic():
            ids = list(expired.values_list("pk", flat=True)[:batch_size])
            if not ids:
                return deleted
            count, _ = AuditEventIP.objects.filter(pk__in=ids).delete()
            audit_record(
                actor=None, action="audit.ip_purge", summary={"destroyed": count, "retention_days": retention.days}
            )
            deleted += count


# --- The participation ledger -----------------------------------------------------------------


def ledger_append(*, scope: str, kind: str, commitment: str, receipt: str, seal_on_commit: bool = True) -> LedgerEntry:
    """Append one participation act to the ledger, in the caller's transaction.

    scope: what it belongs to ("voting.poll:12"); kind: "ballot", "support", ...; commitment:
    ledger.ledger_commitment(salt=..., content=...) — the channel keeps salt and content;
    receipt: what the citizen was shown (ledger.new_receipt()). Raises LedgerFormatError (a
    ValueError) on a malformed argument. The entry is sealed into a block later, by the periodic
    task or right after commit (LEDGER_SEAL_ON_COMMIT), never while the caller holds its locks.
    seal_on_commit=False leaves it to the periodic task (or the channel) even then: a ballot sealed
    alone in a block right after it was cast would give away the order of casting.
    """
    ledger.check_entry(scope=scope, kind=kind, commitment=commitment)
    # The INSERT LedgerEntry.objects.create() issues, from SQL made once (seoul_portal/statements.py):
    # a ballot appends one entry, and building the query was most of its cost.
    entry = insert_row(
        LedgerEntry(
            id=uuid.uuid4(), scope=scope, kind=kind, commitment=commitment, receipt_digest=ledger.receipt_digest(receipt)
        )
    )
    if seal_on_commit and settings.LEDGER_SEAL_ON_COMMIT:
        # robust: the caller's transaction has committed by then; a failed seal is logged and
        # the entry waits for the next seal instead of turning a counted vote into an error page.
        transaction.on_commit(_seal_after_commit, robust=True)
    return entry


def _seal_after_commit():
    ledger_seal()


def ledger_seal(*, max_entries: int | None = None) -> list[LedgerBlock]:
    """Seal every pending entry into new blocks (at most max_entries each); returns the blocks."""
    max_entries = max_entries or getattr(settings, "LEDGER_BLOCK_MAX_ENTRIES", DEFAULT_BLOCK_MAX_ENTRIES)
    blocks = []
    while True:
        block = _seal_one_block(max_entries)
        if block is None:
            return blocks
        blocks.append(block)
        if block.entry_count < max_entries:
            return blocks


def _take_chain_lock():
    """Sealers take turns: each block depends on the one before, so sealing is serial by nature.

    A lock only sealers take, for the length of one block's transaction: appending never waits
    for it. On PostgreSQL an advisory lock (no row to create, nothing a TRUNCATE can remove);
    on SQLite an empty write, which takes the database's single write lock before the reads,
    so that a second sealer waits instead of failing on a stale read.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])
        else:
            # nosemgrep: raw-sql-built-by-string-formatting -- only names from the models or this module are formatted in; values are parameters
            cursor.execute(f"UPDATE {LedgerBlock._meta.db_table} SET height = height WHERE 1 = 0")  # noqa: S608  # nosec B608


def _seal_one_block(max_entries):
    with transaction.atomic():
        _take_chain_lock()
        head = LedgerBlock.objects.order_by("-height").only("height", "hash").first()
        pending = list(
            LedgerEntry.objects.pending()
            .order_by(*ledger.ENTRY_ORDER)
            .values_list("id", "scope", "kind", "commitment", "receipt_digest")[:max_entries]
        )
        if not pending:
            return None
        height = head.height + 1 if head else 1
        previous_hash = head.hash if head else ledger.GENESIS_HASH
        sealed_on = timezone.localdate()
        hasher = ledger.BlockHasher(height=height, previous_hash=previous_hash, sealed_on=sealed_on)
        for _id, scope, kind, commitment, digest in pending:
            hasher.add(scope=scope, kind=kind, commitment=commitment, receipt_digest=digest)
        # Unique height and previous hash stay the last line of defence: a sealer that got here
        # without the lock fails on insert and rolls back instead of forking the chain.
        block = LedgerBlock.objects.create(
            height=height,
            previous_hash=previous_hash,
            hash=hasher.hexdigest(),
            entry_count=hasher.count,
            sealed_on=sealed_on,
        )
        ids = [row[0] for row in pending]
        sealed = 0
        for start in range(0, len(ids), _SEAL_UPDATE_BATCH):
            sealed += LedgerEntry.objects.filter(pk__in=ids[start : start + _SEAL_UPDATE_BATCH])._seal_into(block)
        if sealed != len(ids):
            raise LedgerChainConflict(f"Block {height}: {len(ids) - sealed} entries were sealed by another sealer.")
        logger.info("ledger: sealed block %s with %s entries", height, hasher.count)
        return block
