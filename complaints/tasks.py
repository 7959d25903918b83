"""Celery tasks of complaints: thin, they call a service. Run by beat (see the settings)."""

from celery import shared_task

from .services.escalation import complaints_escalate


@shared_task(name="complaints.tasks.escalate_complaints", ignore_result=True)
def escalate_complaints():
    """Periodic: the same as `manage.py complaints_escalate`. Idempotent (flags set once under the
    row lock, notifications keyed), so an overlapping or repeated run does nothing twice."""
    return complaints_escalate().changed


@shared_task(name="complaints.tasks.refresh_rollups", ignore_result=True)
def refresh_rollups():
    """Periodic: counts the complaints changed since the last refresh into the rollups, then computes
    the dashboards' usual first views under the new counts."""
    from .services.figures_warming import figures_warm
    from .services.rollups import rollups_refresh

    rollups_refresh()
    figures_warm()


@shared_task(name="complaints.tasks.count_terms", ignore_result=True)
def count_terms(complaint_id: int):
    """A new complaint's terms into the trends' counts: on the `text` queue (settings), whose worker
    holds the Korean morphological analyser, so that it never delays notifications."""
    from .services.text_analysis import complaint_count_terms

    complaint_count_terms(complaint_id)


@shared_task(name="complaints.tasks.suggest_unit", ignore_result=True)
def suggest_unit(complaint_id: int, routed_unit_id: int | None):
    """The routing classifier's suggestion for a complaint intake (or triage) sent to its
    category's default unit (`routed_unit_id`): on the `text` queue (settings), whose worker holds
    the Korean morphological analyser, so that web workers never load it. Repeating it changes
    nothing: once moved, the complaint is no longer at `routed_unit_id`."""
    from .routing import complaint_follow_suggestion

    complaint_follow_suggestion(complaint_id=complaint_id, routed_unit_id=routed_unit_id)


@shared_task(name="complaints.tasks.compute_trends", ignore_result=True)
def compute_trends():
    """Periodic: the trending terms of this week against the previous four (text queue)."""
    from .services.text_analysis import trends_compute

    trends_compute()
