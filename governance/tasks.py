"""Celery tasks of governance: thin, they call a service. Run by beat (see the settings)."""

from celery import shared_task

from .services.reviews import review_reminders_send


@shared_task(name="governance.tasks.send_review_reminders", ignore_result=True)
def send_review_reminders():
    # Idempotent per (item, member) through the outbox key: a rerun, or two runs that overlap,
    # remind nobody twice; a run that dies half-way is finished by the next one.
    return review_reminders_send()
