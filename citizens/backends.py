from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError

from seoul_portal.statements import fetch_row

from .models import Citizen, email_blind_index


class CitizenLoader:
    """The signed-in citizen of every request, loaded with one precompiled statement (the row as
    ModelBackend.get_user's ORM query loads it: every field, through the fields' converters)."""

    def get_user(self, user_id):
        try:
            pk = Citizen._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        user = fetch_row(Citizen, pk, [field.attname for field in Citizen._meta.concrete_fields])
        return user if user is not None and self.user_can_authenticate(user) else None

PASSWORD_BACKEND = "citizens.backends.StaffEmailBackend"  # noqa: S105 — a dotted path, not a password
PHONE_CODE_BACKEND = "citizens.backends.PhoneCodeBackend"


class StaffEmailBackend(CitizenLoader, ModelBackend):
    """Officials and committee members sign in with email and password.

    The email column is encrypted, so the account is found through its blind index.
    Citizens without a password (phone sign-in only) can never pass here.
    """

    def authenticate(self, request, username=None, password=None, email=None, **kwargs):
        email = email or username
        if not email or not password:
            return None
        try:
            citizen = Citizen.objects.get(email_index=email_blind_index(email))
        except Citizen.DoesNotExist:
            Citizen().set_password(password)  # same work either way: no timing oracle
            return None
        if citizen.check_password(password) and self.user_can_authenticate(citizen):
            return citizen
        return None


class PhoneCodeBackend(CitizenLoader, ModelBackend):
    """The backend named in sessions opened by a verified phone (see citizens.views.signin_code).

    Verification happens in the PHONE_VERIFIER before login(); this backend only loads the user
    of such a session, and lets the admin tell it apart from a password sign-in.
    """

    def authenticate(self, request, **credentials):
        return None
