from django.db import models

from . import crypto


class EncryptedTextField(models.TextField):
    """Text stored encrypted with the field keys; read back as plain text.

    The ciphertext differs on every write, so the column can be neither searched nor unique:
    pair it with a blind index column for that.
    """

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return crypto.decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt(value)
