"""Which unit a complaint goes to: the category's default unit, unless the routing classifier
(complaints/classifier.py, trained by `manage.py complaints_train_router`) suggests another one
with a confidence at or above the model's threshold. A suggestion below it is still kept on the
complaint (officials see it), but the default unit stands.

Intake never runs the classifier: it would load the Korean morphological analyser into every web
worker (a few hundred MB each). Intake gives the complaint its category's default unit and, once
that commits, the `suggest_unit` task on the `text` queue (whose worker holds the analyser) calls
`complaint_follow_suggestion`: a confident suggestion moves the complaint to the suggested unit,
unless an official has touched it since (see `_as_intake_left_it`)."""

from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from audit.services import audit_record

from .models import Complaint, ComplaintEvent, RouterModel
from .states import Status

_MODEL_CACHE_KEY = "complaints:router-model"
_MODEL_CACHE_SECONDS = 300
# This process's copy of the model in use, by primary key: the shared cache names the model (a
# small value every process reads), the parameters are read from the database once per process.
_loaded: dict[int, RouterModel] = {}


@dataclass(frozen=True)
class Suggestion:
    unit: object  # the unit that receives the complaint
    suggested_unit: object = None  # the classifier's pick, when it has one
    confidence: float | None = None


def _newest_useful_pk() -> int:
    """The newest trained model that beat its majority-class baseline (0: none)."""
    recent = RouterModel.objects.defer("parameters").order_by("-trained_at", "-pk")[:5]
    return next((model.pk for model in recent if model.beats_baseline), 0)


def current_model() -> RouterModel | None:
    """The model routing uses (the name cached for a few minutes), or None before training."""
    pk = cache.get(_MODEL_CACHE_KEY)
    if pk is None:
        pk = _newest_useful_pk()
        cache.set(_MODEL_CACHE_KEY, pk, _MODEL_CACHE_SECONDS)
    if not pk:
        return None
    model = _loaded.get(pk)
    if model is None:
        model = RouterModel.objects.filter(pk=pk).first()
        if model is None:  # deleted since it was cached
            forget_model()
            return None
        _loaded.clear()
        _loaded[pk] = model
    return model


def forget_model():
    """After training (or deleting) a model: every process looks the model up again."""
    cache.delete(_MODEL_CACHE_KEY)
    _loaded.clear()


def route(*, category, title: str, description: str) -> Suggestion:
    """The classifier's answer for this text (loads the Korean analyser: not in a web process)."""
    from governance.models import OrgUnit

    from . import classifier

    default = category.default_unit
    model = current_model()
    if model is None:
        return Suggestion(unit=default)
    prediction = classifier.predict(model.parameters, f"{title}\n{description}")
    if prediction is None:
        return Suggestion(unit=default)
    unit_id, confidence = prediction
    suggested = OrgUnit.objects.filter(pk=unit_id, is_active=True).first()
    if suggested is None:
        return Suggestion(unit=default)
    chosen = suggested if confidence >= model.threshold else default
    return Suggestion(unit=chosen, suggested_unit=suggested, confidence=round(float(confidence), 4))


def _as_intake_left_it(complaint_id: int, routed_unit_id: int | None):
    """The complaint as intake (or triage) left it: still received (every official's move, from
    assigning to transferring or answering, leaves that state and none returns to it), with
    nobody in charge, at the unit intake gave it."""
    return Complaint.objects.filter(pk=complaint_id, status=Status.RECEIVED, assignee__isnull=True,
                                    category__isnull=False, unit_id=routed_unit_id)  # fmt: skip


def complaint_follow_suggestion(*, complaint_id: int, routed_unit_id: int | None, now=None) -> bool:
    """The routing classifier's suggestion for a complaint intake sent to `routed_unit_id` (its
    category's default unit). The suggestion is recorded on the complaint; a confident one for
    another unit also moves the complaint there, with a "routed" event and an audit entry. Only
    while the complaint is as intake left it: one conditional update, so an official's move
    committed first (or holding the row's lock) wins and the complaint is left alone. True when
    the complaint moved."""
    complaint = _as_intake_left_it(complaint_id, routed_unit_id).select_related("category").first()
    if complaint is None:  # handled already (or gone): the classifier need not run
        return False
    # The stored title and description: the text the model was trained on (router_training.py).
    suggestion = route(category=complaint.category, title=complaint.title, description=complaint.description)
    if suggestion.suggested_unit is None:
        return False
    moves = suggestion.unit is not None and suggestion.unit.pk != routed_unit_id
    now = now or timezone.now()
    # update() skips auto_now: the rollups find a complaint that changed by its updated_at.
    changes = {"suggested_unit": suggestion.suggested_unit, "suggestion_confidence": suggestion.confidence,
               "updated_at": now}  # fmt: skip
    if moves:
        changes["unit"] = suggestion.unit
    with transaction.atomic():
        if not _as_intake_left_it(complaint_id, routed_unit_id).update(**changes):
            return False
        if moves:
            ComplaintEvent.objects.create(
                complaint_id=complaint_id, at=now, kind=ComplaintEvent.Kind.ROUTED, actor=None, unit=suggestion.unit,
                note=f"{suggestion.confidence:.0%}", is_public=False,
            )  # fmt: skip
            audit_record(actor=None, action="complaint.route", target=complaint,
                         summary={"from": routed_unit_id, "to": suggestion.unit.pk,
                                  "confidence": suggestion.confidence})  # fmt: skip
    return moves
