from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SeoulPortalConfig(AppConfig):
    name = "seoul_portal"
    verbose_name = _("Seoul civic portal")

    def ready(self):
        from . import checks  # noqa: F401  (registers the system checks)
