from functools import cache

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.models import ExpressionWrapper, F, FilteredRelation, Q, TextField

from seoul_portal.statements import fetch_values

from . import login_lockout
from .fields import EncryptedTextField, Sealed
from .models import Citizen, email_blind_index
from .services import STANDING_CONSENTS


@cache
def _citizen_columns() -> tuple[str, ...]:
    return tuple(field.attname for field in Citizen._meta.concrete_fields)


@cache
def _sealed_columns() -> frozenset[str]:
    return frozenset(field.attname for field in Citizen._meta.concrete_fields if isinstance(field, EncryptedTextField))


def _signed_in_citizen(pk):
    """The citizen's row, joined with each consent of theirs that stands: one row per standing
    consent (the row's columns repeated), or one row with no consent. The encrypted columns come
    as stored (their field's decryption is left out), to be decrypted if the request reads them."""
    standing = FilteredRelation("consents", condition=Q(consents__granted=True, consents__withdrawn_at__isnull=True))
    sealed = _sealed_columns()
    stored = {f"stored_{name}": ExpressionWrapper(F(name), output_field=TextField()) for name in sealed}
    columns = [f"stored_{name}" if name in sealed else name for name in _citizen_columns()]
    return (
        Citizen._base_manager.filter(pk=pk)
        .annotate(standing=standing, **stored)
        .values_list(*columns, "standing__purpose", "standing__version")
    )


class CitizenLoader:
    """The signed-in citizen of every request, loaded with one precompiled statement: the row as
    ModelBackend.get_user's ORM query loads it (every field, through the fields' converters; the
    phone and email sealed until read, see citizens.fields.DecryptedOnRead) and,
    in the same statement, the consents that stand, which every participant's request checks
    (citizens.services.missing_consents reads them from the instance)."""

    def get_user(self, user_id):
        try:
            pk = Citizen._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        rows = fetch_values(_signed_in_citizen, pk)
        if not rows:
            return None
        columns = _citizen_columns()
        count = len(columns)
        sealed = _sealed_columns()
        values = [
            Sealed(value) if name in sealed and value else value
            for name, value in zip(columns, rows[0][:count], strict=True)
        ]
        user = Citizen.from_db(connection.alias, columns, values)
        setattr(
            user, STANDING_CONSENTS, frozenset((row[count], row[count + 1]) for row in rows if row[count] is not None)
        )
        return user if self.user_can_authenticate(user) else None

PASSWORD_BACKEND = "citizens.backends.StaffEmailBackend"  # noqa: S105 — a dotted path, not a password
PHONE_CODE_BACKEND = "citizens.backends.PhoneCodeBackend"


class StaffEmailBackend(CitizenLoader, ModelBackend):
    """Officials and committee members sign in with email and password.

    The email column is encrypted, so the account is found through its blind index.
    Citizens without a password (phone sign-in only) can never pass here. Wrong passwords are
    counted per email and client address (citizens.login_lockout), and a locked pair is refused.
    """

    def authenticate(self, request, username=None, password=None, email=None, **kwargs):
        email = email or username
        if not email or not password:
            return None
        # Lockout of (email, client address) after repeated failures; without a request (shell,
        # test client) there is no remote party to lock out.
        ip = login_lockout.request_ip(request) if request is not None else None
        if request is not None and login_lockout.locked_until(username=email, ip=ip):
            raise PermissionDenied  # no other backend tries either; the login form says until when
        citizen = self._password_holder(email, password)
        if request is not None:
            if citizen is None:
                login_lockout.failure_record(username=email, ip=ip)
            else:
                login_lockout.failures_clear(username=email, ip=ip)
        return citizen

    def _password_holder(self, email, password):
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
