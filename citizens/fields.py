from django.db import models
from django.db.models.lookups import Exact, In
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


class BlindIndexExact(Exact):
    """`phone_index=phone_blind_index(e164)`: during a key rotation the value also carries its
    hashes under the previous keys (crypto.BlindIndex), and rows not recomputed yet match too."""

    def get_prep_lookup(self):
        self.candidates = self.rhs.candidates if isinstance(self.rhs, crypto.BlindIndex) else None
        return super().get_prep_lookup()

    def as_sql(self, compiler, connection):
        if self.candidates and len(self.candidates) > 1:
            return In(self.lhs, self.candidates).as_sql(compiler, connection)
        return super().as_sql(compiler, connection)


class BlindIndexField(models.CharField):
    """The column of a blind index (crypto.blind_index) of the encrypted field `source`.

    `source` and `purpose` tell rotate_personal_data_keys how to recompute it under a new key.
    For the database (and for migrations) it is a plain CharField: deconstruct() says so, so that
    the class changes how a lookup is compiled and nothing in the schema.
    """

    def __init__(self, *args, source="", purpose="", **kwargs):
        self.source, self.purpose = source, purpose
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.CharField", args, kwargs

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return str(value) if isinstance(value, crypto.BlindIndex) else value


BlindIndexField.register_lookup(BlindIndexExact)


def encrypted_fields(model) -> list[EncryptedTextField]:
    return [field for field in model._meta.concrete_fields if isinstance(field, EncryptedTextField)]


def blind_index_fields(model) -> list[BlindIndexField]:
    return [field for field in model._meta.concrete_fields if isinstance(field, BlindIndexField)]
