from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import FilteredRelation, Q

from seoul_portal.statements import fetch_values

from .models import Citizen, email_blind_index
from .services import STANDING_CONSENTS


def _citizen_columns() -> list[str]:
    return [field.attname for field in Citizen._meta.concrete_fields]


def _signed_in_citizen(pk):
    """The citizen's row, joined with each consent of theirs that stands: one row per standing
    consent (the row's columns repeated), or one row with no consent."""
    standing = FilteredRelation("consents", condition=Q(consents__granted=True, consents__withdrawn_at__isnull=True))
    return (
        Citizen._base_manager.filter(pk=pk)
        .annotate(standing=standing)
        .values_list(*_citizen_columns(), "standing__purpose", "standing__version")
    )


class CitizenLoader:
    """The signed-in citizen of every request, loaded with one precompiled statement: the row as
    ModelBackend.get_user's ORM query loads it (every field, through the fields' converters) and,
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
        user = Citizen.from_db(connection.alias, columns, rows[0][:count])
        setattr(
            user, STANDING_CONSENTS, frozenset((row[count], row[count + 1]) for row in rows if row[count] is not None)
        )
        return user if self.user_can_authenticate(user) else None

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
