"""What a cache key needs of the translations: a digest of the catalog a language is rendered with,
so that content cached in one release is not served with another release's wording."""

import hashlib
import uuid
from functools import lru_cache


@lru_cache(maxsize=32)
def catalog_digest(language: str) -> str:
    """A digest of the translations this process uses for `language` (loaded once per process)."""
    try:
        from django.utils.translation.trans_real import translation

        items = translation(language)._catalog.items()
        text = "\n".join(sorted(f"{key!r}={value!r}" for key, value in items))
    except Exception:  # noqa: BLE001 -- without the catalog, a key of this process only (still exact)
        return uuid.uuid4().hex
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()
