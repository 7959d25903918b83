"""A worker keeps its PostgreSQL connection between tasks (in psycopg's pool) and still gets a
live one after that connection died: each task is wrapped as a request is
(seoul_portal/worker_connections.py), not closed around as Celery's Django fixup would."""

import pytest
from django.db import connection, transaction

from citizens import registry
from notifications.models import Notification

from .conftest import wait_until
from .pid_sms import connection_log

pytestmark = [pytest.mark.integration, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

PID_BACKEND = "tests.integration.pid_sms.PidFileSmsBackend"


def send_codes(first, count):
    rows = []
    for number in range(first, first + count):
        with transaction.atomic():
            registry.send_code(phone=f"+82105551{number:04d}", code=f"{number:06d}", language="ko",
                               reference=f"connections-{number}")
        rows.append(Notification.objects.get(key=f"verification:connections-{number}"))
    return rows


def wait_for_sends(directory, count):
    return wait_until(lambda: len(log) >= count and log if (log := connection_log(directory)) else None,
                      timeout=60, what=f"{count} sends")


def test_tasks_share_one_connection_and_a_dead_one_is_replaced(workers):
    workers.start(sms_backend=PID_BACKEND, concurrency=1)

    rows = send_codes(0, 8)
    log = wait_for_sends(workers.sms_dir, 8)

    pids = {pid for _reference, pid in log}
    # One worker process, one task at a time: the pool's connections (it may open a second)
    # serve every task; closing around each task, as Celery's fixup does, gave eight
    # connections for eight sends.
    assert len(pids) <= 2, log

    with connection.cursor() as cursor:
        for pid in pids:
            cursor.execute("SELECT pg_terminate_backend(%s)", [int(pid)])
            assert cursor.fetchone() == (True,)

    more = send_codes(8, 2)
    log = wait_for_sends(workers.sms_dir, 10)
    later = [pid for _reference, pid in log[8:]]
    assert not pids & set(later), log  # the dead connections were checked and replaced, not used
    for row in rows + more:
        row = wait_until(lambda row=row: Notification.objects.filter(pk=row.pk, status="sent").first(),
                         timeout=30, what=f"notification {row.pk} recorded as sent")
        assert row.attempts == 1 and row.last_error == ""  # no attempt failed on the dead connection
