"""What a complaint is about: a category (with sub-categories) of a legal type, the unit it goes
to by default, its Open311 service code, a notice shown before filing and extra questions.

The type decides the deadline (complaints/deadlines.py, the Civil Petitions Treatment Act):
inquiry 7 days, legal interpretation 14, suggestion 14, grievance 7, on-site 24 (working) hours.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from governance.models.bilingual import Bilingual, bilingual_field

from ..deadlines import Period


class ComplaintType(models.TextChoices):
    INQUIRY = "inquiry", _("Inquiry")
    LEGAL_INTERPRETATION = "legal", _("Inquiry on legal interpretation")
    SUGGESTION = "suggestion", _("Suggestion")
    GRIEVANCE = "grievance", _("Grievance")
    ON_SITE = "on_site", _("On-site complaint")


# The legal time limit of each type (art. 14 of the Act's enforcement decree and Seoul's rules).
TYPE_PERIODS = {
    ComplaintType.INQUIRY: Period(days=7),
    ComplaintType.LEGAL_INTERPRETATION: Period(days=14),
    ComplaintType.SUGGESTION: Period(days=14),
    ComplaintType.GRIEVANCE: Period(days=7),
    ComplaintType.ON_SITE: Period(hours=24),
}


class Category(Bilingual, models.Model):
    """A kind of complaint citizens pick (and Open311 apps name by its service code)."""

    parent = models.ForeignKey(
        "self", verbose_name=_("parent category"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="children",
    )  # fmt: skip
    service_code = models.SlugField(
        _("Open311 service code"), max_length=40, unique=True,
        help_text=_("The code Open311 apps use for this category (letters, digits, - and _)."),
    )  # fmt: skip
    name_ko = models.CharField(_("Korean name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=150)
    description_ko = models.TextField(_("description (Korean)"), blank=True, default="")
    description_en = models.TextField(_("description (English)"), blank=True, default="")
    notice_ko = models.TextField(
        _("notice (Korean)"), blank=True, default="", help_text=_("Shown to the citizen before they file.")
    )
    notice_en = models.TextField(_("notice (English)"), blank=True, default="")
    keywords = models.CharField(
        _("keywords"), max_length=200, blank=True, default="", help_text=_("Comma-separated, for search.")
    )
    complaint_type = models.CharField(_("type"), max_length=12, choices=ComplaintType.choices)
    default_unit = models.ForeignKey(
        "governance.OrgUnit", verbose_name=_("default unit"), on_delete=models.PROTECT, related_name="+"
    )
    needs_location = models.BooleanField(
        _("location required"), default=False, help_text=_("A place-bound complaint (a pothole, a streetlight).")
    )
    is_active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    name = bilingual_field("name")
    description = bilingual_field("description")
    notice = bilingual_field("notice")

    class Meta:
        ordering = ["order", "service_code"]
        verbose_name = _("complaint category")
        verbose_name_plural = _("complaint categories")
        constraints = [
            models.CheckConstraint(
                name="category_type_valid", condition=Q(complaint_type__in=[choice.value for choice in ComplaintType])
            ),
            models.CheckConstraint(name="category_not_own_parent", condition=~Q(parent=models.F("pk"))),
        ]

    def __str__(self):
        return self.name

    @property
    def period(self) -> Period:
        return TYPE_PERIODS[ComplaintType(self.complaint_type)]


class CategoryQuestion(Bilingual, models.Model):
    """An extra question of a category (an Open311 service definition's attribute)."""

    class Kind(models.TextChoices):
        TEXT = "text", _("Short text")
        NUMBER = "number", _("Number")
        CHOICE = "choice", _("One choice")
        MULTICHOICE = "multichoice", _("Several choices")

    category = models.ForeignKey(Category, verbose_name=_("category"), on_delete=models.CASCADE,
                                 related_name="questions")  # fmt: skip
    code = models.SlugField(_("code"), max_length=40)
    prompt_ko = models.CharField(_("question (Korean)"), max_length=200)
    prompt_en = models.CharField(_("question (English)"), max_length=300)
    kind = models.CharField(_("kind of answer"), max_length=12, choices=Kind.choices, default=Kind.TEXT)
    required = models.BooleanField(_("required"), default=False)
    # For choices: [{"key": "...", "name_ko": "...", "name_en": "..."}, ...]
    choices = models.JSONField(_("choices"), default=list, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    prompt = bilingual_field("prompt")

    class Meta:
        ordering = ["category", "order", "pk"]
        verbose_name = _("extra question")
        verbose_name_plural = _("extra questions")
        constraints = [
            models.UniqueConstraint(fields=["category", "code"], name="category_question_code_unique"),
            models.CheckConstraint(
                name="category_question_kind_valid", condition=Q(kind__in=["text", "number", "choice", "multichoice"])
            ),
        ]

    def __str__(self):
        return self.prompt

    @property
    def choice_keys(self) -> list[str]:
        return [str(choice.get("key")) for choice in self.choices or []]

    def choice_name(self, key) -> str:
        for choice in self.choices or []:
            if str(choice.get("key")) == str(key):
                return self.localized_choice(choice)
        return str(key)

    def localized_choice(self, choice) -> str:
        from django.utils.translation import get_language

        if (get_language() or "ko").startswith("en"):
            return choice.get("name_en") or choice.get("name_ko") or str(choice.get("key"))
        return choice.get("name_ko") or str(choice.get("key"))
