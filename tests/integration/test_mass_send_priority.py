"""A sign-in code published while a mass send waits in the queue is sent before the rest of the
mass send: the batches go to the back of the queue (notifications.dispatch.MASS_SEND_PRIORITY)."""

import pytest
from django.db import transaction

from citizens import registry
from citizens.models import Citizen
from notifications.models import Notification
from notifications.services import notify

from .conftest import wait_until
from .pid_sms import connection_log

pytestmark = [pytest.mark.integration, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

PID_BACKEND = "tests.integration.pid_sms.PidFileSmsBackend"
MASS_SEND = 30


def test_a_sign_in_code_overtakes_a_queued_mass_send(workers, settings):
    settings.NOTIFICATION_DELIVERY_BATCH = 5
    citizens = [Citizen.objects.create_user(phone=f"+8210555{number:04d}", notify_by=Citizen.NotifyBy.SMS)
                for number in range(MASS_SEND)]  # fmt: skip
    with transaction.atomic():  # six batches of five, published when this commits
        for citizen in citizens:
            notify(recipient=citizen, kind="proposal_milestone", key=f"mass:{citizen.pk}",
                   context={"proposal_id": 1, "title": "t", "milestone": "m", "status_label": "s", "progress": 50,
                            "overall_progress": 50, "due_on": None, "completed_on": None, "added": True,
                            "note": "", "implemented_on": None})  # fmt: skip
    with transaction.atomic():
        registry.send_code(phone="+821055519999", code="424242", language="ko", reference="overtaking")
    code = Notification.objects.get(key="verification:overtaking")

    # One process, one task at a time, each send 0.1 s: the queue is full when the worker starts.
    workers.start(sms_backend=PID_BACKEND, concurrency=1, env={"SLOW_SMS_SECONDS": "0.1"})
    log = wait_until(lambda: len(found := connection_log(workers.sms_dir)) >= MASS_SEND + 1 and found,
                     timeout=90, what="every message to be sent")

    order = [reference for reference, _pid in log]
    assert len(set(order)) == len(order) == MASS_SEND + 1  # each once
    # Taken before the batches: first, or after the one batch a worker may already hold.
    assert order.index(str(code.pk)) <= settings.NOTIFICATION_DELIVERY_BATCH, order
