"""The portal's settings for the complaints intake under load (bench/scenarios/complaints.py):
production's, except the limits that count per client address and per app key.

Every request of the load comes from 127.0.0.1 and every Open311 post from one benchmark app: the
per-IP filing limit (a flood from one address) and the per-key posting limit would refuse all but
the first few dozen, measuring the limits instead of the intake. In production each citizen has
their own address and each app its own key; the per-filer limit stays as it is (each of the
load's citizens files once).
"""

from seoul_portal.settings import *  # noqa: F403

COMPLAINTS_FILINGS_PER_HOUR_PER_IP = 1_000_000_000
OPEN311_POSTS_PER_MINUTE = 1_000_000_000
