from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .appendonly import AppendOnlyError, AppendOnlyModel, AppendOnlyQuerySet


class AuditEvent(AppendOnlyModel):
    """One official or citizen action, written in the transaction of the change it records.

    The summary holds ids and codes only (services.audit_record refuses anything that looks like
    personal data); the client IP, which is personal data with its own retention period, lives
    in AuditEventIP so that it can be destroyed while the event stays.
    """

    class ActorKind(models.TextChoices):
        CITIZEN = "citizen", _("Citizen")
        STAFF = "staff", _("Staff")
        SYSTEM = "system", _("System")
        # Someone not signed in (asking for a sign-in code, say): no id to record.
        ANONYMOUS = "anonymous", _("Anonymous visitor")

    occurred_at = models.DateTimeField(_("occurred at"), default=timezone.now, db_index=True)
    # A plain integer, not a foreign key: the audit log must neither block erasing a citizen
    # nor be cascaded away with one; an erased citizen's id stays as an opaque number.
    actor_id = models.BigIntegerField(_("actor id"), null=True, blank=True, db_index=True)
    actor_kind = models.CharField(_("actor kind"), max_length=10, choices=ActorKind.choices)
    action = models.CharField(_("action"), max_length=80)
    target_type = models.CharField(_("target type"), max_length=80, blank=True, default="")
    target_id = models.CharField(_("target id"), max_length=64, blank=True, default="", db_index=True)
    summary = models.JSONField(_("summary"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["action", "occurred_at"], name="audit_event_action_time"),
            models.Index(fields=["target_type", "target_id"], name="audit_event_target"),
        ]
        constraints = [
            models.CheckConstraint(
                name="audit_event_system_has_no_actor",
                condition=Q(actor_kind__in=["system", "anonymous"], actor_id__isnull=True)
                | (Q(actor_kind__in=["citizen", "staff"]) & Q(actor_id__isnull=False)),
            ),
        ]

    def __str__(self):
        return f"{self.action} {self.target_type}:{self.target_id}" if self.target_type else self.action


class AuditEventIPQuerySet(models.QuerySet):
    """IPs may be deleted (retention is the one deletion the audit app allows), never changed."""

    def update(self, **kwargs):
        raise AppendOnlyError("audit.AuditEventIP rows cannot be changed, only destroyed when they expire.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError("audit.AuditEventIP rows cannot be changed, only destroyed when they expire.")

    def expired(self, now, retention):
        # A retention period shortened after a row was written applies to that row too.
        return self.filter(Q(expires_at__lte=now) | Q(recorded_at__lte=now - retention))


class AuditEventIP(models.Model):
    """The client address of one audit event, kept apart so that it can expire (PIPA)."""

    event = models.OneToOneField(
        AuditEvent, verbose_name=_("audit event"), on_delete=models.PROTECT, related_name="client_ip"
    )
    ip = models.GenericIPAddressField(_("IP address"))
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"), db_index=True)

    objects = AuditEventIPQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event IP address")
        verbose_name_plural = _("audit event IP addresses")

    def __str__(self):
        return self.ip

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("audit.AuditEventIP rows cannot be changed, only destroyed when they expire.")
        kwargs["force_insert"] = True
        return super().save(*args, **kwargs)


class LedgerBlock(AppendOnlyModel):
    """A sealed batch of ledger entries, chained to the block before it by hash.

    Unique height and unique previous hash mean the chain cannot fork in the database even if
    two sealers ever ran at once: a second block at the same height, or a second child of the
    same block, is refused.
    """

    height = models.PositiveBigIntegerField(_("height"))
    previous_hash = models.CharField(_("previous block hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64)
    entry_count = models.PositiveIntegerField(_("entry count"))
    sealed_on = models.DateField(_("sealed on"))

    class Meta:
        verbose_name = _("ledger block")
        verbose_name_plural = _("ledger blocks")
        ordering = ["height"]
        constraints = [
            models.UniqueConstraint(fields=["height"], name="ledger_block_unique_height"),
            models.UniqueConstraint(fields=["previous_hash"], name="ledger_block_unique_previous"),
            models.UniqueConstraint(fields=["hash"], name="ledger_block_unique_hash"),
            models.CheckConstraint(name="ledger_block_height_positive", condition=Q(height__gte=1)),
            models.CheckConstraint(name="ledger_block_not_empty", condition=Q(entry_count__gte=1)),
        ]

    def __str__(self):
        return f"#{self.height} {self.hash[:12]}"


class LedgerEntryQuerySet(AppendOnlyQuerySet):
    def pending(self):
        return self.filter(block__isnull=True)

    def _seal_into(self, block):
        """Sealing is the one write an entry ever gets after its insert: NULL block → block.

        The PostgreSQL trigger allows exactly this transition; `block__isnull=True` makes a
        second sealer's update match nothing, so an entry can never move to another block.
        """
        return models.QuerySet.update(self.filter(block__isnull=True), block=block)


class LedgerEntry(AppendOnlyModel):
    """One participation act appended by a channel: a support, its withdrawal, a ballot, ...

    It names no citizen and carries no time: a random id (a sequence would give away the order
    of casting, which next to a channel's participation rows could link a ballot to its voter),
    the scope ("voting.poll:12"), the kind, a salted commitment to the content from which the
    channel can recount, and the digest of the receipt the citizen was given.
    """

    id = models.UUIDField(primary_key=True, editable=False)
    # Indexed by ledger_entry_scope_order, which starts with the scope.
    scope = models.CharField(_("scope"), max_length=100)
    kind = models.CharField(_("kind"), max_length=40)
    commitment = models.CharField(_("commitment"), max_length=64)
    receipt_digest = models.CharField(_("receipt digest"), max_length=64)
    block = models.ForeignKey(
        LedgerBlock,
        verbose_name=_("block"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="entries",
        # Covered by ledger_entry_block_order, which starts with the block.
        db_index=False,
    )

    objects = LedgerEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        constraints = [
            models.UniqueConstraint(fields=["receipt_digest"], name="ledger_entry_unique_receipt"),
        ]
        indexes = [
            # One scope's entries (a poll's ledger page) in block and canonical order, page by page.
            models.Index(fields=["scope", "block", "commitment", "receipt_digest"], name="ledger_entry_scope_order"),
            # A block's entries in their canonical order, for verification and receipt pages.
            models.Index(fields=["block", "commitment", "receipt_digest"], name="ledger_entry_block_order"),
            # The sealer takes pending entries in their canonical order; the index holds only
            # the (few) pending rows, however long the ledger grows.
            models.Index(
                fields=["commitment", "receipt_digest"],
                condition=Q(block__isnull=True),
                name="ledger_entry_pending",
            ),
        ]

    def __str__(self):
        return f"{self.scope} {self.kind}"


class PersonalDataAccessQuerySet(models.QuerySet):
    """Entries are never changed; they are deleted only by the retention purge
    (audit.access_log.access_log_purge_expired), never before two years."""

    def update(self, **kwargs):
        raise AppendOnlyError("audit.PersonalDataAccess rows cannot be changed.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError("audit.PersonalDataAccess rows cannot be changed.")

    def older_than(self, cutoff):
        return self.filter(accessed_at__lt=cutoff)


class PersonalDataAccess(models.Model):
    """The staff access log (PIPA): an official opened the personal data of one record, shown
    masked until then. Who (an id, not a foreign key: the log outlives the account), which record,
    which items, when, from where. Kept at least two years (PERSONAL_DATA_RETENTION)."""

    accessed_at = models.DateTimeField(_("accessed at"), default=timezone.now, db_index=True)
    staff_id = models.BigIntegerField(_("official id"), db_index=True)
    target_type = models.CharField(_("record type"), max_length=80)
    target_id = models.CharField(_("record id"), max_length=64)
    # The items shown, comma-separated: "name,phone,email".
    items = models.CharField(_("items opened"), max_length=200)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    objects = PersonalDataAccessQuerySet.as_manager()

    class Meta:
        verbose_name = _("staff access to personal data")
        verbose_name_plural = _("staff access log")
        ordering = ["-accessed_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"], name="personal_data_access_target")]
        permissions = [("open_personal_data", _("Can open personal data shown masked in the admin"))]

    def __str__(self):
        return f"#{self.staff_id} → {self.target_type}:{self.target_id} ({self.items})"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("audit.PersonalDataAccess rows cannot be changed.")
        kwargs["force_insert"] = True
        return super().save(*args, **kwargs)
