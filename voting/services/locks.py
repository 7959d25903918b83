"""The gate between a poll's ballots and the moves that stop them (closing, hiding).

A ballot passes the gate shared, for the length of its transaction; closing and hiding pass it
exclusively before they change the poll. So a close waits for the ballots already in flight, and
a ballot that arrives after the close asked waits for it, then sees the poll closed: no ballot
lands after a close, and none is lost.

On PostgreSQL the gate is a transaction-level advisory lock on the poll, not a row lock. The lock
manager queues requests in order, whereas a row lock (SELECT ... FOR SHARE) lets a share locker
that does not conflict with the current holders skip the queue: a steady stream of ballots, each
overlapping the next, would keep an official's close or hide waiting for as long as the stream
lasts. An advisory lock also writes nothing, where a row lock rewrites the poll's row header (and
creates a multixact) on every ballot. SQLite runs one writer at a time: nothing to do there.

A ballot passes the gate and reads the poll in one statement (poll_gate_pass): the function that
migration 0004 creates takes the lock, then reads the row with a snapshot of its own, which sees
a close or hide that committed while the ballot waited.
"""

import hashlib

from django.db import connection

from seoul_portal.statements import fetch_from_later

from ..models import Poll

# Advisory locks of M-Voting's poll gate: (this class, the poll's id), apart from the ledger's key.
POLL_GATE_CLASS = int.from_bytes(hashlib.sha256(b"seoul-portal:voting:poll-gate").digest()[:4], "big", signed=True)
_INT4 = 2**31


def _gate_key(poll_id: int) -> list[int]:
    # The two-int4 form; ids past 2**31 share a gate with another poll, which only serialises more.
    return [POLL_GATE_CLASS, int(poll_id) % _INT4]


def _require_transaction():
    if not connection.in_atomic_block:
        raise RuntimeError("The poll gate is held until commit: take it inside transaction.atomic().")


def _gate(poll_id: int, function: str):
    if connection.vendor != "postgresql":
        return
    _require_transaction()
    with connection.cursor() as cursor:
        # nosemgrep: raw-sql-built-by-string-formatting -- only names from the models or this module are formatted in; values are parameters
        cursor.execute(f"SELECT {function}(%s, %s)", _gate_key(poll_id))


def poll_gate_pass(poll_id: int, names: tuple) -> tuple | None:
    """A ballot's pass (shared with other ballots, until the transaction ends), then the poll's fields `names` (attnames) as values_list(*names) reads
    them, read after the gate is passed; None when there is no such poll. One statement."""
    return poll_gate_pass_later(poll_id, names)()


def poll_gate_pass_later(poll_id: int, names: tuple):
    """poll_gate_pass() in two steps: the statement is executed now (in a `together()` block, it
    goes out with the block's other statements, ahead of them), and the function it returns
    gives the poll's values (or None), once the block has ended."""
    if connection.vendor == "postgresql":
        _require_transaction()
        source = f"voting_poll_pass_gate(%s, %s, %s) AS {connection.ops.quote_name(Poll._meta.db_table)}"
        rows = fetch_from_later(Poll, names, source, [*_gate_key(poll_id), poll_id])
    else:
        quote = connection.ops.quote_name
        source = f"{quote(Poll._meta.db_table)} WHERE {quote('id')} = %s"
        rows = fetch_from_later(Poll, names, source, [poll_id])

    def values() -> tuple | None:
        found = rows()
        return found[0] if found else None

    return values


def poll_gate_shut(poll_id: int):
    """Closing or hiding: waits for the ballots in flight and holds new ones back until commit."""
    _gate(poll_id, "pg_advisory_xact_lock")
