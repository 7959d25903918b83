"""Database connections in a Celery worker: each task is wrapped as Django wraps a request.

Celery's Django fixup closes every connection before and after each task and, in a prefork
child whose database uses psycopg's pool, closes the pool itself (celery/celery#10554): every
task then opened new connections to PostgreSQL, which capped a worker at about 30 small tasks a
second. The portal switches that per-task closing off (CELERY_DB_REUSE_MAX in the settings) and
does what a request does instead: `close_old_connections()` before and after each task. With the
pool that hands the connection back to the pool, which checks it (CONN_HEALTH_CHECKS) when the
next task takes it out, so a task after a PostgreSQL restart gets a live connection; without a
pool (CONN_MAX_AGE 0) it closes the connection, as before.

Eager tasks (run inline, inside the caller's transaction) are left alone: closing the caller's
connection there would end its transaction.
"""

from celery.signals import task_postrun, task_prerun
from django.db import close_old_connections


def _is_eager(task) -> bool:
    return bool(getattr(getattr(task, "request", None), "is_eager", False))


def release_connections(sender=None, **kwargs):
    if sender is not None and _is_eager(sender):
        return
    close_old_connections()


def connect(app=None):
    """Wraps every task of this process's workers (called once, by seoul_portal.celery)."""
    task_prerun.connect(release_connections, weak=False, dispatch_uid="seoul_portal.worker_connections.prerun")
    task_postrun.connect(release_connections, weak=False, dispatch_uid="seoul_portal.worker_connections.postrun")
