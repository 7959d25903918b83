from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from anymail.signals import tracking

        from citizens import registry

        from . import kinds, personal_data, services
        from .tracking import handle_email_tracking

        kinds.register_kind(kinds.VERIFICATION_CODE)
        registry.register_code_sender(services.send_verification_code)
        registry.register_panel(personal_data.PANEL)
        registry.register_personal_data(personal_data.HANDLER)
        tracking.connect(handle_email_tracking, dispatch_uid="notifications.email_tracking")
