"""Pointing the test process's Celery app at another broker (a private or a closed one), and
the test database's URL for the worker processes a test starts."""

from urllib.parse import quote


def drop_broker_connections(app):
    # The app caches its broker connections and producers; drop them so that the next publish
    # connects to whatever broker_url now says.
    if app._pool is not None:
        app._pool.force_close_all()
        app._pool = None
    amqp = app.__dict__.get("amqp")
    if amqp is not None and amqp._producer_pool is not None:
        amqp._producer_pool.force_close_all()
        amqp._producer_pool = None


def worker_database_url():
    """The URL of this test's database, for a worker process started by the test."""
    from django.db import connection

    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
