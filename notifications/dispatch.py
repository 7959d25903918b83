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


# A batch goes to the back of the queue: a sign-in code or a complaint's answer published during a
# mass send of 100,000 messages must not wait minutes behind it. On Redis a priority is a list of
# its own beside the queue's (0, the default, is served first; 9 last), so the workers' commands
# and queues stay as they are.
MASS_SEND_PRIORITY = 9


def publish_batch(notification_ids: list[int]):
    """One publish of a batch's task (raises when the broker is unreachable)."""
    from .tasks import deliver_notifications

    deliver_notifications.apply_async(args=[notification_ids], priority=MASS_SEND_PRIORITY, retry=True,
                                      retry_policy=PUBLISH_RETRY_POLICY)


def _published(publish, what: str, *, force: bool) -> bool:
    """Calls `publish` unless the breaker is open (or `force`); False when nothing was published,
    the breaker tripped by a failure. `what` names the rows in the log ("Notification 7")."""
    if not force and publish_breaker.is_open():
        logger.info("%s not enqueued: a publish failed moments ago; the sweep will retry", what)
        return False
    try:
        publish()
    except Exception as error:  # noqa: BLE001 — any broker error leaves the rows to the sweep
        publish_breaker.trip()
        logger.warning("%s not enqueued (%s); publishing paused for %s s, the sweep will retry", what,
                       redact_contact_data(f"{type(error).__name__}: {error}"),
                       settings.NOTIFICATION_PUBLISH_BACKOFF_SECONDS)
        return False
    publish_breaker.close()
    return True


def enqueue_delivery(notification_id: int, *, force: bool = False) -> bool:
    """Publishes the delivery task; False when it was not published (the sweep will).

    `force` publishes even while the breaker is open: the sweep's probe of the broker.
    """
    return _published(partial(publish_delivery, notification_id), f"Notification {notification_id}", force=force)


def enqueue_deliveries(notification_ids, *, force: bool = False) -> int:
    """Publishes delivery tasks for many rows, NOTIFICATION_DELIVERY_BATCH rows to a task (one
    row alone goes as deliver_notification). Returns how many rows were handed to the broker; at
    the first failed publish the rest are left to the sweep. `force`: as for enqueue_delivery,
    for the first publish."""
    ids = list(notification_ids)
    if len(ids) == 1:
        return int(enqueue_delivery(ids[0], force=force))
    size = settings.NOTIFICATION_DELIVERY_BATCH
    published = 0
    for start in range(0, len(ids), size):
        batch = ids[start : start + size]
        what = f"{len(ids) - published} notifications"
        if not _published(partial(publish_batch, batch), what, force=force and start == 0):
            return published
        published += len(batch)
    return published


class CommitBatch:
    """The rows written in one transaction, published together once it commits."""

    def __init__(self):
        self.ids = []
        self.published = False

    def publish(self):
        # Every row registers this callback; the first to run publishes the whole batch.
        if self.published:
            return
        self.published = True
        enqueue_deliveries(list(dict.fromkeys(self.ids)))

    def is_registered_on(self, connection) -> bool:
        # Searched from the end: the batch's latest registration is usually the last callback.
        return any(callback == self.publish for _sids, callback, _robust in reversed(connection.run_on_commit))


def enqueue_delivery_on_commit(notification_id: int):
    """Delivery is enqueued once the caller's transaction commits. The rows of one transaction
    go out together, in batches: a mass send (every voter of a budget cycle, a proposal's
    followers) costs a task per batch, not a task per message; a lone row (a sign-in code) still
    goes as its own task."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        enqueue_delivery(notification_id)
        return
    batch = getattr(connection, "notifications_commit_batch", None)
    # The batch belongs to this transaction while a callback of it is still registered: a
    # rolled-back transaction (or savepoint) has dropped them. Rows of a savepoint rolled back
    # after they joined stay in the batch: their task finds no row and skips them.
    if batch is None or batch.published or not batch.is_registered_on(connection):
        batch = CommitBatch()
        connection.notifications_commit_batch = batch
    batch.ids.append(notification_id)
    transaction.on_commit(batch.publish, robust=True)
