"""Reads for the comment section (being built)."""


def comment_section(*, proposal, viewer, page_number=1):
    return None
