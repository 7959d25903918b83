"""The committee link (filled in by the lifecycle work)."""


def register_committee_subject():
    pass
