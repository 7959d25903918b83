"""The complaints intake under load publishes its tasks to a broker, as production's servers do,
instead of running them in the request: the intake settings route every task to queues of the
run's own, and the load counts what waits in them, at every priority, and deletes them."""

import json
import os
import subprocess
import sys

from django.conf import settings
from kombu import Connection, Queue

from bench import load as bench_load
from bench.broker import queue_keys
from bench.scenarios import complaints as scenarios

RUN_QUEUE = "bench-load-test-web_form-portal"

SHOW_SETTINGS = """
import json
from django.conf import settings
from kombu import Connection, Queue
print(json.dumps({
    "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "broker": settings.CELERY_BROKER_URL,
    "default_queue": getattr(settings, "CELERY_TASK_DEFAULT_QUEUE", None),
    "routes": {task: route["queue"] for task, route in settings.CELERY_TASK_ROUTES.items()},
    "seal_on_commit": settings.LEDGER_SEAL_ON_COMMIT,
}))
"""


def intake_settings(extra_env):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.intake_settings", "CELERY_TASK_ALWAYS_EAGER": "true"}
    env.pop("BENCH_TASK_QUEUE", None)
    env.update(extra_env)
    code = "import django; django.setup()\n" + SHOW_SETTINGS
    completed = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return json.loads(completed.stdout)


def test_the_intake_servers_publish_their_tasks():
    assert all(variant.publishes_tasks for load in scenarios.LOAD for variant in load.variants)


def test_with_a_run_queue_every_task_goes_to_the_runs_queues_and_none_runs_in_the_request():
    broker = "redis://127.0.0.1:6379/15"
    shown = intake_settings(bench_load.publishing_environment(broker, RUN_QUEUE))
    assert shown["eager"] is False and shown["broker"] == broker
    # Production's servers with a broker seal the ledger in the beat task, not on commit.
    assert shown["seal_on_commit"] is False
    assert shown["default_queue"] == RUN_QUEUE
    production = settings.CELERY_TASK_ROUTES
    assert shown["routes"] == {task: f"{RUN_QUEUE}.{route['queue']}" for task, route in production.items()}


def test_without_a_run_queue_the_routes_are_productions():
    shown = intake_settings({})
    assert shown["eager"] is True
    assert shown["routes"] == {task: route["queue"] for task, route in settings.CELERY_TASK_ROUTES.items()}


def test_the_runs_queues_are_productions_each_under_the_runs_name():
    queues = bench_load.published_queues(RUN_QUEUE)
    assert queues["celery"] == RUN_QUEUE
    assert {"text", "bulk"} <= set(queues)
    assert all(queue == RUN_QUEUE or queue == f"{RUN_QUEUE}.{name}" for name, queue in queues.items())


def test_the_published_tasks_are_counted_at_every_priority_then_deleted(broker_url):
    import redis

    queue = f"{RUN_QUEUE}-{os.getpid()}"
    # Published as Celery publishes (kombu's Redis transport), on a connection of the test's own:
    # kombu's producer pools are shared per broker, and another test may have closed them.
    with Connection(broker_url, transport_options=settings.CELERY_BROKER_TRANSPORT_OPTIONS) as connection:
        producer = connection.Producer()

        def publish(task, routed_to, **options):
            producer.publish({"task": task}, routing_key=routed_to, declare=[Queue(routed_to)], **options)

        # A receipt's SMS at the default priority, a mass send's batch at the highest step, and a
        # routing suggestion on the text queue: what the intake's servers publish.
        publish("notifications.tasks.deliver_notification", queue)
        publish("notifications.tasks.deliver_notifications", queue, priority=9)
        publish("complaints.tasks.suggest_unit", f"{queue}.text")
    client = redis.Redis.from_url(broker_url)
    try:
        # The batch waits in kombu's list of its priority, which the count must include.
        assert client.llen(queue) == 1 and client.llen(f"{queue}\x06\x169") == 1
    finally:
        client.close()
    lines = []
    counts = bench_load.collect_published(broker_url, queue, write=lines.append)
    assert counts["celery"] == 2 and counts["text"] == 1 and counts["bulk"] == 0
    assert "celery 2" in lines[0] and "text 1" in lines[0]
    client = redis.Redis.from_url(broker_url)
    try:
        for run_queue in bench_load.published_queues(queue).values():
            assert client.exists(*queue_keys(run_queue)) == 0
    finally:
        client.close()
    assert bench_load.collect_published(broker_url, queue, write=lines.append) == dict.fromkeys(counts, 0)
    assert lines[-1].endswith(": none")
