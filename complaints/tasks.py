"""Celery tasks of complaints: thin, they call a service. Run by beat (see the settings)."""

from celery import shared_task

from .services.escalation import complaints_escalate


@shared_task(name="complaints.tasks.escalate_complaints", ignore_result=True)
def escalate_complaints():
    """Periodic: the same as `manage.py complaints_escalate`. Idempotent (flags set once under the
    row lock, notifications keyed), so an overlapping or repeated run does nothing twice."""
    return complaints_escalate().changed
