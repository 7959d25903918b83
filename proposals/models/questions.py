"""Seoul asks (서울시가 묻습니다): the city puts a question to citizens, as a yes/no vote or an open
discussion, until a closing date, and then publishes its conclusion."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

OPINION_MAX_LENGTH = 2_000


class Question(models.Model):
    class Kind(models.TextChoices):
        YES_NO = "yes_no", _("Yes or no")
        DISCUSSION = "discussion", _("Open discussion")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed, conclusion pending")
        CONCLUDED = "concluded", _("Concluded")

    title = models.CharField(_("question"), max_length=150)
    body = models.TextField(_("background"), max_length=10_000)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    unit = models.ForeignKey(
        "governance.OrgUnit", verbose_name=_("asking unit"), on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    opens_at = models.DateTimeField(_("opens at"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes at"))
    # Kept by the answering services under the question's row lock.
    yes_count = models.PositiveIntegerField(_("yes"), default=0)
    no_count = models.PositiveIntegerField(_("no"), default=0)
    opinion_count = models.PositiveIntegerField(_("opinions"), default=0)
    conclusion = models.TextField(_("conclusion"), blank=True, default="")
    concluded_at = models.DateTimeField(_("concluded at"), null=True, blank=True)

    class Meta:
        ordering = ["-opens_at", "-pk"]
        verbose_name = _("Seoul asks question")
        verbose_name_plural = _("Seoul asks questions")
        indexes = [models.Index(fields=["status", "closes_at"], name="question_status_closing")]
        constraints = [
            models.CheckConstraint(
                name="question_opened_when_published", condition=Q(status="draft") | Q(opens_at__isnull=False)
            ),
            models.CheckConstraint(
                name="question_closes_after_opening", condition=Q(opens_at__isnull=True) | Q(closes_at__gt=F("opens_at"))
            ),
            models.CheckConstraint(
                name="question_conclusion_iff_concluded",
                condition=(Q(status="concluded") & ~Q(conclusion="") & Q(concluded_at__isnull=False))
                | (~Q(status="concluded") & Q(conclusion="", concluded_at__isnull=True)),
            ),
            models.CheckConstraint(
                name="question_votes_only_yes_no", condition=Q(kind="yes_no") | Q(yes_count=0, no_count=0)
            ),
            models.CheckConstraint(
                name="question_opinions_only_discussion", condition=Q(kind="discussion") | Q(opinion_count=0)
            ),
        ]

    def __str__(self):
        return self.title


class QuestionVote(models.Model):
    question = models.ForeignKey(Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="votes")
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("citizen"), on_delete=models.PROTECT, related_name="+"
    )
    choice = models.BooleanField(_("yes"))
    created_at = models.DateTimeField(_("voted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [models.UniqueConstraint(fields=["question", "citizen"], name="question_vote_once_per_citizen")]

    def __str__(self):
        return f"{self.question_id}:{self.citizen_id}"


class QuestionOpinion(models.Model):
    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="opinions"
    )
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("citizen"), on_delete=models.PROTECT, related_name="+"
    )
    body = models.TextField(_("opinion"), max_length=OPINION_MAX_LENGTH)
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("opinion")
        verbose_name_plural = _("opinions")
        constraints = [
            models.UniqueConstraint(fields=["question", "citizen"], name="question_opinion_once_per_citizen")
        ]

    def __str__(self):
        return f"{self.question_id}:{self.citizen_id}"
