"""A test-only SMS backend for the worker-kill test (loaded by the worker as
SMS_BACKEND=tests.chaos.held_sms.HeldFileSmsBackend): it lets the test SIGKILL a process at the
worst moment, when the provider has accepted a message and the worker has not recorded it yet.

Each send writes the file backend's message, then a line `<reference> <pid>` to sends.log beside
it. While a file named HOLD exists in that directory, a process that has just sent a message
writes `.held-<pid>` (holding the reference) and waits there until HOLD is removed, so that the
test knows which process to kill and which message it was sending. SLOW_SMS_SECONDS is a pause
after every send.
"""

import os
import time
from pathlib import Path

from django.conf import settings

from notifications.backends.sms import FileSmsBackend

HOLD = "HOLD"


def held_marker(directory: Path, pid: int) -> Path:
    return directory / f".held-{pid}"


def send_log(directory: Path):
    """[(reference, pid)] in the order the sends ran."""
    path = directory / "sends.log"
    if not path.exists():
        return []
    return [tuple(line.split()) for line in path.read_text().splitlines() if line.strip()]


class HeldFileSmsBackend(FileSmsBackend):
    def send(self, message):
        message_id = super().send(message)
        directory = Path(settings.SMS_FILE_PATH)
        pid = os.getpid()
        with (directory / "sends.log").open("a") as log:
            log.write(f"{message.reference} {pid}\n")
        if (directory / HOLD).exists():
            marker = held_marker(directory, pid)
            partial = marker.with_name(f"{marker.name}.partial")
            partial.write_text(message.reference)
            partial.replace(marker)  # the test never reads half a reference
            while (directory / HOLD).exists():
                time.sleep(0.01)
            marker.unlink()  # released, not killed: this send is recorded as usual
        time.sleep(float(os.environ.get("SLOW_SMS_SECONDS", "0")))
        return message_id
