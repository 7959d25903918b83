"""What /healthz reports: can the site reach its database, its cache and its broker?"""

from django.conf import settings
from django.db import connection


def database_status():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def cache_status():
    # The Django cache swallows Redis errors on purpose (a miss, not an error page), so the
    # health check asks Redis itself.
    if not settings.REDIS_URL:
        return
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
    try:
        client.ping()
    finally:
        client.close()


def broker_status():
    if not settings.CELERY_BROKER_URL:
        return
    from kombu import Connection

    with Connection(settings.CELERY_BROKER_URL, connect_timeout=1,
                    transport_options={"socket_timeout": 1, "socket_connect_timeout": 1}) as conn:
        conn.ensure_connection(max_retries=1, timeout=1)


CHECKS = {"database": database_status, "cache": cache_status, "broker": broker_status}


def health_report():
    """(all_ok, {component: "ok" | "embedded" | "error: ..."})."""
    report = {}
    healthy = True
    for name, check in CHECKS.items():
        embedded = (name == "cache" and not settings.REDIS_URL) or (
            name == "broker" and not settings.CELERY_BROKER_URL
        )
        try:
            check()
        except Exception as error:  # noqa: BLE001 — any failure is "down", reported by class name
            healthy = False
            report[name] = f"error: {type(error).__name__}"
        else:
            report[name] = "embedded" if embedded else "ok"
    return healthy, report
