"""The Celery settings that let a killed worker delay messages but lose none (test_worker_kill.py),
read back through the Celery app as a worker reads them: a misspelt CELERY_ name in the settings
would be ignored without a word, and the default it leaves in place is the unsafe one."""

import pytest
from celery.app.defaults import find
from django.conf import settings

from seoul_portal.celery import app

# Read by Celery's Django fixup itself, not an option of Celery's settings namespace.
FIXUP_SETTINGS = {"CELERY_DB_REUSE_MAX"}


def test_every_celery_setting_is_one_celery_knows():
    unknown = []
    for name in dir(settings):
        if not name.startswith("CELERY_") or name in FIXUP_SETTINGS:
            continue
        try:
            find(name.removeprefix("CELERY_").lower())
        except KeyError:
            unknown.append(name)
    assert unknown == []


@pytest.mark.parametrize(
    ("option", "value"),
    [
        # A task is acknowledged after it ran, and given back when its process dies mid-task...
        ("task_acks_late", True),
        ("task_reject_on_worker_lost", True),
        # ... and a dead process strands at most the one message it was running.
        ("worker_prefetch_multiplier", 1),
        # A worker waits for Redis at start-up and after losing it, for as long as it takes.
        ("broker_connection_retry_on_startup", True),
        ("broker_connection_retry", True),
        ("broker_connection_max_retries", None),
        # A task running when the broker connection drops is finished, not killed mid-send.
        ("worker_cancel_long_running_tasks_on_connection_loss", False),
        # Results are never stored: nothing to time out on.
        ("task_ignore_result", True),
    ],
)
def test_the_worker_runs_with(option, value):
    assert app.conf[option] == value


def test_the_broker_connection_is_bounded_and_checked():
    options = app.conf.broker_transport_options
    # A publish to a dead Redis fails within seconds instead of hanging the request.
    assert 0 < options["socket_connect_timeout"] <= 2
    assert 0 < options["socket_timeout"] <= 5
    assert options["socket_keepalive"] is True
    assert 0 < options["health_check_interval"] <= 30


def test_a_dead_workers_messages_come_back_within_minutes():
    options = app.conf.broker_transport_options
    restore_every = options["unacked_restore_interval"] * options["unacked_restore_throttle"]
    # Restored to the queue after the visibility timeout, found by the next periodic look.
    assert options["visibility_timeout"] >= 60 and options["visibility_timeout"] + restore_every <= 5 * 60
    assert 0 < options["unacked_restore_limit"] <= 1000
