"""The committee members' workspace: each member's review of an agenda item, and the conflicts of
interest that exclude a member from one."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Review(models.Model):
    """One member's review of one agenda item. Written and edited only while the item is open and
    its review deadline has not passed (governance.services.reviews.review_submit)."""

    class Recommendation(models.TextChoices):
        APPROVE = "approve", _("Approve")
        REVISE = "revise", _("Revise")
        REJECT = "reject", _("Reject")
        ABSTAIN = "abstain", _("Abstain")

    item = models.ForeignKey("governance.AgendaItem", verbose_name=_("agenda item"), on_delete=models.PROTECT,
                             related_name="reviews")
    membership = models.ForeignKey("governance.Membership", verbose_name=_("member"), on_delete=models.PROTECT,
                                   related_name="reviews")
    recommendation = models.CharField(_("recommendation"), max_length=8, choices=Recommendation.choices)
    # Checked against the item's score_min..score_max by the service; the range lives on the item.
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    opinion = models.TextField(_("opinion"))
    submitted_at = models.DateTimeField(_("submitted at"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        ordering = ["item_id", "submitted_at", "pk"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [
            models.UniqueConstraint(fields=["item", "membership"], name="review_once_per_member"),
            # An abstention carries no score: it must not pull the committee's average.
            models.CheckConstraint(
                name="review_abstention_has_no_score",
                condition=~models.Q(recommendation="abstain") | models.Q(score__isnull=True),
            ),
        ]

    def __str__(self):
        return f"{self.membership.public_name} — {self.item}"


class ConflictDeclaration(models.Model):
    """A member's declared conflict of interest: they may not review the item and are not counted."""

    item = models.ForeignKey("governance.AgendaItem", verbose_name=_("agenda item"), on_delete=models.PROTECT,
                             related_name="conflicts")
    membership = models.ForeignKey("governance.Membership", verbose_name=_("member"), on_delete=models.PROTECT,
                                   related_name="conflicts")
    reason = models.TextField(_("reason"))
    declared_at = models.DateTimeField(_("declared at"))

    class Meta:
        ordering = ["item_id", "declared_at", "pk"]
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        constraints = [models.UniqueConstraint(fields=["item", "membership"], name="conflict_once_per_member")]

    def __str__(self):
        return f"{self.membership.public_name} — {self.item}"
