"""Democratic Seoul (민주주의 서울): proposals, their supports, followers and public timeline.

The lifecycle of a proposal (`Proposal.Status`); every move is one service in services.py, which
checks the state it moves from, writes a StageChange row and an audit event, and notifies the
proposer and the followers:

    draft ──publish──▶ open                                   (support window: 30 days)
    open ──window closes, supports ≥ 50──▶ under_review       (unit assigned, answer due in 1 month)
    open ──window closes, supports < 50──▶ closed_insufficient (still readable)
    under_review ──department answers──▶ answered             (reassigning keeps the state)
    answered ──supports ≥ 100──▶ in_debate                    (debate window: 30 days)
    answered | closed_insufficient ──citizen panel promotes, with a reason──▶ in_debate  (우수제안)
    in_debate ──debate closes, participants ≥ 1,000──▶ awaiting_mayor
    in_debate ──debate closes, participants < 1,000──▶ debate_closed
    awaiting_mayor ──the Mayor answers──▶ mayor_answered

Thresholds and windows are settings (see services.py). Final states: closed_insufficient,
answered (unless promoted or over the debate threshold), debate_closed, mayor_answered.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

TITLE_MAX_LENGTH = 150
BODY_MAX_LENGTH = 10_000


class Category(models.Model):
    slug = models.SlugField(_("slug"), max_length=40, unique=True)
    name_ko = models.CharField(_("Korean name"), max_length=60)
    name_en = models.CharField(_("English name"), max_length=80)
    # The unit a proposal of this category goes to when it reaches review; officials may reassign.
    default_unit = models.ForeignKey(
        "governance.OrgUnit",
        verbose_name=_("responsible unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["slug"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self):
        return self.name_ko


class Proposal(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open for support")
        UNDER_REVIEW = "under_review", _("Under department review")
        CLOSED_INSUFFICIENT = "closed_insufficient", _("Closed: not enough support")
        ANSWERED = "answered", _("Answered by the department")
        IN_DEBATE = "in_debate", _("In public debate")
        DEBATE_CLOSED = "debate_closed", _("Debate closed")
        AWAITING_MAYOR = "awaiting_mayor", _("Awaiting the Mayor's answer")
        MAYOR_ANSWERED = "mayor_answered", _("Answered by the Mayor")

    class AnswerType(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        PARTIALLY_ACCEPTED = "partially_accepted", _("Partially accepted")
        NOT_ACCEPTED = "not_accepted", _("Not accepted")
        ALREADY_IN_PLACE = "already_in_place", _("Already in place")

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("proposer"), on_delete=models.PROTECT, related_name="proposals"
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    body = models.TextField(_("proposal"), max_length=BODY_MAX_LENGTH)
    category = models.ForeignKey(Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="+")
    # Null: the proposal concerns the whole city.
    district = models.ForeignKey(
        "citizens.District", verbose_name=_("district"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    # Active supports only; kept exact by the support services under the proposal's row lock.
    support_count = models.PositiveIntegerField(_("supports"), default=0)
    window_opens_at = models.DateTimeField(_("support window opens"), null=True, blank=True)
    window_closes_at = models.DateTimeField(_("support window closes"), null=True, blank=True)

    assigned_unit = models.ForeignKey(
        "governance.OrgUnit", verbose_name=_("responsible unit"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    answer_due_on = models.DateField(_("answer due on"), null=True, blank=True)
    answer_type = models.CharField(_("answer"), max_length=20, choices=AnswerType.choices, blank=True, default="")
    answer_reason = models.TextField(_("reason"), blank=True, default="")
    implementation_plan = models.TextField(_("implementation plan"), blank=True, default="")
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("answered by"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )

    debate_opens_at = models.DateTimeField(_("debate opens"), null=True, blank=True)
    debate_closes_at = models.DateTimeField(_("debate closes"), null=True, blank=True)
    # Set by the citizen panel when it promotes a proposal under the threshold (우수제안).
    promotion_reason = models.TextField(_("reason for the panel's promotion"), blank=True, default="")
    # Kept by the debate services (a later stage); read when the debate closes.
    debate_participant_count = models.PositiveIntegerField(_("debate participants"), default=0)

    # Set by proposals_advance when the answer is past due; cleared by the answer.
    answer_overdue_since = models.DateField(_("answer overdue since"), null=True, blank=True)

    mayor_answer = models.TextField(_("the Mayor's answer"), blank=True, default="")
    mayor_answered_at = models.DateTimeField(_("the Mayor answered at"), null=True, blank=True)

    # Implementation of an accepted proposal: the overall progress follows its milestones.
    implementation_progress = models.PositiveSmallIntegerField(_("implementation progress (%)"), default=0)
    implemented_at = models.DateTimeField(_("implemented at"), null=True, blank=True)

    image = models.ImageField(_("image"), upload_to="proposals/%Y/%m/", blank=True, default="")
    image_alt = models.CharField(_("image description"), max_length=200, blank=True, default="")
    # Bumped by every edit of a draft, so that a form opened before another edit is refused as stale.
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        indexes = [
            models.Index(fields=["status", "window_closes_at"], name="proposal_status_window"),
            models.Index(fields=["status", "debate_closes_at"], name="proposal_status_debate"),
            models.Index(fields=["status", "answer_due_on"], name="proposal_status_due"),
            models.Index(fields=["-support_count", "-id"], name="proposal_most_supported"),
            # The public list, newest first: partial, so drafts (which have no publication date and
            # would sort first) are never walked through (bench/, 100k proposals). Its "closing soon"
            # order has an index on PostgreSQL only (migration 0005: SQLite has no NULLS LAST there).
            models.Index(
                F("published_at").desc(), F("id").desc(), condition=~Q(status="draft"), name="proposal_public_newest"
            ),
            # ... of one stage: without it the newest-first walk passes every proposal of the other
            # stages first (10 ms for "debate closed" at 100k, whose proposals are months old).
            models.Index(F("status"), F("published_at").desc(), F("id").desc(), name="proposal_stage_newest"),
        ]
        constraints = [
            models.CheckConstraint(name="proposal_support_count_not_negative", condition=Q(support_count__gte=0)),
            models.CheckConstraint(
                name="proposal_debate_participants_not_negative", condition=Q(debate_participant_count__gte=0)
            ),
            models.CheckConstraint(
                name="proposal_window_closes_after_opening",
                condition=Q(window_opens_at__isnull=True, window_closes_at__isnull=True)
                | Q(window_closes_at__gt=F("window_opens_at")),
            ),
            models.CheckConstraint(
                name="proposal_window_set_once_published",
                condition=Q(status="draft") | Q(window_opens_at__isnull=False, published_at__isnull=False),
            ),
            models.CheckConstraint(
                name="proposal_debate_closes_after_opening",
                condition=Q(debate_opens_at__isnull=True, debate_closes_at__isnull=True)
                | Q(debate_closes_at__gt=F("debate_opens_at")),
            ),
            # The department's answer exists exactly when the proposal has been answered (and in
            # the stages after it, except a debate the panel opened without an answer).
            models.CheckConstraint(
                name="proposal_answer_complete_or_absent",
                condition=Q(answer_type="", answered_at__isnull=True, answered_by__isnull=True)
                | (~Q(answer_type="") & Q(answered_at__isnull=False, answered_by__isnull=False)),
            ),
            models.CheckConstraint(
                name="proposal_answered_has_answer",
                condition=~Q(status="answered") | ~Q(answer_type=""),
            ),
            models.CheckConstraint(
                name="proposal_no_answer_before_review",
                condition=Q(answer_type="") | ~Q(status__in=["draft", "open", "under_review", "closed_insufficient"]),
            ),
            models.CheckConstraint(
                name="proposal_not_accepted_has_reason",
                condition=~Q(answer_type="not_accepted") | ~Q(answer_reason=""),
            ),
            models.CheckConstraint(
                name="proposal_review_has_due_date",
                condition=~Q(status="under_review") | Q(answer_due_on__isnull=False),
            ),
            models.CheckConstraint(
                name="proposal_debate_has_window",
                condition=~Q(status__in=["in_debate", "debate_closed", "awaiting_mayor", "mayor_answered"])
                | Q(debate_opens_at__isnull=False),
            ),
            models.CheckConstraint(
                name="proposal_overdue_only_under_review",
                condition=Q(answer_overdue_since__isnull=True) | Q(status="under_review"),
            ),
            models.CheckConstraint(
                name="proposal_progress_is_percentage", condition=Q(implementation_progress__lte=100)
            ),
            # Only an accepted (or partly accepted) answer is implemented, and only when complete.
            models.CheckConstraint(
                name="proposal_implemented_when_accepted_and_complete",
                condition=Q(implemented_at__isnull=True)
                | Q(answer_type__in=["accepted", "partially_accepted"], implementation_progress=100),
            ),
            models.CheckConstraint(
                name="proposal_image_has_description", condition=Q(image="") | ~Q(image_alt="")
            ),
            models.CheckConstraint(
                name="proposal_mayor_answer_iff_answered",
                condition=(Q(status="mayor_answered") & ~Q(mayor_answer="") & Q(mayor_answered_at__isnull=False))
                | (~Q(status="mayor_answered") & Q(mayor_answer="", mayor_answered_at__isnull=True)),
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def ledger_scope(self) -> str:
        return f"proposals.proposal:{self.pk}"


class Support(models.Model):
    """One citizen's support (공감). Who supported is kept here; the ledger holds only a salted
    commitment and the receipt's digest. A withdrawal keeps the row (it was counted in the ledger
    twice: the support and the withdrawal) and frees the citizen to support again."""

    proposal = models.ForeignKey(Proposal, verbose_name=_("proposal"), on_delete=models.PROTECT, related_name="supports")
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("citizen"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("supported at"), auto_now_add=True)
    salt = models.CharField(max_length=128, editable=False)
    receipt = models.CharField(_("receipt"), max_length=40, editable=False)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawal_salt = models.CharField(max_length=128, blank=True, default="", editable=False)
    withdrawal_receipt = models.CharField(_("withdrawal receipt"), max_length=40, blank=True, default="", editable=False)

    class Meta:
        verbose_name = _("support")
        verbose_name_plural = _("supports")
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "citizen"], condition=Q(withdrawn_at__isnull=True), name="support_one_active_per_citizen"
            ),
            models.CheckConstraint(
                name="support_withdrawal_complete_or_absent",
                condition=Q(withdrawn_at__isnull=True, withdrawal_salt="", withdrawal_receipt="")
                | (Q(withdrawn_at__isnull=False) & ~Q(withdrawal_salt="") & ~Q(withdrawal_receipt="")),
            ),
        ]

    def __str__(self):
        return f"{self.proposal_id}:{self.citizen_id}"


class Follow(models.Model):
    proposal = models.ForeignKey(Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="follows")
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("citizen"), on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(_("followed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [models.UniqueConstraint(fields=["proposal", "citizen"], name="follow_once_per_citizen")]

    def __str__(self):
        return f"{self.citizen_id} → {self.proposal_id}"


class Assignment(models.Model):
    """Which unit answers a proposal, and every reassignment with its reason (shown on the timeline)."""

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="assignments"
    )
    unit = models.ForeignKey("governance.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(_("assigned at"))
    # Null when the proposal reached review and went to its category's unit.
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason"), blank=True, default="")

    class Meta:
        ordering = ["assigned_at", "pk"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.CheckConstraint(
                name="assignment_reassignment_has_reason",
                condition=Q(assigned_by__isnull=True) | ~Q(reason=""),
            ),
        ]

    def __str__(self):
        return f"{self.proposal_id} → {self.unit_id}"


class StageChange(models.Model):
    """The public timeline: every change of a proposal's status, with when and why."""

    proposal = models.ForeignKey(Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="stages")
    from_status = models.CharField(_("from"), max_length=20, choices=Proposal.Status.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=Proposal.Status.choices)
    at = models.DateTimeField(_("at"))
    reason = models.TextField(_("reason"), blank=True, default="")
    # Null when the system moved it (a window closing).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")
        constraints = [
            models.CheckConstraint(name="stagechange_moves", condition=~Q(from_status=F("to_status"))),
        ]

    def __str__(self):
        return f"{self.proposal_id}: {self.from_status} → {self.to_status}"
