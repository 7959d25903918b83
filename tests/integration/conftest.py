"""Real processes for the outbox's integration tests: a private Redis per test, Celery workers
on the test database, and the test process publishing to that Redis for real."""

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.broker_support import publishing_to, worker_database_url

ROOT = Path(__file__).resolve().parents[2]
CELERY = Path(sys.executable).parent / "celery"


def wait_until(predicate, *, timeout, interval=0.1, what="the condition"):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"Timed out after {timeout} s waiting for {what}")
        time.sleep(interval)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def stop_process_group(process, *, grace=10):
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=grace)
    except ProcessLookupError:
        pass


class RedisServer:
    """Our own redis-server, so a test can stop it without touching the shared one."""

    def __init__(self, directory: Path):
        self.port = free_port()
        self.directory = directory
        self.process = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def ping(self):
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--daemonize", "no", "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )
        wait_until(self.ping, timeout=10, what=f"redis-server on port {self.port}")

    def stop(self):
        if self.process is not None:
            stop_process_group(self.process, grace=5)
            self.process = None
        wait_until(lambda: not self.ping(), timeout=5, what="redis-server to stop")


@pytest.fixture
def private_redis(tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()




@dataclass
class Broker:
    redis: RedisServer
    queue: str


@pytest.fixture
def broker(private_redis, settings, monkeypatch):
    """The test process publishes for real (not eagerly) to the private Redis, on a queue of its own."""
    queue = f"notifications-test-{uuid.uuid4().hex[:10]}"
    with publishing_to(private_redis.url, queue, settings=settings, monkeypatch=monkeypatch):
        yield Broker(redis=private_redis, queue=queue)


@dataclass
class Worker:
    process: subprocess.Popen
    log: Path
    killed: bool = False

    def log_text(self):
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def kill(self):
        """SIGKILL the whole process group: the main process and every pool child, mid-task."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self.killed = True


@dataclass
class WorkerFactory:
    broker: Broker
    sms_dir: Path
    log_dir: Path
    workers: list = field(default_factory=list)

    def start(self, *, sms_backend="notifications.backends.sms.FileSmsBackend", env=None, concurrency=2):
        name = f"notif-{uuid.uuid4().hex[:8]}"
        log = self.log_dir / f"{name}.log"
        environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "seoul_portal.settings",
            "PYTHONPATH": str(ROOT),
            # The worker sees what the test committed in the test database.
            "DATABASE_URL": worker_database_url(),
            "DATABASE_POOL_MIN": "1",
            "REDIS_URL": self.broker.redis.url,
            "CELERY_BROKER_URL": self.broker.redis.url,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            # Redis would otherwise hand a killed worker's unacknowledged task to the next
            # worker itself; these tests show that the sweep alone recovers it.
            "CELERY_VISIBILITY_TIMEOUT": "3600",
            "SMS_BACKEND": sms_backend,
            "SMS_FILE_PATH": str(self.sms_dir),
            **(env or {}),
        }
        command = [
            str(CELERY), "-A", "seoul_portal", "worker", "--pool=prefork", "-c", str(concurrency),
            "-Q", self.broker.queue, "-n", f"{name}@%h", "--loglevel=INFO",
            "--without-gossip", "--without-mingle", "--without-heartbeat",
        ]
        with log.open("wb") as output:
            process = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=output,
                                       stderr=subprocess.STDOUT, start_new_session=True)
        worker = Worker(process=process, log=log)
        self.workers.append(worker)

        def ready():
            if process.poll() is not None:
                raise AssertionError(f"The worker exited ({process.returncode}):\n{worker.log_text()}")
            return " ready." in worker.log_text()

        wait_until(ready, timeout=60, interval=0.2, what="the Celery worker to be ready")
        return worker

    def stop_all(self):
        for worker in self.workers:
            stop_process_group(worker.process)


@pytest.fixture
def workers(broker, transactional_db, tmp_path):
    """Starts workers; they are stopped before the test database is flushed."""
    sms_dir = tmp_path / "sms"
    sms_dir.mkdir()
    factory = WorkerFactory(broker=broker, sms_dir=sms_dir, log_dir=tmp_path)
    try:
        yield factory
    finally:
        factory.stop_all()


def sms_files(directory: Path):
    """{file name: (reference, text)} of the messages the file backend wrote."""
    messages = {}
    for path in sorted(directory.glob("*.txt")):
        if path.name.startswith(".partial-"):
            continue
        header, _, body = path.read_text(encoding="utf-8").partition("\n\n")
        fields = dict(line.split(": ", 1) for line in header.splitlines())
        messages[path.name] = (fields["Reference"], body.strip())
    return messages
