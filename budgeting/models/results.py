"""The counted outcome of a cycle, per pot: what the selection rule funded and why.

Written once by the tally service when the vote has closed (and again if an official recounts
before publication), read by the results page: the page costs the same at 400 or 40,000 voters.
Fractions (MES's per-voter budget, effective support, the statistics) are stored exactly as
"numerator/denominator" strings.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .cycles import Cycle, Pot
from .projects import Project


class PotResult(models.Model):
    cycle = models.ForeignKey(Cycle, verbose_name=_("cycle"), on_delete=models.CASCADE, related_name="results")
    pot = models.ForeignKey(Pot, verbose_name=_("pot"), on_delete=models.CASCADE, related_name="results")
    rule = models.CharField(_("rule"), max_length=20, choices=Cycle.Rule.choices)
    voters = models.PositiveIntegerField(_("voters"))
    total_cost = models.PositiveBigIntegerField(_("budget used (KRW)"))
    budget_per_voter = models.CharField(_("budget per voter (MES)"), max_length=200, blank=True, default="")
    # The rules compared on the same ballots: {rule: {"funded": [...], "total_cost", "share_without_funded",
    # "average_funded_approvals"}}.
    comparison = models.JSONField(_("rule comparison"), default=dict, blank=True)
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)

    class Meta:
        ordering = ["cycle", "pot"]
        verbose_name = _("pot result")
        verbose_name_plural = _("pot results")
        constraints = [models.UniqueConstraint(fields=["pot"], name="pot_result_once")]

    def __str__(self):
        return f"{self.pot_id}:{self.rule}"


class ProjectResult(models.Model):
    pot_result = models.ForeignKey(PotResult, verbose_name=_("pot result"), on_delete=models.CASCADE,
                                   related_name="projects")
    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveSmallIntegerField(_("rank"))
    votes = models.PositiveIntegerField(_("votes"))
    cost = models.PositiveBigIntegerField(_("cost (KRW)"))
    # The rule's score: the weighted final score (0–100), or the votes for the other rules.
    final_score = models.DecimalField(_("final score"), max_digits=9, decimal_places=4, null=True, blank=True)
    funded = models.BooleanField(_("funded"))
    added_by_completion = models.BooleanField(_("added by the completion"), default=False)
    effective_support = models.CharField(_("effective support (MES)"), max_length=200, blank=True, default="")
    # The general assembly's confirmation: the cost it approved (None = as counted) and why it differs.
    confirmed = models.BooleanField(_("confirmed by the general assembly"), null=True, blank=True)
    confirmed_cost = models.PositiveBigIntegerField(_("confirmed cost (KRW)"), null=True, blank=True)
    adjustment_reason = models.TextField(_("reason for the adjustment"), blank=True, default="")

    class Meta:
        ordering = ["pot_result", "rank"]
        verbose_name = _("project result")
        verbose_name_plural = _("project results")
        constraints = [
            models.UniqueConstraint(fields=["pot_result", "project"], name="project_result_once"),
            models.UniqueConstraint(fields=["pot_result", "rank"], name="project_result_rank_once"),
            models.CheckConstraint(
                name="project_result_adjustment_has_reason",
                condition=(Q(confirmed_cost__isnull=True) & ~Q(confirmed=False)) | ~Q(adjustment_reason=""),
            ),
        ]

    def __str__(self):
        return f"{self.pot_result_id}:{self.project_id}"
