"""Which unit a complaint goes to: the category's default unit, unless the routing classifier
(complaints/classifier.py, trained by `manage.py complaints_train_router`) suggests another one
with a confidence at or above the model's threshold. A suggestion below it is still kept on the
complaint (officials see it), but the default unit stands."""

from dataclasses import dataclass

from django.core.cache import cache

from .models import RouterModel

_MODEL_CACHE_KEY = "complaints:router-model"
_MODEL_CACHE_SECONDS = 300


@dataclass(frozen=True)
class Suggestion:
    unit: object  # the unit that receives the complaint
    suggested_unit: object = None  # the classifier's pick, when it has one
    confidence: float | None = None


def current_model() -> RouterModel | None:
    """The newest trained model that beat its majority-class baseline (cached for a few minutes)."""
    model = cache.get(_MODEL_CACHE_KEY)
    if model is None:
        model = next((m for m in RouterModel.objects.order_by("-trained_at", "-pk")[:5] if m.beats_baseline), False)
        cache.set(_MODEL_CACHE_KEY, model, _MODEL_CACHE_SECONDS)
    return model or None


def forget_model():
    cache.delete(_MODEL_CACHE_KEY)


def route(*, category, title: str, description: str) -> Suggestion:
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
