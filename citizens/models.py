from datetime import date

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import crypto
from .fields import BlindIndexField, EncryptedTextField
from .phones import mask_phone


class District(models.Model):
    """One of Seoul's 25 autonomous districts (자치구), keyed by its official 시군구 code."""

    code = models.CharField(_("code"), max_length=5, primary_key=True)
    name_ko = models.CharField(_("Korean name"), max_length=20, unique=True)
    name_en = models.CharField(_("English name"), max_length=40, unique=True)
    # GeoJSON geometry (simplified), for "which district is this point in" and district maps.
    boundary = models.JSONField(_("boundary"), default=dict, blank=True)

    class Meta:
        ordering = ["name_ko"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")

    def __str__(self):
        return self.name

    @property
    def name(self):
        from django.utils.translation import get_language

        return self.name_en if (get_language() or "ko").startswith("en") else self.name_ko


class CitizenManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, username):
        # The natural key is the email (see Citizen.get_username); the column holds its index.
        return self.get(email_index=email_blind_index(username))

    def get_by_email(self, email):
        return self.get(email_index=email_blind_index(email))

    def get_by_phone(self, e164):
        return self.get(phone_index=phone_blind_index(e164))

    def create_user(self, *, phone=None, email=None, password=None, **fields):
        citizen = self.model(**fields)
        if phone:
            citizen.set_phone(phone)
        if email:
            citizen.set_email(email)
        if password:
            citizen.set_password(password)
        else:
            citizen.set_unusable_password()
        citizen.full_clean(exclude=["password", "phone_index", "email_index"])
        citizen.save(using=self._db)
        return citizen

    def create_superuser(self, *, email, password, **fields):
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        return self.create_user(email=email, password=password, **fields)


def normalize_email(email: str) -> str:
    return (email or "").strip().lower()


def email_blind_index(email: str) -> str:
    return crypto.blind_index(normalize_email(email), purpose="email")


def phone_blind_index(e164: str) -> str:
    return crypto.blind_index(e164, purpose="phone")


class EncryptedContactDetails:
    """How a phone and an email are written on a model that stores them encrypted: the value
    (`phone`, `email`), its blind index (`phone_index`, `email_index`) and the last four digits
    shown masked (`phone_last4`). Shared by Citizen and the outbox's Contact."""

    def set_phone(self, e164: str):
        self.phone = e164
        self.phone_index = phone_blind_index(e164)
        self.phone_last4 = e164[-4:]

    def set_email(self, email: str):
        email = normalize_email(email)
        self.email = email
        self.email_index = email_blind_index(email) if email else None

    @property
    def masked_phone(self):
        return mask_phone(self.phone_last4)


class Citizen(EncryptedContactDetails, AbstractBaseUser, PermissionsMixin):
    """Everyone who signs in: citizens (by phone and SMS code), officials and committee members
    (also by email and password). Never a resident registration number."""

    class ResidenceBasis(models.TextChoices):
        LIVES = "lives", _("Lives in Seoul")
        WORKS = "works", _("Works in Seoul")
        STUDIES = "studies", _("Studies in Seoul")

    class Gender(models.TextChoices):
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")
        OTHER = "other", _("Other")

    class NotifyBy(models.TextChoices):
        SMS = "sms", _("SMS")
        EMAIL = "email", _("Email")
        BOTH = "both", _("SMS and email")

    phone = EncryptedTextField(_("mobile phone"), blank=True, default="")
    # HMAC of the E.164 number: finds the account and keeps a verified phone to one account.
    phone_index = BlindIndexField(
        max_length=64, unique=True, null=True, blank=True, editable=False, source="phone", purpose="phone"
    )
    phone_last4 = models.CharField(_("last four digits of phone"), max_length=4, blank=True, default="")
    phone_verified_at = models.DateTimeField(_("phone verified at"), null=True, blank=True)
    email = EncryptedTextField(_("email"), blank=True, default="")
    email_index = BlindIndexField(
        _("email"), max_length=64, unique=True, null=True, blank=True, editable=False, source="email", purpose="email"
    )
    name = models.CharField(_("name"), max_length=60, blank=True, default="")

    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    district = models.ForeignKey(
        District, verbose_name=_("district"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    residence_basis = models.CharField(
        _("basis for taking part"), max_length=10, choices=ResidenceBasis.choices, blank=True, default=""
    )
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True, default="")
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES, default="ko")
    notify_by = models.CharField(
        _("notifications by"), max_length=5, choices=NotifyBy.choices, default=NotifyBy.SMS
    )
    profile_completed_at = models.DateTimeField(_("profile completed at"), null=True, blank=True)

    is_staff = models.BooleanField(_("staff status"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    # Set when the citizen deleted their account: the row stays (anonymous) so that records others
    # depend on (votes counted, supports given) keep their totals.
    erased_at = models.DateTimeField(_("erased at"), null=True, blank=True)

    objects = CitizenManager()

    # Staff sign in to the admin with their email; the column holds its blind index.
    USERNAME_FIELD = "email_index"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("citizen")
        verbose_name_plural = _("citizens")
        constraints = [
            # "Lives in Seoul" needs a district; people from outside Seoul state why they take part
            # (their district then is where they work or study, if given).
            models.CheckConstraint(
                name="citizen_district_matches_basis",
                condition=Q(residence_basis__in=["", "works", "studies"])
                | Q(residence_basis="lives", district__isnull=False),
            ),
            models.CheckConstraint(
                name="citizen_email_channel_has_email",
                condition=Q(notify_by="sms") | Q(email_index__isnull=False),
            ),
            models.CheckConstraint(
                name="citizen_erased_has_no_contact",
                condition=Q(erased_at__isnull=True)
                | Q(phone_index__isnull=True, email_index__isnull=True, phone_last4="", is_active=False),
            ),
        ]

    def __str__(self):
        if self.erased_at:
            return str(_("Deleted account"))
        if self.name:
            return self.name
        if self.phone_last4:
            return self.masked_phone
        return f"#{self.pk}"

    def get_username(self):
        return self.email or self.masked_phone

    def get_full_name(self):
        return self.name or self.get_username()

    def get_short_name(self):
        return self.name or self.get_username()

    def clean(self):
        # AbstractBaseUser.clean() would write get_username() (the plain email) into the
        # USERNAME_FIELD, which here is the blind index column.
        models.Model.clean(self)

    def age_on(self, day: date) -> int | None:
        if not self.birth_date:
            return None
        before_birthday = (day.month, day.day) < (self.birth_date.month, self.birth_date.day)
        return day.year - self.birth_date.year - before_birthday

    @property
    def wants_sms(self):
        return self.notify_by in {self.NotifyBy.SMS, self.NotifyBy.BOTH} and bool(self.phone_index)

    @property
    def wants_email(self):
        return self.notify_by in {self.NotifyBy.EMAIL, self.NotifyBy.BOTH} and bool(self.email_index)


class Consent(models.Model):
    """One citizen's answer to one version of one consent text (PIPA art. 15, 22)."""

    citizen = models.ForeignKey(Citizen, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=40)
    version = models.CharField(_("version"), max_length=20)
    granted = models.BooleanField(_("granted"))
    answered_at = models.DateTimeField(_("answered at"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-answered_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["citizen", "purpose", "version"], name="consent_one_answer_per_version"
            ),
        ]

    def __str__(self):
        return f"{self.purpose} v{self.version}"


class PhoneVerification(models.Model):
    """A code sent to a phone. The code itself is never stored, only its keyed hash."""

    phone_index = models.CharField(max_length=64, db_index=True)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    invalidated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="verification_attempts_bounded", condition=Q(failed_attempts__lte=20)
            ),
        ]
        indexes = [models.Index(fields=["phone_index", "-created_at"], name="verification_latest")]

    def __str__(self):
        return f"verification #{self.pk}"

    @property
    def is_open(self):
        return self.confirmed_at is None and self.invalidated_at is None


class SendCounter(models.Model):
    """How many verification codes were sent in one window for one key (phone, IP, everyone).

    Counters live in the database so that every web process shares them and a Redis restart
    resets nothing; they are bumped with a conditional UPDATE, so concurrent requests can't
    both take the last slot.
    """

    scope = models.CharField(max_length=20)
    key = models.CharField(max_length=64)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)
    last_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "key", "window_start"], name="send_counter_one_per_window"),
        ]

    def __str__(self):
        return f"{self.scope} {self.window_start:%Y-%m-%d %H:%M}: {self.count}"


class LoginFailureCounter(models.Model):
    """Wrong passwords entered for one username from one client address: the sign-in lockout.

    The key is a keyed hash of the normalised username and the address, so the table holds
    neither. The pair is what gets locked, never the account: an attacker elsewhere cannot lock an
    official out. Kept in the database, not the cache, so a Redis outage does not lift the limit;
    updated by conditional UPDATEs, so concurrent failures are all counted (see login_lockout).
    """

    key = models.CharField(max_length=64)
    failures = models.PositiveSmallIntegerField(default=0)
    window_started_at = models.DateTimeField()
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key"], name="login_failure_one_per_pair"),
        ]

    def __str__(self):
        return f"login failures {self.key[:8]}: {self.failures}"
