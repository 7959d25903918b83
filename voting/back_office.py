"""What the back office plugs in when the app is ready (voting/apps.py): the permissions
(voting.rules), the notices to a poll's proposer, and the personal-data handler."""


def register_back_office():
    from citizens.registry import register_personal_data

    from . import rules  # noqa: F401 -- registers the permissions
    from .notifications import register_notification_kinds
    from .personal_data import HANDLER

    register_notification_kinds()
    register_personal_data(HANDLER)
