"""Who voted and what was voted, stored apart.

- Participation: that a citizen voted in a poll (unique), with the date only.
- Ballot: the choices, a demographic snapshot and the receipt's digest; no citizen, no time,
  a random id. Nothing links a ballot to its participation row: no key, no timestamp, no order.
- TallyCount / RankingCount: counters kept as ballots are cast, so that results cost the same
  at any number of ballots. Each counter is split into shards (a ballot adds to one shard picked
  at random) so that concurrent ballots on one poll do not queue on one row.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .polls import Poll


class AgeBand(models.TextChoices):
    UNDER_20 = "under_20", _("Under 20")
    TWENTIES = "20s", _("20s")
    THIRTIES = "30s", _("30s")
    FORTIES = "40s", _("40s")
    FIFTIES = "50s", _("50s")
    SIXTIES = "60s", _("60s")
    SEVENTY_PLUS = "70_plus", _("70 and over")


def age_band(age: int | None) -> str:
    """The band of an age; "" when the age is unknown."""
    if age is None:
        return ""
    if age < 20:
        return AgeBand.UNDER_20
    if age >= 70:
        return AgeBand.SEVENTY_PLUS
    return f"{age // 10 * 10}s"


class Participation(models.Model):
    """That a citizen voted in a poll: unique, so a second vote fails in the database."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    poll = models.ForeignKey(Poll, verbose_name=_("poll"), on_delete=models.PROTECT, related_name="participations")
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("citizen"), on_delete=models.PROTECT, related_name="+"
    )
    # The date only: a time would order participations and could be matched to ballots.
    voted_on = models.DateField(_("voted on"))
    # A keyed hash of (poll, verified phone): kept when the account is deleted, so that the same
    # phone cannot come back as a new account and vote again. Nobody can reverse it; without the
    # site's secret key nobody can even test a phone number against it.
    voter_key = models.CharField(max_length=64, null=True, blank=True, editable=False)
    # As for ballots: False until the mixer has rewritten the row (services/mixing.py).
    mixed = models.BooleanField(default=False, db_default=False, editable=False)

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [
            models.UniqueConstraint(fields=["poll", "citizen"], name="participation_one_per_citizen"),
            models.UniqueConstraint(fields=["poll", "voter_key"], name="participation_one_per_phone"),
        ]
        indexes = [
            models.Index(fields=["citizen", "voted_on"], name="participation_by_citizen"),
            models.Index(fields=["poll"], condition=Q(mixed=False), name="participation_unmixed"),
        ]

    def __str__(self):
        return f"{self.poll_id}:{self.citizen_id}"


class Ballot(models.Model):
    """What one voter chose. `choices` lists option positions; for ranked choice in rank order."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    poll = models.ForeignKey(Poll, verbose_name=_("poll"), on_delete=models.PROTECT, related_name="ballots")
    choices = models.JSONField(_("choices"))
    age_band = models.CharField(_("age band"), max_length=8, choices=AgeBand.choices, blank=True, default="")
    district_code = models.CharField(_("district"), max_length=5, blank=True, default="")
    gender = models.CharField(_("gender"), max_length=10, blank=True, default="")
    # For the ledger recount: commitment = ledger_commitment(salt, {"poll", "choices"}).
    salt = models.CharField(max_length=128, editable=False)
    receipt_digest = models.CharField(_("receipt digest"), max_length=64, unique=True, editable=False)
    # False until the mixer has rewritten the ballot (services/mixing.py): until then the row
    # still sits where, and carries the transaction, it was cast in.
    mixed = models.BooleanField(default=False, db_default=False, editable=False)

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        # By the random id: an order that says nothing about when a ballot was cast.
        ordering = ["id"]
        indexes = [
            models.Index(fields=["poll", "id"], name="ballot_by_poll"),
            # The mixer's work list: only the few ballots cast since its last run.
            models.Index(fields=["poll"], condition=Q(mixed=False), name="ballot_unmixed"),
        ]

    def __str__(self):
        return str(self.id)


class TallyCount(models.Model):
    """One shard of one counter of a poll.

    option_position 0 counts ballots; 1.. counts the ballots that picked the option (for ranked
    choice: that ranked it first). dimension "" is the total; "age", "district" and "gender"
    break it down by the ballot's snapshot, value "" standing for "not given".
    """

    class Dimension(models.TextChoices):
        TOTAL = "", _("Total")
        AGE = "age", _("Age band")
        DISTRICT = "district", _("District")
        GENDER = "gender", _("Gender")

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="+")
    option_position = models.PositiveSmallIntegerField()
    dimension = models.CharField(max_length=10, blank=True, default="")
    value = models.CharField(max_length=10, blank=True, default="")
    shard = models.PositiveSmallIntegerField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["poll", "option_position", "dimension", "value", "shard"], name="tally_count_unique_key"
            ),
            models.CheckConstraint(
                name="tally_count_dimension_valid", condition=Q(dimension__in=["", "age", "district", "gender"])
            ),
        ]

    def __str__(self):
        return f"{self.poll_id}:{self.option_position}:{self.dimension}={self.value}#{self.shard}"


class RankingCount(models.Model):
    """How many ranked ballots gave one ranking ("3>1>2"): enough for Borda counts and instant
    runoff at any number of ballots (the number of distinct rankings is bounded by the options)."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="+")
    ranking = models.CharField(max_length=40)
    shard = models.PositiveSmallIntegerField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["poll", "ranking", "shard"], name="ranking_count_unique_key"),
        ]

    def __str__(self):
        return f"{self.poll_id}:{self.ranking}#{self.shard}"
