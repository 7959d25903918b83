"""The officials' back office: only a password sign-in opens it.

A citizen account can be made staff, and citizens sign in with an SMS code; a code alone must
never be enough for /admin/, so the site checks which backend signed the session in.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import BACKEND_SESSION_KEY
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from citizens import login_lockout
from citizens.backends import PASSWORD_BACKEND


class StaffLoginForm(AdminAuthenticationForm):
    username = forms.EmailField(label=_("Email"), max_length=254, widget=forms.EmailInput(attrs={"autofocus": True}))

    def clean(self):
        # The backend refuses a locked (email, address) pair; here the person is told why and
        # until when, instead of "wrong password" — also on the attempt that set the lock.
        try:
            return super().clean()
        except ValidationError as error:
            username = self.cleaned_data.get("username")
            if username and self.request is not None and getattr(error, "code", None) == "invalid_login":
                until = login_lockout.locked_until(username=username, ip=login_lockout.request_ip(self.request))
                if until:
                    raise ValidationError(login_lockout.locked_message(until), code="locked_out") from None
            raise


class PortalAdminSite(admin.AdminSite):
    site_header = _("Seoul Citizen Participation Portal administration")
    site_title = _("Seoul Citizen Participation Portal administration")
    index_title = _("Back office")
    login_form = StaffLoginForm

    def has_permission(self, request):
        return super().has_permission(request) and request.session.get(BACKEND_SESSION_KEY) == PASSWORD_BACKEND
