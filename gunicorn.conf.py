"""gunicorn's settings for the portal's web processes (read from the working directory).

Sync workers, as many as the machine's CPUs can keep busy: a request spends part of its time
waiting on PostgreSQL and Redis, so 2 × CPUs + 1 (gunicorn's own advice) unless WEB_CONCURRENCY
says otherwise. Each process is stateless (sessions live in PostgreSQL behind the Redis cache),
so any number of them, on any number of machines, can stand behind one load balancer.
"""

import multiprocessing
import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count() * 2 + 1)
worker_class = "sync"
timeout = 30
graceful_timeout = 30
# A worker is replaced after this many requests (with jitter, not all at once): a slow leak in any
# library cannot grow a process without bound.
max_requests = int(os.environ.get("WEB_MAX_REQUESTS", "5000"))
max_requests_jitter = max_requests // 10
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-" if os.environ.get("WEB_ACCESS_LOG", "").lower() == "true" else None
