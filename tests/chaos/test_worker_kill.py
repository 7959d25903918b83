"""Killing Celery workers in the middle of a mass send of 1,000 SMS: first one pool process (the
pool replaces it), later the worker's main process with its pool. A fresh worker and the outbox
sweep then deliver every message; the only messages sent twice are the one each killed process
had handed to the provider without recording it, and each of those rows says so."""

import os
import re
import signal
import time
from collections import Counter
from functools import partial
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from citizens.models import Citizen
from notifications.delivery import CLAIM_CHUNK
from notifications.dispatch import enqueue_deliveries
from notifications.models import Notification
from notifications.sweep import INTERRUPTED
from tests.integration.conftest import broker, private_redis, sms_files, wait_until, workers  # noqa: F401

from .held_sms import HOLD, held_marker, send_log

pytestmark = [pytest.mark.integration, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

HELD_BACKEND = "tests.chaos.held_sms.HeldFileSmsBackend"
COUNT = 1000
WORKER_ENV = {
    "SLOW_SMS_SECONDS": "0.01",
    # Longer than the batch's hand-back margin (notifications.delivery.LEASE_MARGIN, 30 s) plus a
    # chunk's sends, or every claimed row would be handed back unsent; short enough to wait out.
    "NOTIFICATION_SENDING_LEASE_SECONDS": "40",
}


def citizen(number):
    person = Citizen(notify_by=Citizen.NotifyBy.SMS)
    person.set_phone(f"+8210666{number:04d}")
    person.set_unusable_password()
    return person


def pool_processes(pid):
    """The pids of a process's children (the prefork pool), read from /proc."""
    children = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children.update(int(child) for child in (task / "children").read_text().split())
        except OSError:  # the thread ended meanwhile
            continue
    return children


def sent_count(directory):
    return sum(1 for path in directory.glob("*.txt") if not path.name.startswith(".partial-"))


def hold_and_wait(directory, pids, *, what):
    """Holds every process after its next send; returns {pid: reference} once all of `pids` hold."""
    (directory / HOLD).write_text("")

    def held():
        markers = {pid: held_marker(directory, pid) for pid in pids}
        return all(marker.exists() for marker in markers.values()) and {
            pid: marker.read_text() for pid, marker in markers.items()}

    return wait_until(held, timeout=30, interval=0.01, what=what)


def release(directory):
    (directory / HOLD).unlink()


def test_killed_workers_delay_a_mass_send_but_lose_none(workers, settings):  # noqa: F811 -- the fixture
    settings.NOTIFICATION_DELIVERY_BATCH = 50
    # The sweep below runs right after the kill: the rows of the batches the dead worker had taken
    # were never tried, and must not wait out the grace period meant for on-commit publishes.
    settings.NOTIFICATION_SWEEP_GRACE_SECONDS = 0
    citizens = Citizen.objects.bulk_create(citizen(number) for number in range(COUNT))
    with transaction.atomic():
        # A mass send as notify() writes it, in bulk (one statement, not a thousand): one row per
        # citizen, handed to the queue in batches of 50 (20 tasks) once the transaction commits.
        rows = Notification.objects.bulk_create(
            Notification(key=f"chaos:{person.pk}", kind="proposal_milestone", channel=Notification.Channel.SMS,
                         citizen=person, language="ko", body=f"Milestone reached ({number})")
            for number, person in enumerate(citizens)
        )
        transaction.on_commit(partial(enqueue_deliveries, [row.pk for row in rows]), robust=True)
    ids = set(Notification.objects.values_list("pk", flat=True))
    assert len(ids) == COUNT
    sms_dir = workers.sms_dir

    first = workers.start(sms_backend=HELD_BACKEND, env=WORKER_ENV, concurrency=2)
    main_pid = first.process.pid
    wait_until(lambda: len(pool_processes(main_pid)) == 2, timeout=30, what="the two pool processes")

    # 1. One pool process dies while the provider holds its message.
    wait_until(lambda: sent_count(sms_dir) >= 200, timeout=60, what="200 messages sent")
    pool = pool_processes(main_pid)
    (held_pid, held_reference), *_ = hold_and_wait(sms_dir, pool, what="the pool to hold its sends").items()
    os.kill(held_pid, signal.SIGKILL)
    release(sms_dir)
    killed = {held_pid: held_reference}
    log_at_kill = {held_pid: len(send_log(sms_dir))}
    replaced = wait_until(lambda: len(now := pool_processes(main_pid)) == 2 and held_pid not in now and now,
                          timeout=30, what="the pool to replace the killed process")
    (replacement,) = replaced - pool
    wait_until(lambda: str(replacement) in {pid for _, pid in send_log(sms_dir)}, timeout=30,
               what="the replacement pool process to send")
    assert Notification.objects.get(pk=held_reference).status == "sending"  # sent, never recorded

    # 2. Later the whole worker dies, both pool processes in the middle of a send.
    wait_until(lambda: sent_count(sms_dir) >= 500, timeout=60, what="500 messages sent")
    assert first.process.poll() is None  # the first kill left the worker running
    pool = pool_processes(main_pid)
    killed.update(hold_and_wait(sms_dir, pool, what="both pool processes to hold their sends"))
    first.kill()  # SIGKILL to the main process and its pool
    release(sms_dir)
    log_at_kill.update(dict.fromkeys(pool, len(send_log(sms_dir))))
    assert sent_count(sms_dir) < COUNT  # the kill came mid-send
    assert set(Notification.objects.filter(pk__in=killed.values()).values_list("status", flat=True)) == {"sending"}

    # A fresh worker takes the batches still queued; the sweep takes back what the dead held.
    second = workers.start(sms_backend=HELD_BACKEND, env=WORKER_ENV, concurrency=2)
    lease_ends = max(Notification.objects.filter(status="sending", pk__in=killed.values())
                     .values_list("lease_expires_at", flat=True))
    wait_until(lambda: timezone.now() > lease_ends, timeout=60, what="the killed processes' leases to expire")
    out = StringIO()
    call_command("sweep_outbox", stdout=out)
    taken_back = int(re.search(r"Interrupted sends taken back: (\d+) \(given up: 0\)", out.getvalue()).group(1))

    wait_until(lambda: Notification.objects.filter(status="sent").count() == COUNT, timeout=120, interval=0.5,
               what=f"every row sent; log of the first worker:\n{first.log_text()[-5000:]}")
    time.sleep(1)  # a message sent twice would show up here

    sends = Counter(reference for reference, _ in sms_files(sms_dir).values())
    assert set(sends) == {str(pk) for pk in ids}  # every notification delivered
    twice = {int(reference) for reference, times in sends.items() if times > 1}
    # Twice: exactly the message each killed process had handed to the provider, once more each.
    assert twice == {int(reference) for reference in killed.values()}
    assert len(twice) == len(killed) == 3 and max(sends.values()) == 2

    rows = Notification.objects.filter(pk__in=ids)
    interrupted = set(rows.filter(interrupted_attempts=1).values_list("pk", flat=True))
    # The sweep took back the rows claimed by the dead processes: those sent twice, and the rest
    # of each one's claimed chunk (claimed, never sent) — at most a chunk per killed process.
    assert twice <= interrupted
    assert len(interrupted) == taken_back <= len(killed) * CLAIM_CHUNK
    for row in rows.filter(pk__in=interrupted):
        assert row.attempts == 2
        assert row.last_error.startswith(INTERRUPTED.split(":")[0] + ":")
    # Every other row was claimed and sent exactly once.
    assert set(rows.exclude(pk__in=interrupted).values_list("interrupted_attempts", "attempts")) == {(0, 1)}
    assert not rows.filter(interrupted_attempts__gt=1).exists()
    # The batch the killed pool process was running went back to the queue and ran again
    # (task_reject_on_worker_lost); those the dead worker held did not (the sweep sent their rows).
    received = Counter(re.findall(r"deliver_notifications\[([0-9a-f-]+)\] received", first.log_text() + second.log_text()))
    assert sorted(received.values())[-2:] == [1, 2], received
    # Nothing was sent by a process after it was killed.
    log = send_log(sms_dir)
    assert len(log) == sum(sends.values())
    for pid, position in log_at_kill.items():
        assert str(pid) not in {sender for _, sender in log[position:]}
