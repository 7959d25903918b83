from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .bilingual import Bilingual, bilingual_field


class Meeting(Bilingual, models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")

    class MinutesStatus(models.TextChoices):
        NONE = "none", _("No minutes yet")
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved")

    committee = models.ForeignKey("governance.Committee", verbose_name=_("committee"), on_delete=models.PROTECT,
                                  related_name="meetings")
    number = models.PositiveSmallIntegerField(_("meeting number"))
    title_ko = models.CharField(_("title (Korean)"), max_length=150)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True, default="")
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    place_ko = models.CharField(_("place (Korean)"), max_length=150, blank=True, default="")
    place_en = models.CharField(_("place (English)"), max_length=200, blank=True, default="")
    online = models.BooleanField(_("held online"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    minutes_ko = models.TextField(_("minutes (Korean)"), blank=True, default="")
    minutes_en = models.TextField(_("minutes (English)"), blank=True, default="")
    minutes_status = models.CharField(_("minutes status"), max_length=10, choices=MinutesStatus.choices,
                                      default=MinutesStatus.NONE)
    minutes_approved_at = models.DateTimeField(_("minutes approved at"), null=True, blank=True)
    # Fixed when the meeting is marked held, so that later changes of membership leave its quorum as it was.
    members_serving = models.PositiveSmallIntegerField(_("members serving"), null=True, blank=True)
    quorum = models.PositiveSmallIntegerField(_("quorum"), null=True, blank=True)

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.UniqueConstraint(fields=["committee", "number"], name="meeting_number_once_per_committee"),
            models.CheckConstraint(
                name="meeting_ends_after_start", condition=Q(ends_at__isnull=True) | Q(ends_at__gt=models.F("starts_at"))
            ),
            # Minutes are published only once approved, and only a meeting that was held has them.
            models.CheckConstraint(
                name="meeting_minutes_only_when_held",
                condition=Q(minutes_status="none") | Q(status="held"),
            ),
            models.CheckConstraint(
                name="meeting_quorum_within_members",
                condition=Q(quorum__isnull=True) | Q(quorum__lte=models.F("members_serving")),
            ),
            models.CheckConstraint(
                name="meeting_approved_minutes_dated",
                condition=~Q(minutes_status="approved") | Q(minutes_approved_at__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.committee} #{self.number}"

    title = bilingual_field("title")
    place = bilingual_field("place")

    @property
    def minutes(self):
        return self.localized("minutes") if self.minutes_status == self.MinutesStatus.APPROVED else ""


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE,
                                related_name="attendance")
    membership = models.ForeignKey("governance.Membership", verbose_name=_("member"), on_delete=models.PROTECT,
                                   related_name="attendance")
    present = models.BooleanField(_("present"), default=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [models.UniqueConstraint(fields=["meeting", "membership"], name="attendance_once")]

    def __str__(self):
        return f"{self.membership} @ {self.meeting}"


class AgendaItem(Bilingual, models.Model):
    """Something a committee deliberates: a promoted proposal, a budget project, a plan or
    ordinance draft, a policy evaluation. The subject is a generic link (`subject_kind`,
    `subject_id`): governance never imports the channel apps; the channel registers how to
    show the subject and how to take back the committee's resolution (governance.registry)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open for review")
        CLOSED = "closed", _("Closed")

    class Outcome(models.TextChoices):
        APPROVED = "approved", _("Approved")
        REVISE = "revise", _("Revise")
        REJECTED = "rejected", _("Rejected")

    committee = models.ForeignKey("governance.Committee", verbose_name=_("committee"), on_delete=models.PROTECT,
                                  related_name="agenda_items")
    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="agenda_items")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title_ko = models.CharField(_("title (Korean)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=250, blank=True, default="")
    description_ko = models.TextField(_("description (Korean)"), blank=True, default="")
    description_en = models.TextField(_("description (English)"), blank=True, default="")
    subject_kind = models.CharField(_("subject kind"), max_length=40, blank=True, default="")
    subject_id = models.CharField(_("subject id"), max_length=40, blank=True, default="")
    is_public = models.BooleanField(_("public"), default=True)
    asks_score = models.BooleanField(_("asks for a score"), default=False)
    score_min = models.PositiveSmallIntegerField(_("lowest score"), default=0)
    score_max = models.PositiveSmallIntegerField(_("highest score"), default=100)
    review_deadline = models.DateTimeField(_("review deadline"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.OPEN)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True, default="")
    resolution_ko = models.TextField(_("resolution (Korean)"), blank=True, default="")
    resolution_en = models.TextField(_("resolution (English)"), blank=True, default="")
    votes_for = models.PositiveSmallIntegerField(_("votes for"), null=True, blank=True)
    votes_against = models.PositiveSmallIntegerField(_("votes against"), null=True, blank=True)
    votes_abstain = models.PositiveSmallIntegerField(_("abstentions"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        ordering = ["committee", "meeting", "order", "pk"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        constraints = [
            models.CheckConstraint(name="agendaitem_score_range", condition=Q(score_min__lt=models.F("score_max"))),
            models.CheckConstraint(
                name="agendaitem_closed_has_outcome",
                condition=Q(status="open", outcome="", closed_at__isnull=True)
                | (Q(status="closed", closed_at__isnull=False) & ~Q(outcome="")),
            ),
            models.CheckConstraint(
                name="agendaitem_subject_complete",
                condition=Q(subject_kind="", subject_id="") | (~Q(subject_kind="") & ~Q(subject_id="")),
            ),
        ]
        indexes = [models.Index(fields=["subject_kind", "subject_id"], name="agendaitem_subject")]

    def __str__(self):
        return self.title

    title = bilingual_field("title")
    description = bilingual_field("description")
    resolution = bilingual_field("resolution")
