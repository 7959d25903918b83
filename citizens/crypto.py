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


@lru_cache(maxsize=4)
def _single_fernet(key) -> Fernet:
    return Fernet(key.encode() if isinstance(key, str) else key)


def current_key_fernet() -> Fernet:
    """The first (newest) field key alone: a token it decrypts needs no re-encryption."""
    keys = settings.FIELD_ENCRYPTION_KEYS
    fernet()  # validates the keys with a clear error
    return _single_fernet(keys[0] if keys else base64.urlsafe_b64encode(_derive("field-encryption")))


def is_under_current_key(token: str) -> bool:
    try:
        current_key_fernet().decrypt(token.encode())
    except InvalidToken:
        return False
    return True


def reencrypt(token: str) -> str:
    """The token re-encrypted under the newest key (MultiFernet.rotate keeps its timestamp)."""
    try:
        return fernet().rotate(token.encode()).decode()
    except InvalidToken as error:
        raise ImproperlyConfigured(
            "A stored value could not be decrypted: FIELD_ENCRYPTION_KEYS lacks the key it was written with."
        ) from error


class BlindIndex(str):
    """A blind index under the current key that also knows its values under the previous keys.

    During a rotation of BLIND_INDEX_KEY (BLIND_INDEX_PREVIOUS_KEYS set), rows not yet
    recomputed still hold the value under an old key; an equality lookup on a BlindIndexField
    (citizens.fields) with this value matches any of them, so that sign-in still finds the
    account. Written to a column it is the current value only.
    """

    __slots__ = ("previous",)

    def __new__(cls, value: str, previous: tuple = ()):
        instance = super().__new__(cls, value)
        instance.previous = previous
        return instance

    def __reduce__(self):
        # Pickled (a session, the cache) as the plain current value.
        return (str, (str(self),))

    @property
    def candidates(self) -> list[str]:
        return [str(self), *self.previous]


def _blind_index_keys() -> list[bytes]:
    current = settings.BLIND_INDEX_KEY.encode() if settings.BLIND_INDEX_KEY else _derive("blind-index")
    previous = [key.encode() for key in getattr(settings, "BLIND_INDEX_PREVIOUS_KEYS", ()) if key]
    return [current, *(key for key in previous if key != current)]


def _hmac(key: bytes, value: str, purpose: str) -> str:
    return hmac.new(key, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()


def blind_index(value: str, *, purpose: str) -> BlindIndex:
    """A keyed hash of an already normalised value, separate per purpose (phone, email)."""
    current, *previous = _blind_index_keys()
    return BlindIndex(_hmac(current, value, purpose), tuple(_hmac(key, value, purpose) for key in previous))


def keyed_hash(value: str, *, purpose: str) -> str:
    """A server-keyed hash for short secrets (verification codes): useless without the key."""
    return hmac.new(_derive(f"keyed-hash:{purpose}"), value.encode(), hashlib.sha256).hexdigest()
