"""Training the routing classifier on the complaints the city has handled: the unit that
answered a complaint (or holds it, assigned or in progress) is the right unit for its text.

A share of each unit's complaints is held out of training; the model's accuracy on them is
stored with the majority-class baseline it must beat (complaints/routing.py uses only a model
that does).
"""

import secrets
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record

from .. import classifier
from ..errors import ComplaintError
from ..models import Complaint, RouterModel
from ..routing import forget_model
from ..states import Status

# What the classifier learns from: answered or closed complaints, and those a unit has taken on.
HANDLED = Q(status__in=[Status.ANSWERED, Status.CLOSED, Status.ASSIGNED, Status.IN_PROGRESS])
DEFAULT_MAX_SAMPLES = 100_000


@dataclass(frozen=True)
class TrainingReport:
    model: RouterModel
    units: int
    seed: int

    @property
    def beats_baseline(self) -> bool:
        return self.model.beats_baseline


def router_training_samples(*, limit: int = DEFAULT_MAX_SAMPLES) -> list[tuple[str, int]]:
    """(title and description, unit id) of the newest handled complaints of active units."""
    rows = (
        Complaint.objects.filter(HANDLED, unit__isnull=False, unit__is_active=True)
        .order_by("-received_at", "-pk")
        .values_list("title", "description", "unit_id")[:limit]
    )
    # The same text routing reads at intake (complaints/routing.py).
    return [(f"{title}\n{description}", unit_id) for title, description, unit_id in rows.iterator(chunk_size=2_000)]


def router_train(
    *, min_samples: int = 50, threshold: float = 0.6, holdout: float = 0.2, seed: int | None = None,
    limit: int = DEFAULT_MAX_SAMPLES, now=None,
) -> TrainingReport:  # fmt: skip
    """Train, evaluate on the held-out complaints and store a RouterModel. Refuses (ComplaintError)
    with fewer than `min_samples` handled complaints or a single unit among them."""
    if not 0 <= threshold <= 1:
        raise ComplaintError(_("The threshold is a probability between 0 and 1."), field="threshold")
    if not 0 < holdout < 1:
        raise ComplaintError(_("The share held out is a fraction between 0 and 1."), field="holdout")
    if min_samples < 2:
        raise ComplaintError(_("At least two complaints are needed to train."), field="min_samples")
    if seed is None:
        seed = secrets.randbits(32)
    samples = router_training_samples(limit=limit)
    if len(samples) < min_samples:
        raise ComplaintError(
            _("Only %(count)d handled complaints to learn from; at least %(min)d are needed.")
            % {"count": len(samples), "min": min_samples},
            code="too_few",
        )
    units = {unit_id for _text, unit_id in samples}
    if len(units) < 2:
        raise ComplaintError(
            _("Every handled complaint went to the same unit: there is nothing to tell apart."), code="single_unit"
        )
    training, held_out = classifier.split(samples, holdout=holdout, seed=seed)
    if not held_out:
        raise ComplaintError(_("Too few complaints per unit to hold any out for testing."), code="too_few")
    parameters = classifier.train(training)
    evaluation = classifier.evaluate(parameters, held_out)
    with transaction.atomic():
        model = RouterModel.objects.create(
            trained_at=now or timezone.now(), samples=len(training), held_out=len(held_out),
            accuracy=round(evaluation.accuracy, 4), baseline_accuracy=round(evaluation.baseline_accuracy, 4),
            threshold=threshold, parameters=parameters,
        )  # fmt: skip
        audit_record(
            actor=None, action="complaints.router_train", target=model,
            summary={"samples": model.samples, "held_out": model.held_out, "accuracy": model.accuracy,
                     "baseline": model.baseline_accuracy, "units": len(units), "seed": seed},
        )  # fmt: skip
    forget_model()
    return TrainingReport(model=model, units=len(units), seed=seed)
