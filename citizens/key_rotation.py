"""Rotating the keys of personal data at rest (README: "Rotating the personal-data keys").

Two keys, two procedures, one command (`manage.py rotate_personal_data_keys`):

- FIELD_ENCRYPTION_KEYS: the new key goes first in the list, the old one stays after it, so that
  every row still reads; this re-encrypts each encrypted column of each model under the first
  key; then the old key can be removed.
- BLIND_INDEX_KEY: the new key replaces it and the old one moves to BLIND_INDEX_PREVIOUS_KEYS, so
  that lookups still find rows indexed under it (crypto.BlindIndex); this recomputes every blind
  index from the decrypted value; then BLIND_INDEX_PREVIOUS_KEYS is emptied.

Both walk each table by primary key in batches, one transaction per batch, and touch only rows
not yet under the newest key: a run stopped halfway is resumed by running it again, and a run
over rotated data changes nothing.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.apps import apps
from django.db import IntegrityError, models, transaction
from django.db.models.functions import Cast

from . import crypto
from .fields import blind_index_fields, encrypted_fields
from .models import normalize_email

BATCH_SIZE = 1000

# How a blind index's source value is normalised before hashing (as models.*_blind_index do).
NORMALISERS: dict[str, Callable[[str], str]] = {"phone": lambda value: value, "email": normalize_email}


@dataclass
class RotationReport:
    # "app.Model.field" -> rows rewritten
    reencrypted: dict[str, int] = field(default_factory=dict)
    reindexed: dict[str, int] = field(default_factory=dict)
    # Rows whose recomputed index another row already holds (two rows of one phone): left as they are.
    conflicts: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        lines = [f"re-encrypted {label}: {count}" for label, count in sorted(self.reencrypted.items())]
        lines += [f"re-indexed {label}: {count}" for label, count in sorted(self.reindexed.items())]
        lines += [f"conflict (left under the old index): {conflict}" for conflict in self.conflicts]
        return lines


def models_with_personal_data() -> Iterator[type[models.Model]]:
    for model in apps.get_models():
        if model._meta.managed and not model._meta.proxy and (encrypted_fields(model) or blind_index_fields(model)):
            yield model


def _raw(name: str) -> str:
    return f"_raw_{name}"


def _batches(model, names: list[str], batch_size: int) -> Iterator[list[dict]]:
    """Rows by ascending pk, each with its encrypted columns as stored (the Cast to a plain text
    column skips EncryptedTextField.from_db_value)."""
    annotations = {_raw(name): Cast(name, models.TextField()) for name in names}
    last_pk = None
    while True:
        rows = model._base_manager.order_by("pk").annotate(**annotations)
        if last_pk is not None:
            rows = rows.filter(pk__gt=last_pk)
        batch = list(rows.values("pk", *annotations)[:batch_size])
        if not batch:
            return
        yield batch
        last_pk = batch[-1]["pk"]


def reencrypt_model(model, *, batch_size=BATCH_SIZE) -> dict[str, int]:
    names = [field.name for field in encrypted_fields(model)]
    counts = dict.fromkeys(names, 0)
    if not names:
        return counts
    for batch in _batches(model, names, batch_size):
        with transaction.atomic():
            for row in batch:
                for name in names:
                    token = row[_raw(name)]
                    if not token or crypto.is_under_current_key(token):
                        continue
                    # Written only if the row still holds the token read: a concurrent save
                    # (already under the newest key) is left alone.
                    updated = (
                        model._base_manager.annotate(**{_raw(name): Cast(name, models.TextField())})
                        .filter(pk=row["pk"], **{_raw(name): token})
                        .update(**{name: models.Value(crypto.reencrypt(token), output_field=models.TextField())})
                    )
                    counts[name] += updated
    return counts


def reindex_model(model, report: RotationReport, *, batch_size=BATCH_SIZE) -> dict[str, int]:
    index_fields = blind_index_fields(model)
    counts = {field.name: 0 for field in index_fields}
    if not index_fields:
        return counts
    names = [field.name for field in index_fields]
    # The decrypted sources, read through the ORM (from_db_value decrypts with any listed key).
    sources = sorted({field.source for field in index_fields})
    last_pk = None
    while True:
        rows = model._base_manager.order_by("pk")
        if last_pk is not None:
            rows = rows.filter(pk__gt=last_pk)
        batch = list(rows.values("pk", *names, *sources)[:batch_size])
        if not batch:
            return counts
        last_pk = batch[-1]["pk"]
        with transaction.atomic():
            _reindex_rows(model, index_fields, batch, counts, report)


def _reindex_rows(model, index_fields, batch, counts, report):
    for row in batch:
        for index_field in index_fields:
            stored, value = row[index_field.name], row[index_field.source]
            if not stored or not value:
                continue  # no index (an erased account): nothing to find it by
            fresh = str(crypto.blind_index(NORMALISERS[index_field.purpose](value), purpose=index_field.purpose))
            if fresh == stored:
                continue
            try:
                with transaction.atomic():  # a savepoint: a conflict spoils only this row
                    counts[index_field.name] += model._base_manager.filter(
                        pk=row["pk"], **{f"{index_field.name}__exact": stored}
                    ).update(**{index_field.name: fresh})
            except IntegrityError:
                report.conflicts.append(f"{model._meta.label} #{row['pk']} {index_field.name}")


def rotate_personal_data_keys(*, encryption=True, blind_index=True, batch_size=BATCH_SIZE) -> RotationReport:
    report = RotationReport()
    for model in models_with_personal_data():
        if encryption:
            for name, count in reencrypt_model(model, batch_size=batch_size).items():
                report.reencrypted[f"{model._meta.label}.{name}"] = count
        if blind_index:
            for name, count in reindex_model(model, report, batch_size=batch_size).items():
                report.reindexed[f"{model._meta.label}.{name}"] = count
    return report
