"""A complaint, whichever channel it came through, and what happens to it.

Who filed it is either a signed-in citizen (`citizen`) or a contact without an account (a guest
with a verified phone, a 120 caller, an SMS sender, an email sender, an Open311 app's user:
`contact`, from the outbox, encrypted there), or nobody known (an anonymous Open311 report).
`tracking_last4` keeps the phone's last four digits for the tracking page.

The deadline (`due_at`) is computed once at receipt from the category's type (deadlines.py) and
stored; a transfer does not restart it (art. 16: the time spent transferring counts).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..states import FINISHED_STATES, OPEN_STATES, Status
from .categories import Category, ComplaintType

DESCRIPTION_MAX_LENGTH = 4_000
TITLE_MAX_LENGTH = 120
PHOTOS_MAX = 3


class Channel(models.TextChoices):
    WEB = "web", _("Web")
    MOBILE = "mobile", _("Mobile web")
    SMS = "sms", _("SMS")
    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone (120 Dasan call centre)")
    OPEN311 = "open311", _("Open311 app")


class ContactPreference(models.TextChoices):
    SMS = "sms", _("SMS")
    EMAIL = "email", _("Email")
    NONE = "none", _("No messages")


class TrackingCounter(models.Model):
    """The last tracking number given in a year: `2026-0001234` is the 1,234th complaint of 2026."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("tracking number counter")
        verbose_name_plural = _("tracking number counters")

    def __str__(self):
        return f"{self.year}: {self.last}"


class Complaint(models.Model):
    Status = Status

    tracking_number = models.CharField(_("tracking number"), max_length=16, unique=True, editable=False)
    # Open311's token: what a POST answers before (or besides) the id; public, opaque.
    token = models.UUIDField(_("token"), default=uuid.uuid4, unique=True, editable=False)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    category = models.ForeignKey(
        Category, verbose_name=_("category"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="complaints",
    )  # fmt: skip
    complaint_type = models.CharField(_("type"), max_length=12, choices=ComplaintType.choices, blank=True, default="")
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH, blank=True, default="")
    description = models.TextField(_("description"), max_length=DESCRIPTION_MAX_LENGTH)
    address = models.CharField(_("address"), max_length=200, blank=True, default="")
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    district = models.ForeignKey(
        "citizens.District", verbose_name=_("district"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    is_public = models.BooleanField(
        _("public"), default=False, help_text=_("Shown on the public map and list, without personal data.")
    )
    answers = models.JSONField(_("answers to the category's questions"), default=dict, blank=True)
    # Who filed it.
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("citizen"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="complaints",
    )  # fmt: skip
    # Named (not "+"): the outbox's purge keeps a Contact that any relation still refers to.
    contact = models.ForeignKey(
        "notifications.Contact", verbose_name=_("contact"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="complaints_filed",
    )  # fmt: skip
    contact_name = models.CharField(_("name given"), max_length=60, blank=True, default="")
    contact_preference = models.CharField(
        _("contact preference"), max_length=5, choices=ContactPreference.choices, default=ContactPreference.SMS
    )
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES, default="ko")
    tracking_last4 = models.CharField(_("last four digits of phone"), max_length=4, blank=True, default="")
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("filed by (operator)"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    open311_client = models.ForeignKey(
        "complaints.Open311Key", verbose_name=_("Open311 app"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    # Handling.
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.RECEIVED)
    unit = models.ForeignKey(
        "governance.OrgUnit", verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("official in charge"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    suggested_unit = models.ForeignKey(
        "governance.OrgUnit", verbose_name=_("suggested unit"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    suggestion_confidence = models.FloatField(_("confidence of the suggestion"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # When it last left the open states (answered, rejected, merged); cleared when it is reopened.
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # When the text analysis counted its terms for the trends (once: a retried task counts nothing twice).
    terms_counted_at = models.DateTimeField(_("terms counted at"), null=True, blank=True)
    answer = models.TextField(_("answer"), blank=True, default="")
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("answered by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    rejection_reason = models.TextField(_("reason for rejection"), blank=True, default="")
    rejection_remedy = models.TextField(
        _("remedy"), blank=True, default="", help_text=_("How the citizen may object (required by law).")
    )
    duplicate_of = models.ForeignKey(
        "self", verbose_name=_("duplicate of"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="duplicates",
    )  # fmt: skip
    answer_round = models.PositiveSmallIntegerField(_("answer round"), default=1)
    # Escalation: when the complaint was first flagged overdue, and when the 30-day notice went out.
    overdue_at = models.DateTimeField(_("flagged overdue at"), null=True, blank=True)
    progress_notice_at = models.DateTimeField(_("progress notice sent at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        permissions = [
            ("triage_complaint", _("Can triage complaints (give SMS and email complaints a category)")),
            ("file_for_caller", _("Can file complaints for callers (120 Dasan call centre)")),
            ("coordinate_transfer", _("Can decide disputed transfers (coordination queue)")),
            ("handle_any_unit", _("Can handle complaints of every unit")),
        ]
        indexes = [
            # An official's queue: their unit's open complaints by deadline.
            models.Index(fields=["unit", "status", "due_at"], name="complaint_unit_queue"),
            # ... and newest first, the back office's default order.
            models.Index(fields=["unit", "-received_at", "-id"], name="complaint_unit_recent"),
            # ... filtered by a channel: without it the newest-first walk passes every complaint of
            # the other channels and units first (at 1,000,000 complaints, 5.7 ms for a busy unit's
            # e-mail ones, growing with the table; 0.4 ms with it). An official's own assignments
            # need none: PostgreSQL keeps walking the newest (2.2 ms at 1,000,000) even when
            # offered an index on the assignee, and a third of a unit's complaints are each official's.
            models.Index(fields=["unit", "channel", "-received_at", "-id"], name="complaint_unit_channel_recent"),
            # "Someone already reported this": open complaints of a category in a box around a pin.
            models.Index(
                fields=["category", "latitude", "longitude"], name="complaint_open_nearby",
                condition=Q(status__in=["received", "assigned", "in_progress", "transferred", "reopened"]),
            ),  # fmt: skip
            # Escalation: open complaints past their deadline.
            models.Index(
                fields=["due_at"],
                name="complaint_open_due",
                condition=Q(status__in=["received", "assigned", "in_progress", "transferred", "reopened"]),
            ),  # fmt: skip
            # The public list and map, newest first; Open311's listing by date.
            models.Index(fields=["-received_at", "-id"], name="complaint_public_recent", condition=Q(is_public=True)),
            models.Index(fields=["category", "-received_at"], name="complaint_category_recent"),
            models.Index(fields=["district", "-received_at"], name="complaint_district_recent"),
            models.Index(fields=["citizen", "-received_at"], name="complaint_citizen_recent"),
            # The rollups' refresh: complaints changed since the last one, and a day's complaints.
            models.Index(fields=["updated_at"], name="complaint_updated"),
            models.Index(fields=["received_at"], name="complaint_received"),
            models.Index(fields=["finished_at"], name="complaint_finished", condition=Q(finished_at__isnull=False)),
            # The triage queue: complaints without a category (SMS, email).
            models.Index(fields=["received_at"], name="complaint_triage", condition=Q(category__isnull=True)),
        ]
        constraints = [
            models.CheckConstraint(name="complaint_status_valid", condition=Q(status__in=Status.values)),
            models.CheckConstraint(name="complaint_channel_valid", condition=Q(channel__in=Channel.values)),
            models.CheckConstraint(
                name="complaint_location_pair",
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
            ),
            # A category gives the type and the deadline; an uncategorised complaint waits in triage.
            models.CheckConstraint(
                name="complaint_category_gives_deadline",
                condition=Q(category__isnull=True) | (Q(due_at__isnull=False) & ~Q(complaint_type="")),
            ),
            # Past received, a complaint has a unit (it may be transferred but is never nobody's).
            models.CheckConstraint(
                name="complaint_handled_has_unit",
                condition=Q(status__in=["received", "duplicate", "rejected"]) | Q(unit__isnull=False),
            ),
            models.CheckConstraint(
                name="complaint_answered_has_answer",
                condition=~Q(status__in=["answered", "closed"]) | (~Q(answer="") & Q(answered_at__isnull=False)),
            ),
            models.CheckConstraint(
                name="complaint_rejected_has_reason_and_remedy",
                condition=~Q(status="rejected") | (~Q(rejection_reason="") & ~Q(rejection_remedy="")),
            ),
            models.CheckConstraint(
                name="complaint_duplicate_links_original",
                condition=Q(status="duplicate", duplicate_of__isnull=False)
                | (~Q(status="duplicate") & Q(duplicate_of__isnull=True)),
            ),
            models.CheckConstraint(name="complaint_not_own_duplicate", condition=~Q(duplicate_of=models.F("pk"))),
        ]

    def __str__(self):
        return self.tracking_number

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATES

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_STATES

    def is_overdue(self, now=None) -> bool:
        return self.is_open and self.due_at is not None and self.due_at < (now or timezone.now())

    @property
    def has_location(self) -> bool:
        return self.latitude is not None


class ComplaintPhoto(models.Model):
    """A photo of the complaint, re-encoded at intake (EXIF and GPS stripped)."""

    complaint = models.ForeignKey(Complaint, verbose_name=_("complaint"), on_delete=models.CASCADE,
                                  related_name="photos")  # fmt: skip
    position = models.PositiveSmallIntegerField(_("position"))
    image = models.ImageField(_("image"), upload_to="complaints/%Y/%m/")
    alt = models.CharField(_("description"), max_length=200, blank=True, default="")

    class Meta:
        ordering = ["complaint", "position"]
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        constraints = [
            models.UniqueConstraint(fields=["complaint", "position"], name="complaint_photo_position_unique"),
            models.CheckConstraint(name="complaint_photo_at_most_three", condition=Q(position__lt=PHOTOS_MAX)),
        ]

    def __str__(self):
        return f"{self.complaint_id}/{self.position + 1}"


class ComplaintEvent(models.Model):
    """One step in a complaint's history: a move, a note, an official opening the file. Public
    events make the timeline a citizen sees; the others are for officials."""

    class Kind(models.TextChoices):
        RECEIVED = "received", _("Received")
        MOVE = "move", _("Status changed")
        ROUTED = "routed", _("Routed")
        TRANSFER_DISPUTED = "disputed", _("Transfer disputed")
        COORDINATED = "coordinated", _("Unit decided by coordination")
        OVERDUE = "overdue", _("Flagged overdue")
        PROGRESS_NOTICE = "progress", _("Progress notice sent")
        FOLLOWER_MOVED = "followers", _("Followers moved")
        RATED = "rated", _("Rated")
        NOTE = "note", _("Note")

    complaint = models.ForeignKey(Complaint, verbose_name=_("complaint"), on_delete=models.CASCADE,
                                  related_name="events")  # fmt: skip
    at = models.DateTimeField(_("at"), default=timezone.now)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    move = models.CharField(_("move"), max_length=16, blank=True, default="")
    from_status = models.CharField(_("from"), max_length=12, choices=Status.choices, blank=True, default="")
    to_status = models.CharField(_("to"), max_length=12, choices=Status.choices, blank=True, default="")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    unit = models.ForeignKey(
        "governance.OrgUnit", verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    note = models.TextField(_("note"), blank=True, default="")
    is_public = models.BooleanField(_("shown to the citizen"), default=True)

    class Meta:
        ordering = ["complaint", "at", "pk"]
        verbose_name = _("complaint event")
        verbose_name_plural = _("complaint events")

    def __str__(self):
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"


class Transfer(models.Model):
    """A complaint handed from one unit to another with a reason. The receiving unit accepts it,
    or disputes it: a disputed transfer waits in the coordination queue until a coordinator
    decides which unit handles the complaint."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("Awaiting the receiving unit")
        ACCEPTED = "accepted", _("Accepted")
        DISPUTED = "disputed", _("Disputed: in coordination")
        COORDINATED = "coordinated", _("Decided by coordination")
        CANCELLED = "cancelled", _("Ended without acceptance")

    complaint = models.ForeignKey(Complaint, verbose_name=_("complaint"), on_delete=models.CASCADE,
                                  related_name="transfers")  # fmt: skip
    from_unit = models.ForeignKey("governance.OrgUnit", verbose_name=_("from"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")  # fmt: skip
    to_unit = models.ForeignKey("governance.OrgUnit", verbose_name=_("to"), on_delete=models.PROTECT,
                                related_name="+")  # fmt: skip
    reason = models.TextField(_("reason"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"), null=True,
                                     on_delete=models.SET_NULL, related_name="+")  # fmt: skip
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, default=Outcome.PENDING)
    dispute_reason = models.TextField(_("why the receiving unit disputes it"), blank=True, default="")
    decided_unit = models.ForeignKey("governance.OrgUnit", verbose_name=_("unit decided"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")  # fmt: skip
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")  # fmt: skip
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        constraints = [
            # One transfer in flight per complaint (pending or disputed).
            models.UniqueConstraint(
                fields=["complaint"],
                condition=Q(outcome__in=["pending", "disputed"]),
                name="transfer_one_open",
            ),  # fmt: skip
            models.CheckConstraint(name="transfer_to_another_unit", condition=~Q(to_unit=models.F("from_unit"))),
            models.CheckConstraint(name="transfer_has_reason", condition=~Q(reason="")),
            models.CheckConstraint(
                name="transfer_dispute_has_reason", condition=~Q(outcome="disputed") | ~Q(dispute_reason="")
            ),
        ]

    def __str__(self):
        return f"{self.from_unit_id} → {self.to_unit_id} ({self.get_outcome_display()})"


class Follower(models.Model):
    """A citizen following a complaint (its filer, someone who found it among the suggestions, or
    the filer of a duplicate merged into it): told when it is answered."""

    complaint = models.ForeignKey(Complaint, verbose_name=_("complaint"), on_delete=models.CASCADE,
                                  related_name="followers")  # fmt: skip
    citizen = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("citizen"), null=True, blank=True,
                                on_delete=models.CASCADE, related_name="+")  # fmt: skip
    contact = models.ForeignKey("notifications.Contact", verbose_name=_("contact"), null=True, blank=True,
                                on_delete=models.CASCADE, related_name="complaint_follows")  # fmt: skip
    since = models.DateTimeField(_("since"), default=timezone.now)

    class Meta:
        verbose_name = _("follower")
        verbose_name_plural = _("followers")
        constraints = [
            models.UniqueConstraint(fields=["complaint", "citizen"], name="follower_citizen_once"),
            models.UniqueConstraint(fields=["complaint", "contact"], name="follower_contact_once"),
            models.CheckConstraint(
                name="follower_is_someone",
                condition=Q(citizen__isnull=False, contact__isnull=True)
                | Q(citizen__isnull=True, contact__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.complaint_id}: {self.citizen_id or self.contact_id}"


class Satisfaction(models.Model):
    """The citizen's rating of an answer (one per answer round): 1 (very dissatisfied) to 5."""

    complaint = models.ForeignKey(Complaint, verbose_name=_("complaint"), on_delete=models.CASCADE,
                                  related_name="ratings")  # fmt: skip
    answer_round = models.PositiveSmallIntegerField(_("answer round"))
    rating = models.PositiveSmallIntegerField(_("rating"))
    comment = models.TextField(_("comment"), max_length=1_000, blank=True, default="")
    rated_at = models.DateTimeField(_("rated at"), default=timezone.now)

    class Meta:
        ordering = ["complaint", "answer_round"]
        verbose_name = _("satisfaction rating")
        verbose_name_plural = _("satisfaction ratings")
        constraints = [
            models.UniqueConstraint(fields=["complaint", "answer_round"], name="satisfaction_once_per_answer"),
            models.CheckConstraint(name="satisfaction_rating_1_to_5", condition=Q(rating__gte=1, rating__lte=5)),
        ]

    def __str__(self):
        return f"{self.complaint_id} #{self.answer_round}: {self.rating}"
