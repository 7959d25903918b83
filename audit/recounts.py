"""How verify_ledger asks each channel to recount: a registry the channel apps fill in ready().

A channel registers, for the scopes it owns (a prefix such as "voting.poll:"), a function that
recomputes from its own records the commitments the ledger must hold for one scope — every
ballot, support and withdrawal it counted, each as ledger_commitment(salt=..., content=...).
verify_ledger compares them with the ledger's entries of that scope as multisets: a commitment
the channel counts but the ledger lacks, or one the ledger holds but the channel does not
count, is a mismatch.

    # voting/apps.py
    def ready(self):
        from audit.recounts import register_recount
        from .selectors import poll_commitments, poll_scopes
        register_recount("voting.poll:", poll_commitments, scopes=poll_scopes)

`scopes()` (optional) lists every scope the channel holds records for, so that a scope whose
entries are all missing from the ledger is noticed too. `check(scope)` (optional) returns the
problems the channel finds between its records and the totals it publishes (a poll's counters
against its ballots, say), each a sentence; verify_ledger reports them as mismatches.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Recount:
    scope_prefix: str
    commitments: Callable[[str], Iterable[str]]
    scopes: Callable[[], Iterable[str]] | None = None
    check: Callable[[str], Iterable[str]] | None = None


_recounts: dict[str, Recount] = {}


def register_recount(
    scope_prefix: str,
    recount: Callable[[str], Iterable[str]],
    *,
    scopes: Callable[[], Iterable[str]] | None = None,
    check: Callable[[str], Iterable[str]] | None = None,
):
    if not scope_prefix:
        raise ValueError("register_recount: a scope prefix such as 'voting.poll:' is required.")
    _recounts[scope_prefix] = Recount(scope_prefix=scope_prefix, commitments=recount, scopes=scopes, check=check)


def unregister_recount(scope_prefix: str):
    _recounts.pop(scope_prefix, None)


def registered_recounts() -> list[Recount]:
    return [_recounts[prefix] for prefix in sorted(_recounts)]


def recount_for(scope: str) -> Recount | None:
    """The registration with the longest prefix of `scope`, if any."""
    matches = [recount for prefix, recount in _recounts.items() if scope.startswith(prefix)]
    return max(matches, key=lambda recount: len(recount.scope_prefix), default=None)
