"""Pointing the test process's Celery app at another broker (a private or a closed one), and
the test database's URL for the worker processes a test starts."""

from contextlib import contextmanager
from urllib.parse import quote


def drop_broker_connections(app):
    """Close the app's broker connections and producers, so that the next publish connects to
    whatever broker_url now says."""
    from kombu import pools

    if app._pool is not None:
        app._pool.force_close_all()
        app._pool = None
    amqp = app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None
    # kombu keeps producer pools in a registry of its own, keyed by the broker's URL: a pool
    # closed here would be handed out again for the same URL, and even an eager task (which takes
    # a producer) would fail with "Acquire on closed pool". reset() closes them all and forgets them.
    pools.reset()


def worker_database_url():
    """The URL of this test's database, for a worker process started by the test."""
    from django.db import connection

    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


BROKER_ENVIRONMENT = ("CELERY_BROKER_URL", "CELERY_BROKER_WRITE_URL", "CELERY_BROKER_READ_URL")


@contextmanager
def publishing_to(broker_url, queue=None, *, settings, monkeypatch):
    """The test process publishes for real (not eagerly) to `broker_url`, on `queue` (else the
    app's default queue), until the block ends; then the app's own configuration is back."""
    from seoul_portal.celery import app

    for name in BROKER_ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)
    saved = {key: app.conf.get(key) for key in ("broker_url", "task_default_queue", "task_always_eager")}
    app.conf.update(broker_url=broker_url, task_always_eager=False)
    if queue is not None:
        app.conf.update(task_default_queue=queue)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    drop_broker_connections(app)
    try:
        yield
    finally:
        app.conf.update(saved)
        drop_broker_connections(app)
