"""Which unit a complaint goes to: the category's default unit, unless the routing classifier
(complaints/classifier.py, trained by `manage.py complaints_train_router`) suggests another one
with a confidence at or above the model's threshold. A suggestion below it is still kept on the
complaint (officials see it), but the default unit stands."""

from dataclasses import dataclass

from django.core.cache import cache

from .models import RouterModel

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
