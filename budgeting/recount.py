"""Ledger recount (filled in by the ballot work)."""


def register_ballot_recount():
    pass
