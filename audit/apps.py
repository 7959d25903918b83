from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Audit")

    def ready(self):
        from citizens.signals import audited_action

        from .receivers import record_audited_action

        audited_action.connect(record_audited_action, dispatch_uid="audit.record_audited_action")
