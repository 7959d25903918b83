"""The participation ledger's formats: commitments, receipts, entry and block serialisations.

Pure functions without the database, so that an independent verifier can re-implement them
from this file alone. Changing anything here changes every hash: bump FORMAT instead.

- commitment = sha256("seoul-ledger/v1/commitment\\n" + salt + "\\n" + canonical_json(content))
- receipt digest = sha256("seoul-ledger/v1/receipt\\n" + normalised receipt)
- entry = canonical_json({"commitment", "kind", "receipt", "scope"})
- block hash = sha256("seoul-ledger/v1/block\\nheight:H\\nprevious:P\\nsealed_on:YYYY-MM-DD\\n"
  + each entry + "\\n", in (commitment, receipt digest) order, + "count:N\\n")
"""

import hashlib
import json
import re
import secrets
from datetime import date

FORMAT = "seoul-ledger/v1"
GENESIS_HASH = "0" * 64

# "voting.poll:12", "budgeting.cycle:2025", "proposals.proposal:55"
SCOPE_RE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+:[A-Za-z0-9_-]{1,64}$")
KIND_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
HASH_RE = re.compile(r"^[0-9a-f]{64}$")
SALT_RE = re.compile(r"^[0-9a-f]{32,128}$")
# Crockford's base32: no I, L, O or U, so a receipt read aloud or retyped survives.
RECEIPT_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
RECEIPT_RE = re.compile(r"^[0-9A-Z]{16,64}$")
_RECEIPT_CONFUSABLES = str.maketrans({"O": "0", "I": "1", "L": "1"})


class LedgerFormatError(ValueError):
    """A scope, kind, commitment, salt or receipt that does not have the ledger's format."""


def canonical_json(value) -> bytes:
    """One byte string per value: sorted keys, no spaces, UTF-8, no NaN or infinity."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()


def _sha256(*parts: bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part)
    return digest.hexdigest()


# --- Commitments ------------------------------------------------------------------------------


def new_salt() -> str:
    """128 random bits, kept by the channel next to the content it commits to."""
    return secrets.token_hex(16)


def ledger_commitment(*, salt: str, content) -> str:
    """The commitment a channel appends for `content` (a JSON-serialisable value, e.g.
    {"poll": 12, "choice": 3}); with salt and content the channel can recompute it, without them
    nobody can tell what was committed to. Prefer integers and strings to floats in content."""
    if not isinstance(salt, str) or not SALT_RE.match(salt):
        raise LedgerFormatError("A salt is 32 to 128 lowercase hex characters (use ledger.new_salt()).")
    try:
        body = canonical_json(content)
    except (TypeError, ValueError) as error:
        raise LedgerFormatError(f"Commitment content must be JSON-serialisable: {error}") from error
    return _sha256(f"{FORMAT}/commitment\n{salt}\n".encode(), body)


# --- Receipts ---------------------------------------------------------------------------------


def new_receipt() -> str:
    """A receipt to show the citizen: 100 random bits as five groups, e.g. 7KQ2-M9XD-4HFA-ZP3C-R8TW."""
    chars = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(20))
    return "-".join(chars[i : i + 4] for i in range(0, 20, 4))


def normalize_receipt(text: str) -> str:
    """The receipt as stored and looked up: case, spaces and dashes do not matter, and the
    letters O, I and L read as the digits they are confused with."""
    if not isinstance(text, str):
        raise LedgerFormatError("A receipt is text.")
    cleaned = re.sub(r"[\s-]+", "", text).upper().translate(_RECEIPT_CONFUSABLES)
    if not RECEIPT_RE.match(cleaned):
        raise LedgerFormatError("A receipt is 16 to 64 letters and digits, optionally grouped with dashes.")
    return cleaned


def receipt_digest(receipt: str) -> str:
    """What the ledger stores instead of the receipt, so that the ledger can be published whole
    without handing out the receipts citizens hold."""
    return _sha256(f"{FORMAT}/receipt\n{normalize_receipt(receipt)}".encode())


# --- Entries and blocks ---------------------------------------------------------------------


def check_entry(*, scope: str, kind: str, commitment: str):
    if not isinstance(scope, str) or len(scope) > 100 or not SCOPE_RE.match(scope):
        raise LedgerFormatError(f'A scope looks like "voting.poll:12", not {scope!r}.')
    if not isinstance(kind, str) or not KIND_RE.match(kind):
        raise LedgerFormatError(f'A kind is a lowercase code such as "ballot", not {kind!r}.')
    if not isinstance(commitment, str) or not HASH_RE.match(commitment):
        raise LedgerFormatError("A commitment is a sha256 in lowercase hex (use ledger.ledger_commitment()).")


def entry_bytes(*, scope: str, kind: str, commitment: str, receipt_digest: str) -> bytes:
    return canonical_json({"commitment": commitment, "kind": kind, "receipt": receipt_digest, "scope": scope})


# Entries sit in a block sorted by these fields (the receipt digest is unique), an order that
# says nothing about when they were cast.
ENTRY_ORDER = ("commitment", "receipt_digest")


class BlockHasher:
    """The hash of a block, fed its entries one at a time in entry_order (a block can be large)."""

    def __init__(self, *, height: int, previous_hash: str, sealed_on: date):
        self._digest = hashlib.sha256(
            f"{FORMAT}/block\nheight:{height}\nprevious:{previous_hash}\nsealed_on:{sealed_on.isoformat()}\n".encode()
        )
        self.count = 0

    def add(self, *, scope: str, kind: str, commitment: str, receipt_digest: str):
        self._digest.update(entry_bytes(scope=scope, kind=kind, commitment=commitment, receipt_digest=receipt_digest))
        self._digest.update(b"\n")
        self.count += 1

    def hexdigest(self) -> str:
        final = self._digest.copy()
        final.update(f"count:{self.count}\n".encode())
        return final.hexdigest()
