"""The officials' table of changes to the public holidays that deadlines skip: a temporary holiday
announced by decree (added), or a public holiday that offices work (cancelled)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class HolidayChange(models.Model):
    class Kind(models.TextChoices):
        ADDED = "added", _("A holiday added (e.g. a temporary holiday by decree)")
        CANCELLED = "cancelled", _("A public holiday worked")

    day = models.DateField(_("day"), unique=True)
    kind = models.CharField(_("change"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100)
    basis = models.CharField(_("legal basis"), max_length=200, blank=True, default="",
                             help_text=_("The decree or notice that made the change."))

    class Meta:
        ordering = ["-day"]
        verbose_name = _("holiday change")
        verbose_name_plural = _("holiday changes")
        constraints = [
            models.CheckConstraint(name="holiday_change_kind_valid", condition=models.Q(kind__in=["added", "cancelled"])),
        ]

    def __str__(self):
        return f"{self.day} {self.name}"
