from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = _("Governance records")

    def ready(self):
        from citizens.registry import PersonalDataHandler, register_personal_data

        from .my_seoul import register_my_seoul_panel
        from .registry import register_governance_kinds
        from .services import committees, meetings

        # Notification kinds: the review reminder, membership and meeting notices.
        register_governance_kinds()
        # Committee members find their workspace from "My Seoul".
        register_my_seoul_panel()
        committees.register_notification_kinds()
        meetings.register_notification_kinds()
        # A volunteer's strata and membership are personal data: exported and erased with the account.
        register_personal_data(
            PersonalDataHandler(
                key="committees", export=committees.personal_data_export, erase=committees.personal_data_erase
            )
        )
        from .open_data import register_open_data

        register_open_data()
