from django.contrib.auth.backends import ModelBackend

from .models import Citizen, email_blind_index

PASSWORD_BACKEND = "citizens.backends.StaffEmailBackend"  # noqa: S105 — a dotted path, not a password
PHONE_CODE_BACKEND = "citizens.backends.PhoneCodeBackend"


class StaffEmailBackend(ModelBackend):
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


class PhoneCodeBackend(ModelBackend):
    """The backend named in sessions opened by a verified phone (see citizens.views.signin_code).

    Verification happens in the PHONE_VERIFIER before login(); this backend only loads the user
    of such a session, and lets the admin tell it apart from a password sign-in.
    """

    def authenticate(self, request, **credentials):
        return None
