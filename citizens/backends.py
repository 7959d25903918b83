from django.contrib.auth.backends import ModelBackend

from .models import Citizen, email_blind_index


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
