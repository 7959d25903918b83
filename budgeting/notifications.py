"""Notices (filled in by the lifecycle work)."""


def register_notification_kinds():
    pass
