"""The portal's settings for the complaints intake under load (bench/scenarios/complaints.py):
production's, except the limits that count per client address and per app key.

Every request of the load comes from 127.0.0.1 and every Open311 post from one benchmark app: the
per-IP filing limit (a flood from one address) and the per-key posting limit would refuse all but
the first few dozen, measuring the limits instead of the intake. In production each citizen has
their own address and each app its own key; the per-filer limit stays as it is (each of the
load's citizens files once).

With a broker, bench/load.py names a queue of the run's own (BENCH_TASK_QUEUE): every task the
intake publishes (a receipt's SMS, the routing suggestion) goes to it or to one named after it per
queue of production's routes, where no worker takes it, and the load counts and deletes them after.
The web workers then do what production's do: publish, not run, the tasks (the routing suggestion's
Korean analyser lives in the text worker, never in a web process).
"""

import os

from seoul_portal.settings import *  # noqa: F403
from seoul_portal.settings import CELERY_TASK_ROUTES

COMPLAINTS_FILINGS_PER_HOUR_PER_IP = 1_000_000_000
OPEN311_POSTS_PER_MINUTE = 1_000_000_000

BENCH_TASK_QUEUE = os.environ.get("BENCH_TASK_QUEUE", "")
if BENCH_TASK_QUEUE:
    CELERY_TASK_DEFAULT_QUEUE = BENCH_TASK_QUEUE
    CELERY_TASK_ROUTES = {
        task: {**route, "queue": f"{BENCH_TASK_QUEUE}.{route['queue']}"} for task, route in CELERY_TASK_ROUTES.items()
    }
