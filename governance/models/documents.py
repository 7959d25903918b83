from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .bilingual import Bilingual, bilingual_field

MASTER_PLAN_YEARS = 5


class DocumentKind(models.TextChoices):
    ORDINANCE = "ordinance", _("Ordinance")
    MASTER_PLAN = "master_plan", _("Master plan")
    POLICY_EVALUATION = "policy_evaluation", _("Policy evaluation")


class Document(Bilingual, models.Model):
    """An ordinance, a master plan or a policy evaluation, published in numbered versions.

    The text lives in the versions; a version, once published, is never edited (a correction is
    a new version with its changelog), so that every diff a citizen saw stays reproducible.
    """

    Kind = DocumentKind

    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    title_ko = models.CharField(_("title (Korean)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=250, blank=True, default="")
    summary_ko = models.TextField(_("summary (Korean)"), blank=True, default="")
    summary_en = models.TextField(_("summary (English)"), blank=True, default="")
    owner_unit = models.ForeignKey(
        "governance.OrgUnit", verbose_name=_("unit in charge"), on_delete=models.PROTECT, related_name="documents"
    )
    # Master plans are drawn up every five years and cover those five years.
    period_start_year = models.PositiveSmallIntegerField(_("plan period from (year)"), null=True, blank=True)
    period_end_year = models.PositiveSmallIntegerField(_("plan period to (year)"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["kind", "slug"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        constraints = [
            models.CheckConstraint(name="document_kind_known", condition=Q(kind__in=DocumentKind.values)),
            models.CheckConstraint(
                name="document_period_complete",
                condition=Q(period_start_year__isnull=True, period_end_year__isnull=True)
                | Q(period_start_year__isnull=False, period_end_year__gte=models.F("period_start_year")),
            ),
            models.CheckConstraint(
                name="document_master_plan_five_years",
                condition=~Q(kind="master_plan")
                | Q(period_start_year__isnull=False,
                    period_end_year=models.F("period_start_year") + (MASTER_PLAN_YEARS - 1)),
            ),
        ]

    def __str__(self):
        return self.title

    title = bilingual_field("title")
    summary = bilingual_field("summary")


class DocumentVersion(Bilingual, models.Model):
    """One published text of a document. Numbers run 1, 2, 3… per document (documents.py services)."""

    document = models.ForeignKey(Document, verbose_name=_("document"), on_delete=models.PROTECT,
                                 related_name="versions")
    number = models.PositiveIntegerField(_("version number"))
    body_ko = models.TextField(_("text (Korean)"))
    body_en = models.TextField(_("text (English)"), blank=True, default="")
    changelog_ko = models.TextField(_("changes (Korean)"))
    changelog_en = models.TextField(_("changes (English)"), blank=True, default="")
    effective_on = models.DateField(_("in force from"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("published by"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["document", "-number"]
        verbose_name = _("document version")
        verbose_name_plural = _("document versions")
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="documentversion_number_once"),
            models.CheckConstraint(name="documentversion_number_positive", condition=Q(number__gte=1)),
        ]

    def __str__(self):
        return f"{self.document} v{self.number}"

    body = bilingual_field("body")
    changelog = bilingual_field("changelog")
