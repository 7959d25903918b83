"""The routing classifier as trained by `manage.py complaints_train_router`: its parameters, the
accuracy it reached on complaints held out of training and the majority-class baseline it is
compared with. The newest model that beat its baseline suggests units; none before training."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RouterModel(models.Model):
    trained_at = models.DateTimeField(_("trained at"), default=timezone.now)
    samples = models.PositiveIntegerField(_("complaints trained on"))
    held_out = models.PositiveIntegerField(_("complaints held out"))
    accuracy = models.FloatField(_("held-out accuracy"))
    baseline_accuracy = models.FloatField(_("majority-class accuracy"))
    threshold = models.FloatField(_("confidence threshold"))
    # The classifier itself (complaints/routing.py: a multinomial naive Bayes over Korean tokens).
    parameters = models.JSONField(_("parameters"))

    class Meta:
        ordering = ["-trained_at", "-pk"]
        get_latest_by = "trained_at"
        verbose_name = _("routing model")
        verbose_name_plural = _("routing models")

    def __str__(self):
        return f"{self.trained_at:%Y-%m-%d %H:%M} ({self.accuracy:.0%})"

    @property
    def beats_baseline(self) -> bool:
        return self.accuracy > self.baseline_accuracy
