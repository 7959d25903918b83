"""Every task runs on the queue meant for it: notifications never wait behind a long job."""

import pytest
from django.conf import settings

from seoul_portal.celery import app

BULK = {
    "complaints.tasks.refresh_rollups",
    "budgeting.tasks.count_cycle",
    "budgeting.tasks.tell_voters_the_results",
    "notifications.tasks.purge_outbox",
    "audit.tasks.purge_audit_ips",
    "citizens.tasks.purge_sign_in_records",
}


def queue_of(task_name: str) -> str:
    route = app.amqp.router.route({}, task_name, args=(), kwargs={})
    return route["queue"].name


def test_every_routed_task_exists():
    app.loader.import_default_modules()
    assert set(settings.CELERY_TASK_ROUTES) <= set(app.tasks)


@pytest.mark.parametrize("task_name", sorted(BULK))
def test_long_jobs_run_on_the_bulk_queue(task_name):
    assert queue_of(task_name) == "bulk"


@pytest.mark.parametrize("task_name", ["complaints.tasks.count_terms", "complaints.tasks.compute_trends"])
def test_text_analysis_runs_on_the_text_queue(task_name):
    assert queue_of(task_name) == "text"


def test_notifications_and_the_periodic_moves_stay_on_the_default_queue():
    app.loader.import_default_modules()
    unrouted = {name for name in app.tasks if not name.startswith("celery.")} - set(settings.CELERY_TASK_ROUTES)
    assert {"notifications.tasks.deliver_notification", "notifications.tasks.deliver_notifications"} <= unrouted
    assert {queue_of(name) for name in unrouted} == {"celery"}
