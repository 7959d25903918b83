"""A test-only SMS backend for the worker-kill test (loaded by the worker as
SMS_BACKEND=tests.integration.slow_sms.SlowFileSmsBackend).

The provider accepts the message at once (the file is written) but answers slowly: a worker
killed while it waits has sent the message without recording it — the one case where the outbox
may send a message twice.
"""

import os
import time

from notifications.backends.sms import FileSmsBackend


class SlowFileSmsBackend(FileSmsBackend):
    def send(self, message):
        message_id = super().send(message)
        time.sleep(float(os.environ.get("SLOW_SMS_SECONDS", "0")))
        return message_id
