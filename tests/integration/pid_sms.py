"""A test-only SMS backend that notes which PostgreSQL connection each send ran on (loaded by
the worker as SMS_BACKEND=tests.integration.pid_sms.PidFileSmsBackend): the file backend's
message, and a line `<reference> <backend pid>` in connections.log beside it, in the order of
the sends. SLOW_SMS_SECONDS makes each send take that long."""

import os
import time
from pathlib import Path

from django.conf import settings
from django.db import connection

from notifications.backends.sms import FileSmsBackend


def connection_log(directory):
    """[(reference, backend pid)] in the order the sends ran."""
    path = directory / "connections.log"
    if not path.exists():
        return []
    return [tuple(line.split()) for line in path.read_text().splitlines() if line.strip()]


class PidFileSmsBackend(FileSmsBackend):
    def send(self, message):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            (pid,) = cursor.fetchone()
        message_id = super().send(message)
        time.sleep(float(os.environ.get("SLOW_SMS_SECONDS", "0")))
        with (Path(settings.SMS_FILE_PATH) / "connections.log").open("a") as log:
            log.write(f"{message.reference} {pid}\n")
        return message_id
