"""A citizen's project from draft to implementation.

draft → submitted → feasible | not_feasible (by the responsible department), and submitted →
withdrawn (by the proposer, before the feasibility check). A feasible project goes to the
committee (an agenda item of its sector's subcommittee, whose mean score comes back) and on the
ballot. What the vote, the general assembly and the council decide is kept on its result
(results.py); its implementation as milestones.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from governance.models.bilingual import Bilingual, bilingual_field

from .cycles import Cycle, Pot, Sector


class Project(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        FEASIBLE = "feasible", _("Feasible")
        NOT_FEASIBLE = "not_feasible", _("Not feasible")

    cycle = models.ForeignKey(Cycle, verbose_name=_("cycle"), on_delete=models.PROTECT, related_name="projects")
    pot = models.ForeignKey(Pot, verbose_name=_("pot"), on_delete=models.PROTECT, related_name="projects")
    sector = models.ForeignKey(
        Sector, verbose_name=_("sector"), null=True, blank=True, on_delete=models.PROTECT, related_name="projects"
    )
    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("proposer"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    title = models.CharField(_("title"), max_length=120)
    summary = models.CharField(_("summary"), max_length=300, blank=True, default="")
    description = models.TextField(_("description"), blank=True, default="")
    location = models.CharField(_("location"), max_length=200, blank=True, default="")
    district = models.ForeignKey(
        "citizens.District", verbose_name=_("district"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    estimated_cost = models.PositiveBigIntegerField(_("estimated cost (KRW)"))
    beneficiaries = models.CharField(_("expected beneficiaries"), max_length=200, blank=True, default="")
    image = models.ImageField(_("image"), upload_to="budgeting/%Y/%m/", blank=True, default="")
    image_alt = models.CharField(_("image description"), max_length=200, blank=True, default="")
    status = models.CharField(_("status"), max_length=14, choices=Status.choices, default=Status.DRAFT)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    # A Democratic Seoul debate this project grew out of, as "<kind>:<id>" (proposals never imported).
    source_ref = models.CharField(_("linked debate"), max_length=60, blank=True, default="")
    # Feasibility, recorded by the responsible department.
    department = models.ForeignKey(
        "governance.OrgUnit", verbose_name=_("responsible department"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    legal_review = models.TextField(_("legal feasibility"), blank=True, default="")
    technical_review = models.TextField(_("technical feasibility"), blank=True, default="")
    adjusted_cost = models.PositiveBigIntegerField(_("adjusted cost (KRW)"), null=True, blank=True)
    cost_reason = models.TextField(_("reason for the adjusted cost"), blank=True, default="")
    infeasible_reason = models.TextField(_("reason it is not feasible"), blank=True, default="")
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("checked by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    # The committee's deliberation: its agenda item, the mean of the members' scores and their spread.
    agenda_item_id = models.PositiveIntegerField(_("agenda item"), null=True, blank=True)
    committee_score = models.DecimalField(_("committee score"), max_digits=5, decimal_places=2, null=True, blank=True)
    committee_spread = models.DecimalField(_("spread of members' scores"), max_digits=5, decimal_places=2,
                                           null=True, blank=True)
    committee_reviews = models.PositiveSmallIntegerField(_("members who scored"), null=True, blank=True)
    # Scores (0–100) from the budget school's and the proposers' own votes, entered by officials.
    school_score = models.DecimalField(_("budget school score"), max_digits=5, decimal_places=2, null=True, blank=True)
    proposers_score = models.DecimalField(_("proposers' score"), max_digits=5, decimal_places=2, null=True, blank=True)
    # Ballots that picked the project, kept as ballots are cast.
    votes = models.PositiveIntegerField(_("votes"), default=0, editable=False)
    # The pabulib project_id of an imported project.
    external_id = models.CharField(_("source id"), max_length=60, blank=True, default="", editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["cycle", "pot", "pk"]
        verbose_name = _("budget project")
        verbose_name_plural = _("budget projects")
        constraints = [
            models.CheckConstraint(name="project_cost_positive", condition=Q(estimated_cost__gt=0)),
            models.CheckConstraint(name="project_adjusted_cost_positive",
                                   condition=Q(adjusted_cost__isnull=True) | Q(adjusted_cost__gt=0)),
            models.CheckConstraint(
                name="project_status_valid",
                condition=Q(status__in=["draft", "submitted", "withdrawn", "feasible", "not_feasible"]),
            ),
            models.CheckConstraint(
                name="project_submitted_dated",
                condition=Q(status="draft") | Q(submitted_at__isnull=False),
            ),
            models.CheckConstraint(
                name="project_withdrawn_dated",
                condition=~Q(status="withdrawn") | Q(withdrawn_at__isnull=False),
            ),
            models.CheckConstraint(
                name="project_checked_dated",
                condition=~Q(status__in=["feasible", "not_feasible"]) | Q(checked_at__isnull=False),
            ),
            models.CheckConstraint(
                name="project_infeasible_has_reason",
                condition=~Q(status="not_feasible") | ~Q(infeasible_reason=""),
            ),
            models.CheckConstraint(
                name="project_adjusted_cost_has_reason",
                condition=Q(adjusted_cost__isnull=True) | ~Q(cost_reason=""),
            ),
            models.CheckConstraint(
                name="project_scores_in_range",
                condition=(Q(committee_score__isnull=True) | Q(committee_score__gte=0, committee_score__lte=100))
                & (Q(school_score__isnull=True) | Q(school_score__gte=0, school_score__lte=100))
                & (Q(proposers_score__isnull=True) | Q(proposers_score__gte=0, proposers_score__lte=100)),
            ),
            models.CheckConstraint(name="project_image_has_description", condition=Q(image="") | ~Q(image_alt="")),
            models.UniqueConstraint(fields=["cycle", "external_id"], condition=~Q(external_id=""),
                                    name="project_external_id_once"),
        ]
        indexes = [models.Index(fields=["cycle", "status"], name="project_by_cycle_status")]

    def __str__(self):
        return self.title

    @property
    def cost(self) -> int:
        """What the project costs on the ballot: the department's adjusted cost, else the estimate."""
        return self.adjusted_cost if self.adjusted_cost is not None else self.estimated_cost

    @property
    def on_ballot(self) -> bool:
        return self.status == self.Status.FEASIBLE

    @property
    def subject_id(self) -> str:
        return str(self.pk)


class Milestone(Bilingual, models.Model):
    """A step of a funded project's implementation, public and followed by committee members."""

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE,
                                related_name="milestones")
    title_ko = models.CharField(_("title (Korean)"), max_length=150)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True, default="")
    due_on = models.DateField(_("due on"))
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    note_ko = models.TextField(_("note (Korean)"), blank=True, default="")
    note_en = models.TextField(_("note (English)"), blank=True, default="")
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    title = bilingual_field("title")
    note = bilingual_field("note")

    class Meta:
        ordering = ["project", "due_on", "pk"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        constraints = [
            models.CheckConstraint(name="milestone_progress_percent", condition=Q(progress__lte=100)),
            models.CheckConstraint(
                name="milestone_completed_at_100",
                condition=Q(completed_on__isnull=True) | Q(progress=100),
            ),
        ]

    def __str__(self):
        return self.title_ko


class ImplementationNote(models.Model):
    """What a committee member (or the cycle's official) observed while following a funded
    project's implementation: public, with whether it raises a concern the city must answer."""

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE,
                                related_name="implementation_notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("author"), null=True,
                               on_delete=models.SET_NULL, related_name="+")
    # The name the note is published under (the member's public name), kept if the account goes.
    author_name = models.CharField(_("published as"), max_length=60)
    body = models.TextField(_("note"), max_length=2000)
    raises_concern = models.BooleanField(_("raises a concern"), default=False)
    answer = models.TextField(_("the city's answer"), blank=True, default="", max_length=2000)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    created_at = models.DateTimeField(_("written at"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["project", "-created_at", "-pk"]
        verbose_name = _("implementation note")
        verbose_name_plural = _("implementation notes")
        constraints = [
            models.CheckConstraint(name="implementation_note_not_empty", condition=~Q(body="")),
            models.CheckConstraint(
                name="implementation_note_answer_dated",
                condition=Q(answer="", answered_at__isnull=True) | (~Q(answer="") & Q(answered_at__isnull=False)),
            ),
        ]

    def __str__(self):
        return f"{self.project_id}:{self.pk}"
