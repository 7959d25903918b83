"""Handing rows to the Celery queue. A failure to publish is logged, never raised: the row is
committed and pending, and the sweep publishes it again once the broker is back."""

import logging
from functools import partial

from django.db import transaction

logger = logging.getLogger(__name__)

# A broker hiccup is retried briefly; an outage must not hold the request that committed.
PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}


def enqueue_delivery(notification_id: int) -> bool:
    from .tasks import deliver_notification

    try:
        deliver_notification.apply_async(args=[notification_id], retry=True, retry_policy=PUBLISH_RETRY_POLICY)
    except Exception as error:  # noqa: BLE001 — any broker error leaves the row to the sweep
        logger.warning("Notification %s not enqueued (%s: %s); the sweep will retry", notification_id,
                       type(error).__name__, error)
        return False
    return True


def enqueue_delivery_on_commit(notification_id: int):
    transaction.on_commit(partial(enqueue_delivery, notification_id), robust=True)
