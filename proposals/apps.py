from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProposalsConfig(AppConfig):
    name = "proposals"
    verbose_name = _("Democratic Seoul")

    def ready(self):
        from audit.recounts import register_recount
        from citizens.registry import register_personal_data
        from governance.registry import register_subject_kind

        from . import comment_rules, question_rules, rules  # noqa: F401 -- register the permissions
        from .budget_source import register_budget_source_of_debates
        from .my_seoul import register_my_seoul_panel
        from .notifications import register_notification_kinds
        from .notifications_implementation import register_implementation_notification_kinds
        from .personal_data import HANDLER
        from .services import SCOPE_PREFIX, ledger_recount, ledger_scopes
        from .subjects import SUBJECT_KIND

        register_notification_kinds()
        register_implementation_notification_kinds()
        register_my_seoul_panel()
        register_recount(SCOPE_PREFIX, ledger_recount, scopes=ledger_scopes)
        register_personal_data(HANDLER)
        register_subject_kind(SUBJECT_KIND)
        register_budget_source_of_debates()
        from .open_data import register_open_data

        register_open_data()
