from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Audit")

    def ready(self):
        from citizens.signals import audited_action

        from .receivers import record_audited_action

        audited_action.connect(record_audited_action, dispatch_uid="audit.record_audited_action")

        from citizens.registry import PersonalDataHandler, register_personal_data

        from .personal_data import audit_erase, audit_export

        register_personal_data(PersonalDataHandler(key="activity_log", export=audit_export, erase=audit_erase))

        from citizens.masking import register_access_writer

        from .access_log import personal_data_access_record

        register_access_writer(personal_data_access_record)
