"""Reads from a replica of the database, where they may lag a moment behind.

With DATABASE_REPLICA_URL set, settings.DATABASES has a second alias, "replica" (a streaming
replica of the primary). PrimaryReplicaRouter sends a read there only while a view marked
@reads_from_replica answers a GET or HEAD: the public pages and dashboards whose figures may be
a second old. Everything else reads and writes the primary:

- every write, and every read inside a transaction (a read that a write depends on: a lock, a
  check, a counter);
- every view not marked (the citizen's own pages, the officials' back office, forms);
- a browser that has just written (a POST, a support, a vote): ReplicaPinMiddleware gives it a
  cookie for REPLICA_PIN_SECONDS during which its reads stay on the primary, so that it sees
  what it did at once (read your own writes), while the replica catches up.

Without DATABASE_REPLICA_URL there is no "replica" alias and every read goes to the primary.
"""

from contextvars import ContextVar
from functools import wraps

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"
PIN_COOKIE = "db_primary"
_SAFE_METHODS = frozenset({"GET", "HEAD"})

_replica_reads = ContextVar("replica_reads", default=False)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


class PrimaryReplicaRouter:
    """One primary, one optional replica of the same schema (migrated on the primary only)."""

    def db_for_read(self, model, **hints):
        if _replica_reads.get() and replica_configured() and not connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return REPLICA
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the primary's rows: an object read there is the same row

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS


def pinned_to_primary(request) -> bool:
    return PIN_COOKIE in request.COOKIES


def reads_from_replica(view):
    """Let the reads of `view` go to the replica when it answers a GET or HEAD of a browser that
    has not just written. The view must not write (a write still goes to the primary, but a read
    it relies on could be stale)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in _SAFE_METHODS or pinned_to_primary(request):
            return view(request, *args, **kwargs)
        token = _replica_reads.set(True)
        try:
            return view(request, *args, **kwargs)
        finally:
            _replica_reads.reset(token)

    return wrapper


class ReplicaPinMiddleware:
    """After a request that may have written (any method but GET, HEAD, OPTIONS, TRACE), the
    browser's reads stay on the primary for REPLICA_PIN_SECONDS: it sees its own write even if
    the replica lags. The cookie says nothing but "read the primary"; forging it only does that."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if replica_configured() and request.method not in {"GET", "HEAD", "OPTIONS", "TRACE"}:
            response.set_cookie(
                PIN_COOKIE, "1", max_age=settings.REPLICA_PIN_SECONDS,
                httponly=True, samesite="Lax", secure=request.is_secure(),
            )  # fmt: skip
        return response
