from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .bilingual import Bilingual, bilingual_field


class TechnologyArea(models.TextChoices):
    IOT = "iot", _("Internet of Things")
    BLOCKCHAIN = "blockchain", _("Blockchain")
    AI = "ai", _("Artificial intelligence")
    BIG_DATA = "big_data", _("Big data")
    SPATIAL_DATA = "spatial_data", _("Spatial data")
    OTHER = "other", _("Other")


class ResearchProject(Bilingual, models.Model):
    """Urban policy and technology research done by the city's affiliated institutions: a public record."""

    Area = TechnologyArea

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    title_ko = models.CharField(_("title (Korean)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=250, blank=True, default="")
    summary_ko = models.TextField(_("summary (Korean)"), blank=True, default="")
    summary_en = models.TextField(_("summary (English)"), blank=True, default="")
    # Only units of kind "affiliate": checked by the service and the admin form (a check constraint
    # cannot look across the join).
    affiliates = models.ManyToManyField(
        "governance.OrgUnit", verbose_name=_("affiliated institutions"), related_name="research_projects",
        limit_choices_to={"kind": "affiliate"},
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True, help_text=_("Leave empty while it runs."))
    budget_krw = models.PositiveBigIntegerField(_("budget (KRW)"), null=True, blank=True)
    committee = models.ForeignKey(
        "governance.Committee", verbose_name=_("committee served"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="research_projects",
    )
    policy_ko = models.CharField(_("policy served (Korean)"), max_length=200, blank=True, default="")
    policy_en = models.CharField(_("policy served (English)"), max_length=250, blank=True, default="")

    class Meta:
        ordering = ["-starts_on", "slug"]
        verbose_name = _("research project")
        verbose_name_plural = _("research projects")
        constraints = [
            models.CheckConstraint(
                name="researchproject_ends_after_start",
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
            ),
        ]

    def __str__(self):
        return self.title

    title = bilingual_field("title")
    summary = bilingual_field("summary")
    policy = bilingual_field("policy")


class ResearchArea(models.Model):
    """One technology area of a project (a project may have several); a row so that lists filter by index."""

    project = models.ForeignKey(ResearchProject, verbose_name=_("research project"), on_delete=models.CASCADE,
                                related_name="areas")
    area = models.CharField(_("technology area"), max_length=20, choices=TechnologyArea.choices)

    class Meta:
        ordering = ["project", "area"]
        verbose_name = _("technology area")
        verbose_name_plural = _("technology areas")
        constraints = [
            models.UniqueConstraint(fields=["project", "area"], name="researcharea_once_per_project"),
            models.CheckConstraint(name="researcharea_known", condition=Q(area__in=TechnologyArea.values)),
        ]
        indexes = [models.Index(fields=["area", "project"], name="researcharea_by_area")]

    def __str__(self):
        return self.get_area_display()


class OutputKind(models.TextChoices):
    REPORT = "report", _("Report")
    DATASET = "dataset", _("Dataset")
    SOFTWARE = "software", _("Software")


class ResearchOutput(Bilingual, models.Model):
    Kind = OutputKind

    project = models.ForeignKey(ResearchProject, verbose_name=_("research project"), on_delete=models.CASCADE,
                                related_name="outputs")
    kind = models.CharField(_("kind"), max_length=10, choices=OutputKind.choices)
    title_ko = models.CharField(_("title (Korean)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=250, blank=True, default="")
    url = models.URLField(_("link"), max_length=500)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["project", "order", "pk"]
        verbose_name = _("research output")
        verbose_name_plural = _("research outputs")
        constraints = [models.CheckConstraint(name="researchoutput_kind_known", condition=Q(kind__in=OutputKind.values))]

    def __str__(self):
        return self.title

    title = bilingual_field("title")
