from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Audit")

    def ready(self):
        from citizens.signals import citizen_action

        from .receivers import record_citizen_action

        citizen_action.connect(record_citizen_action, dispatch_uid="audit.record_citizen_action")
