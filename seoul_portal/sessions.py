"""The portal's session store (SESSION_ENGINE): Django's cached_db, except when the database is
down at the moment a changed session is saved.

SessionMiddleware saves the session after the view has answered. If PostgreSQL went away in
between (a restart), Django's store turns the failed UPDATE into UpdateError and the middleware
into SessionInterrupted, a 400 "bad request", although the view's own transaction may well have
committed (a complaint filed, a profile saved): the citizen, told it failed, sends it again.
Here the view's answer stands; the session's new data is kept in the cache, where the next
request reads it first, and the database row catches up at the next save.

A session deleted meanwhile (signed out in another tab) still fails as Django decides, and so
does a new session that could not be created (the sign-in itself then failed: outage.py answers).
"""

import logging

from django.contrib.sessions.backends import cached_db
from django.contrib.sessions.backends.base import UpdateError
from django.db import InterfaceError, OperationalError

logger = logging.getLogger(__name__)


class SessionStore(cached_db.SessionStore):
    def save(self, must_create=False):
        try:
            super().save(must_create)
        except UpdateError as error:
            if not isinstance(error.__context__, (OperationalError, InterfaceError)):
                raise
            logger.warning(
                "Session not saved to the database (%s); kept in the cache until the next save",
                type(error.__context__).__name__,
            )
            try:
                self._cache.set(self.cache_key, self._session, self.get_expiry_age())
            except Exception:  # the cache is best effort, as in cached_db itself
                logger.exception("Error saving the session to the cache")
