from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("Civil complaints")

    def ready(self):
        from . import rules  # noqa: F401 -- registers the permission predicates
        from .notifications import register_notification_kinds, register_recipients

        register_notification_kinds()
        register_recipients()
        from .my_seoul import register_my_seoul_panel

        register_my_seoul_panel()
        from .inbound.mail import connect_inbound_email

        connect_inbound_email()
        from .open_data import register_open_data

        register_open_data()
