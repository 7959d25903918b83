"""What /healthz reports: can the site reach its database, its cache and its broker?

Each check gets a short time budget and the three run side by side, so an unreachable service
(a firewalled host never answers, a psycopg pool waits up to DATABASE_POOL_TIMEOUT) turns into
"error: timeout" within about CHECK_TIMEOUT_SECONDS instead of holding the request, and any
failure is a 503 with a reason, never a 500.
"""

import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

from django.conf import settings
from django.db import connection, connections

CHECK_TIMEOUT_SECONDS = 1.5
SOCKET_TIMEOUT_SECONDS = 1


def database_status():
    # Runs in a worker thread, which gets its own connection: give it back when done, or a
    # PostgreSQL pool (or a test database being dropped) would see it as still in use.
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    finally:
        connections.close_all()


def cache_status():
    # The Django cache swallows Redis errors on purpose (a miss, not an error page), so the
    # health check asks Redis itself.
    if not settings.REDIS_URL:
        return
    import redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    client = redis.Redis.from_url(
        settings.REDIS_URL,
        socket_connect_timeout=SOCKET_TIMEOUT_SECONDS,
        socket_timeout=SOCKET_TIMEOUT_SECONDS,
        # redis-py retries a failed command three times by default; one try is the answer here.
        retry=Retry(NoBackoff(), 0),
    )
    try:
        client.ping()
    finally:
        client.close()


def broker_status():
    if not settings.CELERY_BROKER_URL:
        return
    from kombu import Connection

    options = {"socket_timeout": SOCKET_TIMEOUT_SECONDS, "socket_connect_timeout": SOCKET_TIMEOUT_SECONDS}
    with Connection(settings.CELERY_BROKER_URL, connect_timeout=SOCKET_TIMEOUT_SECONDS,
                    transport_options=options) as conn:
        # max_retries=0: one attempt; kombu would otherwise sleep 2 s before retrying.
        conn.ensure_connection(max_retries=0, timeout=SOCKET_TIMEOUT_SECONDS)


CHECKS = {"database": database_status, "cache": cache_status, "broker": broker_status}


def _is_embedded(name):
    return (name == "cache" and not settings.REDIS_URL) or (name == "broker" and not settings.CELERY_BROKER_URL)


def health_report(timeout=CHECK_TIMEOUT_SECONDS):
    """(all_ok, {component: "ok" | "embedded" | "error: <reason>"}).

    The reason is the exception's class name or "timeout"; messages are left out because
    /healthz is public and they can name internal hosts.
    """
    report = {}
    healthy = True
    # Not a `with` block: leaving it would wait for a check that hangs past its budget; a hung
    # check's thread ends on its own when its socket or pool timeout fires.
    executor = ThreadPoolExecutor(max_workers=len(CHECKS), thread_name_prefix="healthz")
    try:
        futures = {name: executor.submit(check) for name, check in CHECKS.items()}
        deadline = time.monotonic() + timeout
        for name, future in futures.items():
            try:
                future.result(timeout=max(0.0, deadline - time.monotonic()))
            except FutureTimeout:
                healthy = False
                report[name] = "error: timeout"
            except Exception as error:  # noqa: BLE001 — any failure is "down", reported by class name
                healthy = False
                report[name] = f"error: {type(error).__name__}"
            else:
                report[name] = "embedded" if _is_embedded(name) else "ok"
    finally:
        executor.shutdown(wait=False, cancel_futures=True)
    return healthy, report
