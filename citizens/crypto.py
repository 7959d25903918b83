"""Personal data at rest: symmetric encryption for the value, a keyed hash to find it.

The phone number and email of a citizen are stored encrypted (Fernet, AES-128-CBC with an
HMAC); to look a citizen up by phone without decrypting every row, and to keep a verified
phone unique, we also store an HMAC-SHA256 of the normalised value under a separate key
(a "blind index"). Neither key is stored in the database.
"""

import base64
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def _derive(purpose: str) -> bytes:
    """A key derived from SECRET_KEY, for the embedded setup where no key is configured."""
    return hashlib.sha256(f"seoul-portal:{purpose}:{settings.SECRET_KEY}".encode()).digest()


@lru_cache(maxsize=4)
def _fernet(keys: tuple) -> MultiFernet:
    if keys:
        try:
            return MultiFernet([Fernet(key.encode() if isinstance(key, str) else key) for key in keys])
        except ValueError as error:
            raise ImproperlyConfigured(
                "FIELD_ENCRYPTION_KEYS must be Fernet keys (32 url-safe base64-encoded bytes)."
            ) from error
    return MultiFernet([Fernet(base64.urlsafe_b64encode(_derive("field-encryption")))])


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(value: str) -> str:
    return fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return fernet().decrypt(token.encode()).decode()
    except InvalidToken as error:
        raise ImproperlyConfigured(
            "A stored value could not be decrypted: FIELD_ENCRYPTION_KEYS lacks the key it was written with."
        ) from error


def blind_index(value: str, *, purpose: str) -> str:
    """A keyed hash of an already normalised value, separate per purpose (phone, email)."""
    key = settings.BLIND_INDEX_KEY.encode() if settings.BLIND_INDEX_KEY else _derive("blind-index")
    return hmac.new(key, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()


def keyed_hash(value: str, *, purpose: str) -> str:
    """A server-keyed hash for short secrets (verification codes): useless without the key."""
    return hmac.new(_derive(f"keyed-hash:{purpose}"), value.encode(), hashlib.sha256).hexdigest()
