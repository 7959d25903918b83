from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .bilingual import Bilingual, bilingual_field


class OrgUnit(Bilingual, models.Model):
    """A unit of the Seoul Metropolitan Government (bureau → division → team) or an affiliate."""

    class Kind(models.TextChoices):
        BUREAU = "bureau", _("Bureau")
        DIVISION = "division", _("Division")
        TEAM = "team", _("Team")
        AFFILIATE = "affiliate", _("Affiliated institution")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    name_ko = models.CharField(_("Korean name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=150)
    mandate_ko = models.TextField(_("mandate (Korean)"), blank=True, default="")
    mandate_en = models.TextField(_("mandate (English)"), blank=True, default="")
    phone = models.CharField(_("public phone"), max_length=30, blank=True, default="")
    email = models.EmailField(_("public email"), blank=True, default="")
    website = models.URLField(_("website"), blank=True, default="")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("organisational unit")
        verbose_name_plural = _("organisational units")
        constraints = [
            # Divisions and teams sit under a unit; bureaus and affiliates may stand alone.
            models.CheckConstraint(
                name="orgunit_parent_for_divisions_and_teams",
                condition=Q(kind__in=["bureau", "affiliate"]) | Q(parent__isnull=False),
            ),
            models.CheckConstraint(name="orgunit_not_own_parent", condition=~Q(parent=models.F("id"))),
        ]

    def __str__(self):
        return self.name

    name = bilingual_field("name")
    mandate = bilingual_field("mandate")


class OrgAssignment(Bilingual, models.Model):
    """An official's place in a unit. An official's current units decide what they see in the admin."""

    class Role(models.TextChoices):
        HEAD = "head", _("Head")
        # A committee's "Member" is 위원; a unit's is a member of staff (구성원): the context tells them apart.
        MEMBER = "member", pgettext_lazy("member of an organisational unit", "Member")

    unit = models.ForeignKey(OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="assignments")
    official = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("official"), on_delete=models.PROTECT, related_name="org_assignments"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    title_ko = models.CharField(_("position (Korean)"), max_length=60, blank=True, default="")
    title_en = models.CharField(_("position (English)"), max_length=80, blank=True, default="")
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["unit"], condition=Q(role="head", ended_on__isnull=True), name="orgassignment_one_current_head"
            ),
            models.UniqueConstraint(
                fields=["unit", "official"], condition=Q(ended_on__isnull=True),
                name="orgassignment_one_current_per_unit",
            ),
            models.CheckConstraint(
                name="orgassignment_ends_after_start",
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
            ),
        ]

    def __str__(self):
        return f"{self.unit} — {self.get_role_display()}"

    @property
    def title(self):
        """The position's public title ("스마트도시정책관"); never the official's own name or contact."""
        return self.localized("title")
