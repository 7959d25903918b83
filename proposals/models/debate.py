"""The public debate (시민토론): each participant takes one stance, with an optional argument that
others may rate helpful. The number of stances is the debate's participant count."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .proposals import Proposal

ARGUMENT_MAX_LENGTH = 3_000


class DebateStance(models.Model):
    class Stance(models.TextChoices):
        FOR = "for", _("For")
        AGAINST = "against", _("Against")
        UNDECIDED = "undecided", _("Undecided")

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="debate_stances"
    )
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("citizen"), on_delete=models.PROTECT, related_name="+"
    )
    stance = models.CharField(_("stance"), max_length=10, choices=Stance.choices)
    argument = models.TextField(_("argument"), max_length=ARGUMENT_MAX_LENGTH, blank=True, default="")
    created_at = models.DateTimeField(_("taken at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)
    # Kept by the rating services under the stance's row lock.
    helpful_count = models.PositiveIntegerField(_("rated helpful"), default=0)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("debate stance")
        verbose_name_plural = _("debate stances")
        indexes = [models.Index(fields=["proposal", "stance", "-helpful_count"], name="stance_strongest")]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "citizen"], name="stance_once_per_citizen"),
            models.CheckConstraint(name="stance_helpful_not_negative", condition=Q(helpful_count__gte=0)),
        ]

    def __str__(self):
        return f"{self.proposal_id}:{self.citizen_id}:{self.stance}"


class ArgumentRating(models.Model):
    stance = models.ForeignKey(
        DebateStance, verbose_name=_("argument"), on_delete=models.CASCADE, related_name="ratings"
    )
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("citizen"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("rated at"), auto_now_add=True)

    class Meta:
        verbose_name = _("helpful rating")
        verbose_name_plural = _("helpful ratings")
        constraints = [models.UniqueConstraint(fields=["stance", "citizen"], name="rating_once_per_citizen")]

    def __str__(self):
        return f"{self.stance_id}:{self.citizen_id}"
