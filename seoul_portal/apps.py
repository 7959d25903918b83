from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class SeoulPortalConfig(AppConfig):
    default = True
    name = "seoul_portal"
    verbose_name = _("Seoul civic portal")

    def ready(self):
        from . import checks  # noqa: F401  (registers the system checks)


class PortalAdminConfig(admin_apps.AdminConfig):
    default = False  # named explicitly in INSTALLED_APPS; SeoulPortalConfig is this module's default
    default_site = "seoul_portal.admin_site.PortalAdminSite"
