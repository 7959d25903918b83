"""The portal running as in production, for the fault tests: gunicorn (the repository's
gunicorn.conf.py, threaded workers) on a free loopback port, on the test database and a Redis the
test owns, publishing its tasks to that Redis instead of running them in the request.

The command is bench/load.py's (`python -m gunicorn seoul_portal.wsgi:application`), with gthread
workers so that many requests of one process share its psycopg pool: a request that finds every
pooled connection busy waits up to DATABASE_POOL_TIMEOUT for one, instead of opening its own.
"""

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.integration.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]
SITE_APPLICATION_NAME = "portal-chaos-site"
# Settings of this machine's own site that would point the test's site elsewhere: a replica of
# another database, another broker, gunicorn's bind and workers (the command line sets those).
NOT_INHERITED = {"DATABASE_REPLICA_URL", "CELERY_BROKER_READ_URL", "CELERY_BROKER_WRITE_URL", "PORT", "WEB_CONCURRENCY"}


class SiteServer:
    """One gunicorn master and its workers, in a process group of their own (stopped as one)."""

    def __init__(
        self,
        *,
        database_url: str,
        redis_url: str,
        log_dir: Path,
        env: dict | None = None,
        workers: int = 2,
        threads: int = 16,
    ):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.database_url = database_url
        self.redis_url = redis_url
        self.log = Path(log_dir) / f"gunicorn-{self.port}.log"
        self.log_dir = Path(log_dir)
        self.extra_env = dict(env or {})
        self.workers = workers
        self.threads = threads
        self.process = None
        # The gunicorn master's pid (set by start(), kept after stop()): the same for the whole
        # test unless the web process was restarted.
        self.pid = None

    def environment(self) -> dict:
        from django.conf import settings

        inherited = {name: value for name, value in os.environ.items() if name not in NOT_INHERITED}
        return {
            **inherited,
            "DJANGO_SETTINGS_MODULE": "seoul_portal.settings",
            "PYTHONPATH": str(ROOT),
            "DATABASE_URL": self.database_url,
            # Each thread of a worker may hold a connection; above the pool's size they queue on
            # it (for up to a minute) rather than fail or open more connections to PostgreSQL.
            "DATABASE_POOL_MIN": "1",
            "DATABASE_POOL_MAX": str(max(2, self.threads // 2)),
            "DATABASE_POOL_TIMEOUT": "60",
            # libpq's application_name: the tests tell the site's connections from their own.
            "PGAPPNAME": SITE_APPLICATION_NAME,
            "REDIS_URL": self.redis_url,
            "CELERY_BROKER_URL": self.redis_url,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "LEDGER_SEAL_ON_COMMIT": "false",
            "DEBUG": "false",
            # The test process signs sessions and encrypts phones: the site must share its keys.
            "SECRET_KEY": settings.SECRET_KEY,
            "FIELD_ENCRYPTION_KEYS": ",".join(settings.FIELD_ENCRYPTION_KEYS),
            "BLIND_INDEX_KEY": settings.BLIND_INDEX_KEY,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            # Plain HTTP on loopback, files served by the finders (no collectstatic).
            "SECURE_SSL_REDIRECT": "false",
            "SESSION_COOKIE_SECURE": "false",
            "CSRF_COOKIE_SECURE": "false",
            "SECURE_HSTS_SECONDS": "0",
            "STATICFILES_STORAGE": "django.contrib.staticfiles.storage.StaticFilesStorage",
            "SMS_BACKEND": "notifications.backends.sms.FileSmsBackend",
            "SMS_FILE_PATH": str(self.log_dir / "site-sms"),
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(self.log_dir / "site-email"),
            "LOG_LEVEL": "WARNING",
            # WhiteNoise serves collected files in production; here the finders serve them.
            "PYTHONWARNINGS": "ignore:No directory at:UserWarning",
            **self.extra_env,
        }

    def command(self) -> list[str]:
        return [
            sys.executable, "-m", "gunicorn", "seoul_portal.wsgi:application",
            "--config", str(ROOT / "gunicorn.conf.py"),
            "--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers),
            "--worker-class", "gthread", "--threads", str(self.threads),
            # A burst larger than workers x threads waits in the listen queue, not refused.
            "--backlog", "2048", "--timeout", "120", "--graceful-timeout", "10",
            # Never recycled during a test: the pid the tests compare stays the same.
            "--max-requests", "0", "--max-requests-jitter", "0",
            "--log-level", "warning", "--error-logfile", "-",
        ]  # fmt: skip

    def start(self, *, timeout: float = 60.0):
        """Start gunicorn and wait until it answers /healthz (any status: a 503 says it is up
        while a service it checks is down)."""
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with self.log.open("ab") as output:
            self.process = subprocess.Popen(  # noqa: S603 -- our own interpreter and arguments
                self.command(),
                cwd=ROOT,
                env=self.environment(),
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.pid = self.process.pid
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise AssertionError(f"gunicorn exited at start ({self.process.returncode}):\n{self.log_text()}")
            if self.answers():
                return self
            if time.monotonic() > deadline:
                self.stop()
                raise AssertionError(f"gunicorn did not answer within {timeout:.0f} s:\n{self.log_text()}")
            time.sleep(0.2)

    def answers(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/healthz", timeout=5):  # noqa: S310 -- loopback
                return True
        except urllib.error.HTTPError:
            return True
        except OSError:
            return False

    def stop(self):
        """SIGTERM to the master (graceful shutdown of its workers), then SIGKILL to the group."""
        process, self.process = self.process, None
        if process is None:
            return
        if process.poll() is None:
            try:
                process.terminate()
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                pass
        # Whatever is left of the group (a hung worker, or workers of a master that died).
        with contextlib.suppress(ProcessLookupError):  # none left: the master took its workers along
            os.killpg(process.pid, signal.SIGKILL)
        if process.poll() is None:
            process.wait(timeout=10)

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""
