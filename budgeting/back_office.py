"""What participatory budgeting plugs into the lower layers when the app is ready: the
permissions (budgeting.rules), the notices, the committee's subject kind, the ledger recount and
the personal-data handler and the "My Seoul" panel. Each registration lives with its concept."""


def register_back_office():
    from . import rules  # noqa: F401 -- registers the permissions
    from .committee import register_committee_subject
    from .my_seoul import register_my_seoul_panel
    from .notifications import register_notification_kinds
    from .personal_data import register_personal_data_handler
    from .recount import register_ballot_recount

    register_notification_kinds()
    register_committee_subject()
    register_ballot_recount()
    register_personal_data_handler()
    register_my_seoul_panel()
