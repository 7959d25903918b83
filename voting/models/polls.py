"""A poll: the question, its options, who may vote and when, and what became of the result."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

TITLE_MAX_LENGTH = 120
DESCRIPTION_MAX_LENGTH = 5000
OPTION_LABEL_MAX_LENGTH = 120
OPTION_DESCRIPTION_MAX_LENGTH = 1000
MIN_OPTIONS = 2
MAX_OPTIONS = 10
ROOM_CODE_LENGTH = 8


class Poll(models.Model):
    class Kind(models.TextChoices):
        POLICY = "policy", _("Policy vote")
        CITIZEN = "citizen", _("Citizen vote")

    class Status(models.TextChoices):
        # An official's poll being prepared; not public.
        DRAFT = "draft", _("Draft")
        # A citizen's poll waiting for the city's screening.
        PENDING_REVIEW = "pending_review", _("Awaiting screening")
        # Refused in screening (반려), not voted down (부결).
        REJECTED = "rejected", pgettext_lazy("poll screening", "Rejected")
        # Published, before its opening time.
        SCHEDULED = "scheduled", _("Upcoming")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    class QuestionType(models.TextChoices):
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")
        RANKED = "ranked", _("Ranked choice")

    class Access(models.TextChoices):
        PUBLIC = "public", _("Public")
        # Listed nowhere; reachable with the room code only.
        ROOM = "room", _("Private room")
        # Reachable through the event's QR code while the event runs.
        ONSITE = "onsite", _("On-site event")

    class ResultsVisibility(models.TextChoices):
        LIVE = "live", _("Shown while the poll is open")
        AFTER_CLOSE = "after_close", _("Hidden until the poll closes")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    description = models.TextField(_("description"), max_length=DESCRIPTION_MAX_LENGTH, blank=True, default="")
    question_type = models.CharField(
        _("question type"), max_length=10, choices=QuestionType.choices, default=QuestionType.SINGLE
    )
    # Multiple choice: the most options a voter may pick; ranked: the most options a voter may rank.
    # Single choice: always 1.
    max_choices = models.PositiveSmallIntegerField(_("maximum picks"), default=1)

    # The responsible department of a policy vote (scopes the back office).
    org_unit = models.ForeignKey(
        "governance.OrgUnit", verbose_name=_("responsible unit"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    # The citizen who proposed a citizen vote; the official who created a policy vote.
    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("proposer"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="proposed_polls",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )

    # Audience: nobody is excluded when these are empty.
    audience_districts = models.ManyToManyField(
        "citizens.District", verbose_name=_("districts"), blank=True, related_name="+"
    )
    audience_min_age = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    audience_max_age = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    access = models.CharField(_("access"), max_length=10, choices=Access.choices, default=Access.PUBLIC)
    room_code = models.CharField(_("room code"), max_length=ROOM_CODE_LENGTH, null=True, blank=True, unique=True)
    # The secret in the event's QR code, and the event's time window.
    onsite_token = models.CharField(max_length=43, null=True, blank=True, unique=True, editable=False)
    event_starts_at = models.DateTimeField(_("event starts"), null=True, blank=True)
    event_ends_at = models.DateTimeField(_("event ends"), null=True, blank=True)

    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # Set when an official closed the poll before closes_at.
    close_reason = models.TextField(_("reason for closing early"), blank=True, default="")
    results_visibility = models.CharField(
        _("interim results"), max_length=12, choices=ResultsVisibility.choices, default=ResultsVisibility.LIVE
    )
    # Known for targeted polls (e.g. residents of a district): turnout is shown against it.
    eligible_population = models.PositiveIntegerField(_("eligible population"), null=True, blank=True)

    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("screened by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    reviewed_at = models.DateTimeField(_("screened at"), null=True, blank=True)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True, default="")

    hidden_at = models.DateTimeField(_("hidden at"), null=True, blank=True)
    hidden_reason = models.TextField(_("reason for hiding"), blank=True, default="")

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("poll")
        verbose_name_plural = _("polls")
        ordering = ["-opens_at", "-pk"]
        permissions = [
            ("screen_poll", _("Can screen citizens' polls")),
            ("moderate_poll", _("Can hide polls and handle reports")),
        ]
        indexes = [
            # The public lists: open, upcoming and closed public polls, newest first.
            models.Index(
                fields=["status", "-opens_at"],
                condition=Q(access="public", hidden_at__isnull=True),
                name="poll_public_listing",
            ),
            # voting_advance: what is due to open or close.
            models.Index(fields=["status", "opens_at"], name="poll_due_to_open"),
            models.Index(fields=["status", "closes_at"], name="poll_due_to_close"),
        ]
        constraints = [
            models.CheckConstraint(name="poll_closes_after_opening", condition=Q(closes_at__gt=F("opens_at"))),
            models.CheckConstraint(
                name="poll_max_choices_fits_type",
                condition=Q(question_type="single", max_choices=1)
                | Q(question_type__in=["multiple", "ranked"], max_choices__gte=1, max_choices__lte=MAX_OPTIONS),
            ),
            models.CheckConstraint(
                name="poll_age_range_ordered",
                condition=Q(audience_min_age__isnull=True)
                | Q(audience_max_age__isnull=True)
                | Q(audience_min_age__lte=F("audience_max_age")),
            ),
            models.CheckConstraint(
                name="poll_citizen_vote_has_proposer", condition=Q(kind="policy") | Q(proposer__isnull=False)
            ),
            models.CheckConstraint(
                name="poll_room_has_code", condition=~Q(access="room") | Q(room_code__isnull=False)
            ),
            models.CheckConstraint(
                name="poll_onsite_has_event",
                condition=~Q(access="onsite")
                | Q(onsite_token__isnull=False, event_starts_at__isnull=False, event_ends_at__isnull=False),
            ),
            models.CheckConstraint(
                name="poll_event_window_ordered",
                condition=Q(event_starts_at__isnull=True)
                | Q(event_ends_at__isnull=True)
                | Q(event_ends_at__gt=F("event_starts_at")),
            ),
            models.CheckConstraint(
                name="poll_rejected_has_reason",
                condition=~Q(status="rejected") | (~Q(rejection_reason="") & Q(reviewed_at__isnull=False)),
            ),
            models.CheckConstraint(
                name="poll_open_has_opened_at",
                condition=~Q(status__in=["open", "closed"]) | Q(opened_at__isnull=False),
            ),
            models.CheckConstraint(
                name="poll_closed_has_closed_at",
                condition=Q(status="closed", closed_at__isnull=False) | (~Q(status="closed") & Q(closed_at__isnull=True)),
            ),
            models.CheckConstraint(
                name="poll_hidden_has_reason", condition=Q(hidden_at__isnull=True) | ~Q(hidden_reason="")
            ),
            models.CheckConstraint(
                name="poll_status_valid",
                condition=Q(status__in=["draft", "pending_review", "rejected", "scheduled", "open", "closed"]),
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def ledger_scope(self):
        return f"voting.poll:{self.pk}"

    @property
    def is_ranked(self):
        return self.question_type == self.QuestionType.RANKED


def option_image_path(option, filename):
    return f"voting/options/{filename}"


class PollOption(models.Model):
    """One answer a voter can pick. Ballots and tallies name options by position (1, 2, ...),
    fixed once the poll is published."""

    poll = models.ForeignKey(Poll, verbose_name=_("poll"), on_delete=models.CASCADE, related_name="options")
    position = models.PositiveSmallIntegerField(_("position"))
    label = models.CharField(_("option"), max_length=OPTION_LABEL_MAX_LENGTH)
    description = models.TextField(_("description"), max_length=OPTION_DESCRIPTION_MAX_LENGTH, blank=True, default="")
    image = models.ImageField(_("image"), upload_to=option_image_path, blank=True, default="")
    image_alt = models.CharField(_("image description"), max_length=200, blank=True, default="")

    class Meta:
        verbose_name = _("option")
        verbose_name_plural = _("options")
        ordering = ["poll", "position"]
        constraints = [
            models.UniqueConstraint(fields=["poll", "position"], name="poll_option_unique_position"),
            models.CheckConstraint(
                name="poll_option_position_in_range",
                condition=Q(position__gte=1, position__lte=MAX_OPTIONS),
            ),
        ]

    def __str__(self):
        return self.label


class PolicyReflection(models.Model):
    """How a closed poll's result was reflected in policy (Seoul's 결과 반영 follow-up)."""

    class Outcome(models.TextChoices):
        REFLECTED = "reflected", _("Reflected in policy")
        PARTLY = "partly", _("Partly reflected")
        NOT_REFLECTED = "not_reflected", _("Not reflected")

    poll = models.OneToOneField(Poll, verbose_name=_("poll"), on_delete=models.CASCADE, related_name="reflection")
    outcome = models.CharField(_("outcome"), max_length=15, choices=Outcome.choices)
    note = models.TextField(_("note"), max_length=DESCRIPTION_MAX_LENGTH)
    link = models.URLField(_("link"), blank=True, default="")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("policy follow-up")
        verbose_name_plural = _("policy follow-ups")
        indexes = [models.Index(fields=["outcome"], name="poll_reflection_outcome")]
        constraints = [
            models.CheckConstraint(
                name="poll_reflection_outcome_valid",
                condition=Q(outcome__in=["reflected", "partly", "not_reflected"]),
            ),
            models.CheckConstraint(name="poll_reflection_has_note", condition=~Q(note="")),
        ]

    def __str__(self):
        return self.get_outcome_display()


class PollReport(models.Model):
    """A citizen's report of a poll, in one of Seoul's four categories."""

    class Category(models.TextChoices):
        NATIONAL_SECURITY = "national_security", _("Threat to national security")
        GROUNDLESS_ATTACK = "groundless_attack", _("Groundless attack or slander")
        ADVERTISING = "advertising", _("Advertising")
        OBSCENITY = "obscenity", _("Profanity or obscenity")

    class Resolution(models.TextChoices):
        HIDDEN = "hidden", _("Poll hidden")
        DISMISSED = "dismissed", _("Dismissed")

    poll = models.ForeignKey(Poll, verbose_name=_("poll"), on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reported by"), on_delete=models.CASCADE, related_name="+"
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    detail = models.TextField(_("details"), max_length=1000, blank=True, default="")
    reported_at = models.DateTimeField(_("reported at"))
    resolution = models.CharField(_("resolution"), max_length=10, choices=Resolution.choices, blank=True, default="")
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("resolved by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("poll report")
        verbose_name_plural = _("poll reports")
        ordering = ["-reported_at", "-pk"]
        indexes = [
            models.Index(fields=["-reported_at"], condition=Q(resolved_at__isnull=True), name="poll_report_queue"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["poll", "reporter"], name="poll_report_one_per_citizen"),
            models.CheckConstraint(
                name="poll_report_category_valid",
                condition=Q(category__in=["national_security", "groundless_attack", "advertising", "obscenity"]),
            ),
            models.CheckConstraint(
                name="poll_report_resolution_complete",
                condition=Q(resolution="", resolved_at__isnull=True)
                | (Q(resolution__in=["hidden", "dismissed"]) & Q(resolved_at__isnull=False)),
            ),
        ]

    def __str__(self):
        return self.get_category_display()
