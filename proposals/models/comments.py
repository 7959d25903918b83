"""Comments on a proposal: threaded one level deep, editable for a while, reportable, moderated.

A comment is visible until three citizens report it; it is then hidden pending moderation. An
official either restores it or removes it with a reason, which the page shows in its place.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .proposals import Proposal

COMMENT_MAX_LENGTH = 2_000


class Comment(models.Model):
    class Status(models.TextChoices):
        VISIBLE = "visible", _("Visible")
        HIDDEN_PENDING = "hidden_pending", _("Hidden pending moderation")
        REMOVED = "removed", _("Removed by a moderator")

    proposal = models.ForeignKey(Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+"
    )
    # One level of threading: a reply answers a top-level comment, never another reply (services).
    parent = models.ForeignKey(
        "self", verbose_name=_("in reply to"), null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    body = models.TextField(_("comment"), max_length=COMMENT_MAX_LENGTH)
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.VISIBLE)
    # Open reports only: set back to 0 when a moderator restores the comment.
    report_count = models.PositiveIntegerField(_("reports"), default=0)
    moderation_reason = models.TextField(_("moderation reason"), blank=True, default="")
    moderated_at = models.DateTimeField(_("moderated at"), null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("moderated by"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        indexes = [
            models.Index(fields=["proposal", "parent", "created_at"], name="comment_thread_order"),
            models.Index(fields=["status", "report_count"], name="comment_moderation_queue"),
        ]
        constraints = [
            models.CheckConstraint(name="comment_not_own_parent", condition=~Q(parent=F("pk"))),
            models.CheckConstraint(
                name="comment_removed_has_reason",
                condition=~Q(status="removed") | (~Q(moderation_reason="") & Q(moderated_at__isnull=False)),
            ),
        ]

    def __str__(self):
        return f"{self.proposal_id}#{self.pk}"


class CommentReport(models.Model):
    class Reason(models.TextChoices):
        ABUSE = "abuse", _("Abuse or hate")
        SPAM = "spam", _("Advertising or spam")
        PERSONAL_DATA = "personal_data", _("Someone's personal data")
        OFF_TOPIC = "off_topic", _("Off topic")
        OTHER = "other", _("Other")

    comment = models.ForeignKey(Comment, verbose_name=_("comment"), on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reported by"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    created_at = models.DateTimeField(_("reported at"), auto_now_add=True)

    class Meta:
        verbose_name = _("comment report")
        verbose_name_plural = _("comment reports")
        constraints = [models.UniqueConstraint(fields=["comment", "reporter"], name="comment_report_once_per_citizen")]

    def __str__(self):
        return f"{self.comment_id}: {self.reason}"
