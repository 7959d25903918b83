"""Reads for the debate section (being built)."""


def debate_section(*, proposal, viewer):
    return None
