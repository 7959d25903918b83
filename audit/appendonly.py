"""Rows that are written once and never changed or deleted (the audit log and the ledger).

The model layer refuses every public ORM path that changes or deletes a row, so that a mistake in
application code fails loudly in every database; on PostgreSQL triggers (migration 0002)
refuse the same at the database level, for raw SQL and other clients too.
"""

from django.db import models


class AppendOnlyError(RuntimeError):
    """Raised on an attempt to change or delete a row of an append-only table."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError(f"{self.model._meta.label} rows are append-only: update() is not allowed.")

    def delete(self):
        raise AppendOnlyError(f"{self.model._meta.label} rows are append-only: delete() is not allowed.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError(f"{self.model._meta.label} rows are append-only: bulk_update() is not allowed.")

    def update_or_create(self, *args, **kwargs):
        raise AppendOnlyError(f"{self.model._meta.label} rows are append-only: update_or_create() is not allowed.")

    # As on Django's own QuerySet.delete: not copied onto the manager, so that `objects.delete()`
    # does not even exist.
    delete.queryset_only = True


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(f"{self._meta.label} rows are append-only: an existing row cannot be saved again.")
        # Always INSERT: with a primary key set by hand Django would otherwise try an UPDATE
        # first and could overwrite an existing row.
        kwargs["force_insert"] = True
        kwargs.pop("force_update", None)
        kwargs.pop("update_fields", None)
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{self._meta.label} rows are append-only: delete() is not allowed.")
