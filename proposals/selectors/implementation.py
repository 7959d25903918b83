"""Reads for the implementation section (being built)."""


def implementation_section(*, proposal):
    return None
