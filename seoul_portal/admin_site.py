"""The officials' back office: only a password sign-in opens it.

A citizen account can be made staff, and citizens sign in with an SMS code; a code alone must
never be enough for /admin/, so the site checks which backend signed the session in.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import BACKEND_SESSION_KEY
from django.utils.translation import gettext_lazy as _

from citizens.backends import PASSWORD_BACKEND


class StaffLoginForm(AdminAuthenticationForm):
    username = forms.EmailField(label=_("Email"), max_length=254, widget=forms.EmailInput(attrs={"autofocus": True}))


class PortalAdminSite(admin.AdminSite):
    site_header = _("Seoul Citizen Participation Portal administration")
    site_title = _("Seoul Citizen Participation Portal administration")
    index_title = _("Back office")
    login_form = StaffLoginForm

    def has_permission(self, request):
        return super().has_permission(request) and request.session.get(BACKEND_SESSION_KEY) == PASSWORD_BACKEND
