from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BudgetingConfig(AppConfig):
    name = "budgeting"
    verbose_name = _("Participatory budgeting")

    def ready(self):
        from .back_office import register_back_office

        register_back_office()
        from .open_data import register_open_data

        register_open_data()
