"""Who voted and what was voted in a cycle, stored apart (as M-Voting does).

- BudgetParticipation: that a citizen voted in a cycle, online or on paper: unique per cycle, so
  nobody votes twice, nor once on each channel.
- BudgetBallot: the projects picked, a demographic snapshot (for the pabulib export's columns) and
  the receipt's digest; no citizen, no time, a random id.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .cycles import Cycle


class BudgetParticipation(models.Model):
    class Channel(models.TextChoices):
        ONLINE = "online", _("Online")
        PAPER = "paper", _("Paper or on-site, entered by an official")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    cycle = models.ForeignKey(Cycle, verbose_name=_("cycle"), on_delete=models.PROTECT, related_name="participations")
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("citizen"), on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(_("channel"), max_length=6, choices=Channel.choices, default=Channel.ONLINE)
    # Who typed in a paper ballot (the citizen's identity was checked on site).
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("entered by"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    # The date only: a time would order participations and could be matched to ballots.
    voted_on = models.DateField(_("voted on"))
    # A keyed hash of (cycle, verified phone): the same phone cannot vote again as a new account.
    voter_key = models.CharField(max_length=64, null=True, blank=True, editable=False)
    # False until the mixer has rewritten the row (services/mixing.py), as for ballots.
    mixed = models.BooleanField(default=False, db_default=False, editable=False)

    class Meta:
        verbose_name = _("budget vote participation")
        verbose_name_plural = _("budget vote participations")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "citizen"], name="budget_participation_one_per_citizen"),
            models.UniqueConstraint(fields=["cycle", "voter_key"], name="budget_participation_one_per_phone"),
            models.CheckConstraint(
                name="budget_participation_paper_entered_by",
                condition=models.Q(channel="online", entered_by__isnull=True)
                | models.Q(channel="paper", entered_by__isnull=False),
            ),
        ]
        indexes = [
            models.Index(fields=["cycle"], condition=models.Q(mixed=False), name="budget_participation_unmixed"),
            models.Index(fields=["-cycle", "-voted_on", "-id"], name="budget_participation_cycle_day"),
        ]

    def __str__(self):
        return f"{self.cycle_id}:{self.citizen_id}"


class BudgetBallot(models.Model):
    """One voter's picks in a cycle: `projects` lists project ids (all pots), ascending."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    cycle = models.ForeignKey(Cycle, verbose_name=_("cycle"), on_delete=models.PROTECT, related_name="ballots")
    projects = models.JSONField(_("projects"))
    age = models.PositiveSmallIntegerField(_("age"), null=True, blank=True)
    district_code = models.CharField(_("district"), max_length=5, blank=True, default="")
    gender = models.CharField(_("gender"), max_length=10, blank=True, default="")
    # For the ledger recount: commitment = ledger_commitment(salt, {"cycle", "projects"}).
    salt = models.CharField(max_length=128, editable=False)
    receipt_digest = models.CharField(_("receipt digest"), max_length=64, unique=True, editable=False)
    # The voter id of an imported pabulib ballot.
    external_id = models.CharField(_("source id"), max_length=60, blank=True, default="", editable=False)
    # False until the mixer has rewritten the ballot (services/mixing.py): until then the row still
    # sits where, and carries the transaction, it was cast in.
    mixed = models.BooleanField(default=False, db_default=False, editable=False)

    class Meta:
        verbose_name = _("budget ballot")
        verbose_name_plural = _("budget ballots")
        ordering = ["id"]
        indexes = [
            models.Index(fields=["cycle", "id"], name="budget_ballot_by_cycle"),
            # The mixer's work list: only the few ballots cast since its last run.
            models.Index(fields=["cycle"], condition=models.Q(mixed=False), name="budget_ballot_unmixed"),
        ]

    def __str__(self):
        return str(self.id)
