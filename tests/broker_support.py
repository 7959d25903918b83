"""Pointing the test process's Celery app at another broker (a private or a closed one)."""


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
