"""Celery tasks: thin, they load by id and call the delivery service.

Retries are not Celery's: a failed attempt schedules the next one on the row and the sweep
enqueues it when due (a countdown or ETA would sit in Redis and be redelivered).
"""

import logging

from celery import shared_task

from . import delivery, retention, sweep

logger = logging.getLogger(__name__)


@shared_task(name="notifications.tasks.deliver_notification", ignore_result=True)
def deliver_notification(notification_id):
    return delivery.deliver(notification_id)


@shared_task(name="notifications.tasks.deliver_notifications", ignore_result=True)
def deliver_notifications(notification_ids):
    outcomes = delivery.deliver_many(notification_ids)
    logger.info("Delivered a batch of %s: %s", len(notification_ids), dict(outcomes))
    return dict(outcomes)


@shared_task(name="notifications.tasks.sweep_outbox", ignore_result=True)
def sweep_outbox():
    report = sweep.sweep_outbox()
    logger.info("Outbox sweep: %s", report)
    return str(report)


@shared_task(name="notifications.tasks.purge_outbox", ignore_result=True)
def purge_outbox():
    report = retention.outbox_purge_expired()
    logger.info("Outbox purge: %s", report)
    return str(report)
