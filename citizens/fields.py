from django.db import models
from django.db.models.query_utils import DeferredAttribute

from . import crypto


class Sealed:
    """An encrypted column's value as stored, not decrypted yet (see DecryptedOnRead)."""

    __slots__ = ("token",)

    def __init__(self, token: str):
        self.token = token

    def __repr__(self):
        return "<Sealed>"  # never the ciphertext in a traceback or a log line


class DecryptedOnRead(DeferredAttribute):
    """The attribute of an EncryptedTextField: a value loaded still sealed is decrypted at its
    first read and kept. The signed-in citizen of every request is loaded that way
    (citizens.backends), so that a request that never reads their phone or email does not pay
    for decrypting them. A data descriptor (it has __set__): a non-data one is not asked when the
    instance's __dict__ holds the value."""

    def __get__(self, instance, cls=None):
        if instance is None:
            return self
        value = instance.__dict__.get(self.field.attname)
        if isinstance(value, Sealed):
            value = instance.__dict__[self.field.attname] = crypto.decrypt(value.token)
            return value
        return super().__get__(instance, cls)

    def __set__(self, instance, value):
        instance.__dict__[self.field.attname] = value


class EncryptedTextField(models.TextField):
    """Text stored encrypted with the field keys; read back as plain text.

    The ciphertext differs on every write, so the column can be neither searched nor unique:
    pair it with a blind index column for that.
    """

    descriptor_class = DecryptedOnRead

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return crypto.decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt(value)
