from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from citizens.fields import BlindIndexField, EncryptedTextField
from citizens.models import EncryptedContactDetails

from .kinds import label_for


class Contact(EncryptedContactDetails, models.Model):
    """Someone we write to who has no account: a guest, a 120 caller, an SMS sender, or a phone
    receiving a sign-in code. Contact data is encrypted and found through its blind index,
    exactly as on Citizen."""

    phone = EncryptedTextField(_("mobile phone"), blank=True, default="")
    phone_index = BlindIndexField(
        max_length=64, unique=True, null=True, blank=True, editable=False, source="phone", purpose="phone"
    )
    phone_last4 = models.CharField(_("last four digits of phone"), max_length=4, blank=True, default="")
    email = EncryptedTextField(_("email"), blank=True, default="")
    email_index = BlindIndexField(
        max_length=64, unique=True, null=True, blank=True, editable=False, source="email", purpose="email"
    )
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES, default="ko")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        constraints = [
            models.CheckConstraint(
                name="contact_has_phone_or_email",
                condition=Q(phone_index__isnull=False) | Q(email_index__isnull=False),
            ),
        ]

    def __str__(self):
        return self.masked_phone or str(_("Contact #%(id)s") % {"id": self.pk})

    @property
    def wants_sms(self):
        return bool(self.phone_index)

    @property
    def wants_email(self):
        return bool(self.email_index)


class Notification(models.Model):
    """One message to one recipient on one channel: the outbox row.

    Written in the transaction of the change that causes it; a worker claims it (pending →
    sending, under a lease), sends it and records the outcome. A failed attempt schedules the
    next one in `next_attempt_at`; the sweep re-enqueues what is due and takes back rows whose
    worker died mid-send.
    """

    class Channel(models.TextChoices):
        SMS = "sms", _("SMS")
        EMAIL = "email", _("Email")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    key = models.CharField(_("idempotency key"), max_length=200)
    kind = models.CharField(_("kind"), max_length=50)
    channel = models.CharField(_("channel"), max_length=5, choices=Channel.choices)
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("citizen"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    # Encrypted at rest: until it is sent (or while the broker is down) the text of a sign-in
    # code would otherwise sit readable in the database, its backups and its replicas.
    subject = EncryptedTextField(_("subject"), blank=True, default="")
    body = EncryptedTextField(_("text"), blank=True, default="")
    # A message that is useless after a moment (a sign-in code) is failed, not sent, once past this.
    valid_until = models.DateTimeField(_("valid until"), null=True, blank=True)

    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    interrupted_attempts = models.PositiveSmallIntegerField(_("interrupted attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True, default=timezone.now)
    lease_expires_at = models.DateTimeField(_("lease expires at"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True, default="")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    failed_at = models.DateTimeField(_("failed at"), null=True, blank=True)

    # What the provider (Twilio, the ESP) reported after accepting the message.
    provider_message_id = models.CharField(_("provider message ID"), max_length=100, blank=True, default="")
    provider_status = models.CharField(_("provider status"), max_length=30, blank=True, default="")
    provider_error = models.CharField(_("provider error"), max_length=300, blank=True, default="")
    provider_status_at = models.DateTimeField(_("provider status at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["key", "channel"], name="notification_key_unique_per_channel"),
            models.CheckConstraint(
                name="notification_exactly_one_recipient",
                condition=Q(citizen__isnull=False, contact__isnull=True)
                | Q(citizen__isnull=True, contact__isnull=False),
            ),
            models.CheckConstraint(
                name="notification_pending_is_scheduled",
                condition=~Q(status="pending") | Q(next_attempt_at__isnull=False),
            ),
            models.CheckConstraint(
                name="notification_sending_has_lease",
                condition=~Q(status="sending") | Q(lease_expires_at__isnull=False),
            ),
            models.CheckConstraint(
                name="notification_sent_has_time", condition=~Q(status="sent") | Q(sent_at__isnull=False)
            ),
            models.CheckConstraint(
                name="notification_failed_has_time", condition=~Q(status="failed") | Q(failed_at__isnull=False)
            ),
        ]
        indexes = [
            # The sweep's two scans stay small: only rows waiting or in flight are indexed.
            models.Index(
                fields=["next_attempt_at"], condition=Q(status="pending"), name="notification_due"
            ),
            models.Index(
                fields=["lease_expires_at"], condition=Q(status="sending"), name="notification_in_flight"
            ),
            models.Index(fields=["citizen", "-created_at"], name="notification_citizen_latest"),
            # The daily purge (retention.py) finds old rows by age, and sign-in codes among them.
            models.Index(fields=["created_at"], name="notification_created"),
            models.Index(
                fields=["created_at"], condition=Q(kind="verification_code"), name="notification_code_created"
            ),
            # Provider callbacks find their row by the provider's id. Not unique: the provider owns
            # those ids, and a clash must never stop us recording that a message went out.
            models.Index(
                fields=["provider_message_id"], condition=~Q(provider_message_id=""), name="notification_provider_id"
            ),
        ]

    def __str__(self):
        return f"{self.kind} ({self.get_channel_display()}) #{self.pk}"

    @property
    def recipient(self):
        return self.citizen if self.citizen_id else self.contact

    @property
    def kind_label(self):
        return label_for(self.kind)
