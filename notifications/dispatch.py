"""Handing rows to the Celery queue. A failure to publish is logged, never raised: the row is
committed and pending, and the sweep publishes it again once the broker is back.

A circuit breaker keeps an outage from stalling requests: each publish to a dead broker waits
out its retries, so a request that writes several notifications would wait once per row. After
one publish fails, the others in this process are skipped for NOTIFICATION_PUBLISH_BACKOFF_SECONDS
(their rows wait for the sweep, which always tries at least once per run).
"""

import logging
import threading
import time
from functools import partial

from django.conf import settings
from django.db import transaction

from citizens.redaction import redact_contact_data

logger = logging.getLogger(__name__)

# A broker hiccup is retried briefly; an outage must not hold the request that committed.
PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}


class PublishBreaker:
    """Open (publishes skipped) for a while after a failed publish; closed again by a success.

    Per process: each web or worker process finds out about the broker for itself.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._open_until = None

    def is_open(self) -> bool:
        with self._lock:
            return self._open_until is not None and time.monotonic() < self._open_until

    def trip(self):
        with self._lock:
            self._open_until = time.monotonic() + settings.NOTIFICATION_PUBLISH_BACKOFF_SECONDS

    def close(self):
        with self._lock:
            self._open_until = None


publish_breaker = PublishBreaker()


def publish_delivery(notification_id: int):
    """One publish to the broker (raises when it is unreachable)."""
    from .tasks import deliver_notification

    deliver_notification.apply_async(args=[notification_id], retry=True, retry_policy=PUBLISH_RETRY_POLICY)


def enqueue_delivery(notification_id: int, *, force: bool = False) -> bool:
    """Publishes the delivery task; False when it was not published (the sweep will).

    `force` publishes even while the breaker is open: the sweep's probe of the broker.
    """
    if not force and publish_breaker.is_open():
        logger.info("Notification %s not enqueued: a publish failed moments ago; the sweep will retry",
                    notification_id)
        return False
    try:
        publish_delivery(notification_id)
    except Exception as error:  # noqa: BLE001 — any broker error leaves the row to the sweep
        publish_breaker.trip()
        logger.warning("Notification %s not enqueued (%s); publishing paused for %s s, the sweep will retry",
                       notification_id, redact_contact_data(f"{type(error).__name__}: {error}"),
                       settings.NOTIFICATION_PUBLISH_BACKOFF_SECONDS)
        return False
    publish_breaker.close()
    return True


def enqueue_delivery_on_commit(notification_id: int):
    transaction.on_commit(partial(enqueue_delivery, notification_id), robust=True)
