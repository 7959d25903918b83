"""Every write to a citizen's record. Each function is atomic and announces itself through the
`audited_action` signal inside its transaction, so the audit row commits with the change."""

from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from seoul_portal.statements import fetch_values

from . import registry
from .consents import purposes
from .login_lockout import login_failures_purge
from .models import Citizen, Consent, PhoneVerification, SendCounter, email_blind_index, phone_blind_index
from .signals import audited_action

MINIMUM_AGE_WITHOUT_GUARDIAN = 14
# The longest window any sign-in limit looks back over is a day.
SIGN_IN_RECORD_DAYS = 1
PROFILE_FIELDS = ("birth_date", "district_id", "residence_basis", "gender", "language", "notify_by", "email_index")


class CitizenError(Exception):
    """A write that the citizen's state or input does not allow; `message` is for the person."""

    def __init__(self, message, *, field=None):
        super().__init__(str(message))
        self.message = message
        self.field = field


def violated_constraint(error):
    """The name of the constraint an IntegrityError broke.

    PostgreSQL names it. SQLite only lists the columns ("UNIQUE constraint failed: t.a, t.b"):
    the model's UniqueConstraint on exactly those columns gives the name, and a single-column
    `unique=True` field answers with its column.
    """
    diag = getattr(error.__cause__, "diag", None)
    if diag is not None and getattr(diag, "constraint_name", None):
        return diag.constraint_name
    text = str(error)
    if "UNIQUE constraint failed:" not in text:
        return ""
    qualified = [part.strip() for part in text.split("UNIQUE constraint failed:", 1)[1].split(",")]
    table = qualified[0].rsplit(".", 1)[0]
    columns = {part.rsplit(".", 1)[-1] for part in qualified}
    from django.apps import apps
    from django.db.models import UniqueConstraint

    for model in apps.get_models():
        if model._meta.db_table != table:
            continue
        for constraint in model._meta.constraints:
            if isinstance(constraint, UniqueConstraint) and constraint.fields and {
                model._meta.get_field(name).column for name in constraint.fields
            } == columns:
                return constraint.name
    return qualified[-1].rsplit(".", 1)[-1]


def _announce(*, actor, action, citizen, summary=None, ip=None):
    audited_action.send(
        sender=Citizen, actor=actor, action=action, target=citizen, summary=summary or {}, ip=ip
    )


def citizen_sign_in_by_phone(*, phone, ip=None, language="ko"):
    """The account that holds this verified phone, created on first sign-in (there is no sign-up form).

    Returns (citizen, created).
    """
    now = timezone.now()
    with transaction.atomic():
        citizen = Citizen.objects.select_for_update().filter(phone_index=phone_blind_index(phone)).first()
        created = citizen is None
        if created:
            citizen = Citizen(language=language)
            citizen.set_phone(phone)
            citizen.set_unusable_password()
        if not citizen.is_active:
            raise CitizenError(_("This account is suspended. Please contact the Dasan Call Center at 120."))
        citizen.phone_verified_at = now
        citizen.last_login = now
        citizen.save()
        _announce(actor=citizen, action="citizen.register" if created else "citizen.sign_in", citizen=citizen, ip=ip)
    return citizen, created


def _standing_consents(citizen_id):
    return Consent.objects.filter(citizen_id=citizen_id, granted=True, withdrawn_at__isnull=True).values_list(
        "purpose", "version"
    )


# The attribute of a Citizen instance that holds its standing consents, {(purpose, version)}, when
# they were loaded with it (the signed-in citizen: citizens.backends.CitizenLoader); consent_record
# drops it from the instance it is given.
STANDING_CONSENTS = "_standing_consents"


def missing_consents(citizen):
    """The required purposes whose current version this citizen has not granted. Asked on every
    participant's request: read with the signed-in citizen, or by a query compiled once
    (seoul_portal/statements.py)."""
    granted = getattr(citizen, STANDING_CONSENTS, None)  # getattr: request.user is a lazy proxy
    if granted is None:
        granted = set(fetch_values(_standing_consents, citizen.pk))
    return [item for item in purposes() if item.required and (item.key, item.version) not in granted]


def consent_record(*, citizen, answers, ip=None):
    """Store the citizen's answer to every current consent text. `answers`: {purpose key: bool}."""
    refused = [item for item in purposes() if item.required and not answers.get(item.key)]
    if refused:
        raise CitizenError(_("This consent is needed to take part."), field=refused[0].key)
    now = timezone.now()
    if hasattr(citizen, STANDING_CONSENTS):
        delattr(citizen, STANDING_CONSENTS)  # what was loaded with the citizen no longer holds
    with transaction.atomic():
        for item in purposes():
            granted = bool(answers.get(item.key))
            Consent.objects.update_or_create(
                citizen=citizen,
                purpose=item.key,
                version=item.version,
                defaults={"granted": granted, "answered_at": now, "withdrawn_at": None},
            )
            # An earlier version's grant no longer stands once the new text is answered.
            Consent.objects.filter(citizen=citizen, purpose=item.key, withdrawn_at__isnull=True).exclude(
                version=item.version
            ).update(withdrawn_at=now)
        _announce(
            actor=citizen,
            action="citizen.consent",
            citizen=citizen,
            summary={item.key: f"{item.version}:{'granted' if answers.get(item.key) else 'refused'}" for item in purposes()},
            ip=ip,
        )


def age_on(birth_date: date, day: date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def citizen_update_profile(
    *, citizen, birth_date, district, residence_basis, gender, language, notify_by, email, ip=None
):
    """Save what the citizen told us about themself; the profile is complete afterwards."""
    today = timezone.localdate()
    if birth_date >= today:
        raise CitizenError(_("Enter your birth date, which must be in the past."), field="birth_date")
    if age_on(birth_date, today) > 120:
        raise CitizenError(_("Check the year of your birth date."), field="birth_date")
    if age_on(birth_date, today) < MINIMUM_AGE_WITHOUT_GUARDIAN:
        raise CitizenError(
            _(
                "Children under 14 need a guardian's consent to take part. Online guardian consent is "
                "not available yet: please ask your guardian to contact the Dasan Call Center at 120."
            ),
            field="birth_date",
        )
    if residence_basis == Citizen.ResidenceBasis.LIVES and district is None:
        raise CitizenError(_("Choose the district you live in."), field="district")
    if notify_by in {Citizen.NotifyBy.EMAIL, Citizen.NotifyBy.BOTH} and not email:
        raise CitizenError(_("Enter an email address to receive notifications by email."), field="email")

    if email and Citizen.objects.filter(email_index=email_blind_index(email)).exclude(pk=citizen.pk).exists():
        raise CitizenError(_("This email address belongs to another account."), field="email")

    before = {name: getattr(citizen, name) for name in PROFILE_FIELDS}
    citizen.birth_date = birth_date
    citizen.district = district
    citizen.residence_basis = residence_basis
    citizen.gender = gender or ""
    citizen.language = language
    citizen.notify_by = notify_by
    citizen.set_email(email or "")
    citizen.profile_completed_at = citizen.profile_completed_at or timezone.now()
    try:
        with transaction.atomic():
            citizen.save()
            # Which fields changed, never their values: the audit log outlives an erasure.
            changed = [name for name in PROFILE_FIELDS if getattr(citizen, name) != before[name]]
            _announce(
                actor=citizen,
                action="citizen.profile_update",
                citizen=citizen,
                summary={"fields": ",".join(changed)},
                ip=ip,
            )
    except IntegrityError as error:
        # A concurrent request took the address between the check above and the save.
        if violated_constraint(error) in {"citizens_citizen_email_index_key", "email_index"}:
            raise CitizenError(_("This email address belongs to another account."), field="email") from None
        raise
    return citizen


def citizen_erase(*, citizen, actor=None, ip=None):
    """Delete the account: personal data erased, participation kept anonymously.

    Each app's registered handler erases or anonymises what it holds, in the same transaction;
    the citizen row itself stays, emptied, so that counted votes and supports keep their totals.
    `actor` is the citizen themself, or the official who erased the account on their request.
    """
    now = timezone.now()
    with transaction.atomic():
        # Locked and re-read, so a double submit erases (and audits) once.
        citizen = Citizen.objects.select_for_update().get(pk=citizen.pk)
        if citizen.erased_at:
            raise CitizenError(_("This account has already been deleted."))
        for handler in registry.personal_data_handlers():
            handler.erase(citizen)
        Consent.objects.filter(citizen=citizen).delete()
        if citizen.phone_index:
            sign_in_records_erase(phone_index=citizen.phone_index)
        citizen.phone = ""
        citizen.phone_index = None
        citizen.phone_last4 = ""
        citizen.phone_verified_at = None
        citizen.email = ""
        citizen.email_index = None
        citizen.name = ""
        citizen.birth_date = None
        citizen.district = None
        citizen.residence_basis = ""
        citizen.gender = ""
        citizen.notify_by = Citizen.NotifyBy.SMS
        citizen.is_active = False
        citizen.is_staff = False
        citizen.is_superuser = False
        citizen.erased_at = now
        citizen.set_unusable_password()
        citizen.save()
        citizen.groups.clear()
        citizen.user_permissions.clear()
        _announce(actor=actor or citizen, action="citizen.erase", citizen=citizen, ip=ip)
    return citizen


def citizen_record_export(*, citizen, ip=None):
    """Note in the audit log that a citizen downloaded their data (the download itself is a read)."""
    with transaction.atomic():
        _announce(actor=citizen, action="citizen.export", citizen=citizen, ip=ip)


def staff_account_create(*, actor, email, password, name="", ip=None):
    """An official's account, created in the admin: signs in with email and password."""
    if Citizen.objects.filter(email_index=email_blind_index(email)).exists():
        raise CitizenError(_("This email address belongs to another account."), field="email")
    with transaction.atomic():
        staff = Citizen.objects.create_user(email=email, password=password, name=name, is_staff=True)
        _announce(actor=actor, action="citizen.staff_create", citizen=staff, ip=ip)
    return staff


def citizen_admin_update(*, actor, citizen, changed_fields, ip=None):
    """Save what an official changed in the admin (name, flags, groups), and say which fields."""
    if citizen.erased_at:
        raise CitizenError(_("This account has been deleted and can no longer be changed."))
    with transaction.atomic():
        citizen.save()
        _announce(
            actor=actor,
            action="citizen.admin_update",
            citizen=citizen,
            summary={"fields": ",".join(sorted(changed_fields))},
            ip=ip,
        )


def sign_in_records_erase(*, phone_index):
    """Forget that this phone ever asked for a code (codes sent, its send counters)."""
    PhoneVerification.objects.filter(phone_index=phone_index).delete()
    SendCounter.objects.filter(key=phone_index).delete()


def sign_in_records_purge(*, now=None):
    """Delete verification codes and send counters no limit looks at any more (older than a day),
    and password-failure counters whose window and lock have passed.

    Returns (codes deleted, counters deleted).
    """
    cutoff = (now or timezone.now()) - timedelta(days=SIGN_IN_RECORD_DAYS)
    codes, _ = PhoneVerification.objects.filter(created_at__lt=cutoff).delete()
    counters, _ = SendCounter.objects.filter(
        Q(window_start__lt=cutoff, scope__in=["phone-hour", "ip-hour", "prefix-hour", "global-day"])
        | Q(scope="phone-cooldown", last_sent_at__lt=cutoff)
    ).delete()
    return codes, counters + login_failures_purge(now=now)
