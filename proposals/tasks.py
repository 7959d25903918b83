from celery import shared_task

from .services import proposal_advance


@shared_task(name="proposals.tasks.advance_proposals", ignore_result=True)
def advance_proposals():
    """Periodic (Celery beat): the same as `manage.py proposals_advance`; safe to run twice."""
    report = proposal_advance()
    return report.changed
