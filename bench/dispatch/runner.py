"""The dispatch benchmark's run: a mass SMS through the outbox, real Celery workers, a fake Twilio.

    python -m bench.dispatch --messages 100000 --rate 300 --workers 2
    python -m bench.dispatch --messages 2000 --rate 10 --keep   # a binding rate; keep the logs

Needs DATABASE_URL (a PostgreSQL server on this machine; the run creates and drops its own
database, seoul_portal_bench_dispatch, migrated like bench/run.py's) and REDIS_URL (the broker;
the run publishes to a queue of its own there and deletes it at the end). Everything else is
started here, each in its own process, and stopped at the end (also on Ctrl-C or an error):

1. the fake provider (bench/dispatch/provider.py): Twilio's Messages API on 127.0.0.1, accepting
   `rate` messages a second (a token bucket with a small burst) and answering Twilio's 429
   (code 20429) beyond;
2. the outbox (bench/dispatch/outbox.py): `messages` citizens and their "budget results
   published" SMS, written as the outbox service writes them, then their delivery published as
   the transaction's on-commit hook publishes it (a task per NOTIFICATION_DELIVERY_BATCH rows);
3. `workers` Celery workers as production runs them (`celery worker -Q ... --loglevel=INFO
   --concurrency 4`, prefork), on the portal's settings with SMS_BACKEND = the portal's
   TwilioSmsBackend, fake credentials and Twilio's API on loopback (bench/dispatch/worker.py);
4. the outbox sweep every minute, as Celery beat schedules it (rows refused with a retryable
   error come back through it; the Twilio backend waits a 429 out within the attempt first).

The run ends when every row is sent (or failed), or at the timeout. The referee is the
provider: a message is delivered when it accepted it, doubled when it accepted it twice, lost
when its row is not sent or the provider never accepted it. The rate is the provider's: accepted
messages over the time from the first to the last one it accepted. Exit status 1 on any lost or
doubled message (or a timeout); the rate and memory targets print PASS or FAIL.

Also reported, to tell where the time goes: the CPU time each group of processes used from the
workers' start (the workers' trees, the provider, the sweep, the PostgreSQL backends serving the
run's database) per message, what the delivery tasks returned (from the workers' logs), and each
worker tree's peak memory (a process's peak RSS from VmHWM; the tree's summed RSS and PSS as
sampled every half second).
"""

import argparse
import ast
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

from bench.broker import delete_queue, queue_length
from bench.run import (
    DATABASE_PREFIX,
    ROOT,
    BenchError,
    check_database_url,
    create_database,
    drop_database,
    environment,
    run_step,
    server_version,
)
from bench.run import database_url as url_of_database

from .processes import ProcessSampler
from .report import format_report, judge, outcome

DATABASE = f"{DATABASE_PREFIX}_dispatch"
DEFAULT_CONCURRENCY = 4  # production's (docker-compose.yml)
CELERY = Path(sys.executable).parent / "celery"
# Fake credentials in Twilio's formats: the fake provider checks them as Twilio would.
ACCOUNT_SID = "AC" + "d15ba7c4" * 4
AUTH_TOKEN = "bench-dispatch-auth-token"
MESSAGING_SERVICE_SID = "MG" + "d15ba7c4" * 4
TABLE = "notifications_notification"


def _stop(process: subprocess.Popen | None, *, grace=20.0):
    """SIGTERM to the process's group (a Celery worker and its pool), SIGKILL after `grace`."""
    if process is None or process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    except ProcessLookupError:
        pass


def _log_tail(path: Path, size=3000) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")[-size:]
    except OSError:
        return "(no log)"


class Provider:
    """The fake provider's process, and its referee's view (GET /bench/stats)."""

    def __init__(self, *, rate, burst, log: Path):
        command = [sys.executable, "-m", "bench.dispatch.provider", "--rate", str(rate), "--account-sid",
                   ACCOUNT_SID, "--auth-token", AUTH_TOKEN]  # fmt: skip
        if burst is not None:
            command += ["--burst", str(burst)]
        self.log = log
        self.process = subprocess.Popen(
            command, cwd=ROOT, stdout=subprocess.PIPE, stderr=log.open("wb"), start_new_session=True, text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )  # fmt: skip
        line = self.process.stdout.readline()
        if not line.startswith("LISTENING "):
            _stop(self.process)
            raise BenchError(f"The fake provider did not start: {line!r} {_log_tail(log)}")
        self.port = int(line.split()[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stats(self, *, references=False) -> dict:
        url = f"{self.base_url}/bench/stats" + ("?references=1" if references else "")
        with urllib.request.urlopen(url, timeout=30) as response:  # loopback only
            return json.loads(response.read())

    def stop(self):
        _stop(self.process, grace=5)


def worker_environment(url, name, redis_url, provider: Provider) -> dict:
    env = environment(url, name, redis_url=redis_url)
    for variable in ("CELERY_BROKER_WRITE_URL", "CELERY_BROKER_READ_URL"):
        env.pop(variable, None)
    env.update(
        {
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "CELERY_BROKER_URL": redis_url,
            "SMS_BACKEND": "notifications.backends.sms.TwilioSmsBackend",
            "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
            "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
            "TWILIO_MESSAGING_SERVICE_SID": MESSAGING_SERVICE_SID,
            "TWILIO_FROM_NUMBER": "",
            "BENCH_TWILIO_BASE_URL": provider.base_url,
        }
    )
    return env


def start_worker(number, *, env, queue, concurrency, log: Path) -> subprocess.Popen:
    command = [
        str(CELERY), "-A", "bench.dispatch.worker", "worker", "--pool=prefork", "--concurrency", str(concurrency),
        "-Q", queue, "-n", f"dispatch{number}-{queue}@%h", "--loglevel=INFO", "--logfile", str(log),
    ]  # fmt: skip
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log.with_suffix(".err").open("wb"),
                            start_new_session=True)  # fmt: skip


def wait_ready(process: subprocess.Popen, log: Path, *, timeout=120.0):
    deadline = time.monotonic() + timeout
    while " ready." not in _log_tail(log, size=100_000):
        if process.poll() is not None:
            raise BenchError(f"A worker exited ({process.returncode}): {_log_tail(log)} {_log_tail(log.with_suffix('.err'))}")
        if time.monotonic() > deadline:
            raise BenchError(f"A worker was not ready within {timeout:.0f} s: {_log_tail(log)}")
        time.sleep(0.2)


def postgres_backends(connection, name) -> list[int]:
    """The PostgreSQL server processes serving the benchmark's database (but this connection)."""
    rows = connection.execute(
        "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", [name]
    ).fetchall()
    return [pid for (pid,) in rows]


def cpu_by_group(sampler) -> dict[str, float]:
    sampler.sample()
    return {name: sum(group.process_cpu.values()) for name, group in sampler.groups.items()}


def row_counts(connection) -> dict:
    rows = connection.execute(f"SELECT status, count(*) FROM {TABLE} GROUP BY status").fetchall()  # noqa: S608
    return dict(rows)


def run_dispatch(
    database_url: str,
    redis_url: str,
    *,
    messages: int,
    rate: float,
    workers: int = 2,
    concurrency: int | None = None,
    timeout: float = 3600.0,
    burst: float | None = None,
    sweep_every: float = 60.0,
    fresh_database: bool = True,
    keep: bool = False,
    write=print,
) -> dict:
    """Run the benchmark; returns its report (see `format_report`).

    `database_url`: the PostgreSQL server (its database name is replaced by the run's own, created
    and dropped here); with `fresh_database=False`, a migrated database to run in as it is (tests:
    pytest's). `timeout`: seconds from the workers' start until every row must be done.
    """
    url = check_database_url(database_url)
    if not redis_url:
        raise BenchError("REDIS_URL is not set: the workers need a broker.")
    if urlsplit(redis_url).hostname not in {"127.0.0.1", "localhost", "::1"}:
        raise BenchError("The benchmark's broker must be on this machine (REDIS_URL on 127.0.0.1).")
    concurrency = concurrency or DEFAULT_CONCURRENCY
    name = DATABASE if fresh_database else urlsplit(url).path.lstrip("/")
    queue = f"bench-dispatch-{uuid.uuid4().hex[:10]}"
    workdir = Path(tempfile.mkdtemp(prefix="seoul-bench-dispatch-"))
    processes: list[subprocess.Popen] = []
    provider = sweeper = sampler = None
    created = False
    result = {
        "messages": messages, "rate": rate, "workers": workers, "concurrency": concurrency, "queue": queue,
        "machine": {"cpus": os.cpu_count(), "loadavg_before": os.getloadavg()},
    }  # fmt: skip
    try:
        import psycopg

        write(f"Dispatch benchmark: {messages:,} SMS, provider rate {rate:g}/s, {workers} workers x {concurrency} "
              f"(prefork), PostgreSQL {server_version(url)}, {os.cpu_count()} CPUs")  # fmt: skip
        if fresh_database:
            write(f"Creating and migrating {name} ...")
            create_database(url, name)
            created = True
            run_step([sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"], environment(url, name),
                     label="migrate")  # fmt: skip
        provider = Provider(rate=rate, burst=burst, log=workdir / "provider.log")
        env = worker_environment(url, name, redis_url, provider)
        write(f"Fake provider on {provider.base_url}; seeding {messages:,} citizens and their outbox ...")
        seed_out = workdir / "seed.json"
        run_step([sys.executable, "-m", "bench.dispatch.outbox", "seed", "--messages", str(messages), "--queue",
                  queue, "--out", str(seed_out)], env, label="seeding the outbox")  # fmt: skip
        seeded = json.loads(seed_out.read_text(encoding="utf-8"))
        result["seed"] = seeded
        if seeded["notifications"] != messages or seeded["published"] != messages:
            raise BenchError(f"Seeding wrote {seeded['notifications']:,} rows and published {seeded['published']:,}, "
                             f"not {messages:,}.")  # fmt: skip
        sweeper = subprocess.Popen(
            [sys.executable, "-m", "bench.dispatch.outbox", "sweep", "--queue", queue, "--every", str(sweep_every)],
            cwd=ROOT, env=env, stdout=(workdir / "sweep.log").open("wb"), stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        processes.append(sweeper)
        write(f"Starting {workers} workers ...")
        logs = []
        for number in range(1, workers + 1):
            log = workdir / f"worker{number}.log"
            processes.append(start_worker(number, env=env, queue=queue, concurrency=concurrency, log=log))
            logs.append(log)
        sampler = ProcessSampler(cpu_only=["postgres"])
        for number, process in enumerate(processes[1:], start=1):
            sampler.tree(f"worker {number}", process.pid)
        sampler.tree("provider", provider.process.pid)
        sampler.tree("sweep", sweeper.pid)
        sampler.start()
        started = time.monotonic()
        for process, log in zip(processes[1:], logs, strict=True):
            wait_ready(process, log)
        result["workers_ready_seconds"] = round(time.monotonic() - started, 1)
        cpu_at_ready = cpu_by_group(sampler)
        deadline = started + timeout
        last_line = 0.0
        with psycopg.connect(url_of_database(url, name), autocommit=True) as connection:
            while True:
                sampler.add_pids("postgres", postgres_backends(connection, name))
                counts = row_counts(connection)
                done = counts.get("sent", 0) + counts.get("failed", 0)
                now = time.monotonic()
                if done >= messages or now > deadline:
                    break
                for process in processes[1:]:
                    if process.poll() is not None:
                        raise BenchError(f"A worker exited ({process.returncode}) mid-run: "
                                         f"{_log_tail(logs[processes.index(process) - 1])}")  # fmt: skip
                if now - last_line >= 10:
                    stats = provider.stats()
                    span = (stats["last_accepted"] or 0) - (stats["first_accepted"] or 0)
                    so_far = stats["accepted"] / span if span > 0 else 0.0
                    write(f"  {now - started:6.0f} s: sent {counts.get('sent', 0):,}, pending "
                          f"{counts.get('pending', 0):,}, sending {counts.get('sending', 0):,}, failed "
                          f"{counts.get('failed', 0):,}; provider accepted {stats['accepted']:,} "
                          f"({so_far:,.0f}/s), 429s {stats['rate_limited']:,}")  # fmt: skip
                    last_line = now
                time.sleep(1.0)
            result["timed_out"] = done < messages
            time.sleep(1.0)  # a message sent twice in the last moment would show up here
            rows = connection.execute(f"SELECT id, status FROM {TABLE} WHERE kind = 'budget_results_published'").fetchall()  # noqa: S608
            attempts = connection.execute(
                f"SELECT coalesce(max(attempts), 0), coalesce(sum(attempts), 0), count(*) FILTER (WHERE attempts > 1) "  # noqa: S608
                f"FROM {TABLE}"
            ).fetchone()
        result["run_seconds"] = round(time.monotonic() - started, 1)
        result["rows"] = row_counts_from(rows)
        result["attempts"] = {"max": attempts[0], "total": attempts[1], "rows_tried_again": attempts[2]}
        groups = sampler.stop()
        sampler = None
        result["memory"] = [group for group_name, group in groups.items() if group_name.startswith("worker")]
        result["cpu_seconds"] = {group_name: round(group["cpu_seconds"] - cpu_at_ready.get(group_name, 0.0), 1)
                                 for group_name, group in groups.items()}  # fmt: skip
        stats = provider.stats(references=True)
        result.update(outcome(rows, stats, expected_digests=set(seeded["digests"])))
        span = (stats["last_accepted"] or 0) - (stats["first_accepted"] or 0)
        achieved = (stats["accepted"] - 1) / span if span > 0 and stats["accepted"] > 1 else 0.0
        result.update(
            {
                "accepted": stats["accepted"],
                "provider_requests": stats["requests"],
                "rate_limited": stats["rate_limited"],
                "refused_other": stats["unauthorized"] + stats["invalid"],
                "wall_seconds": round(span, 2),
                "achieved_rate": round(achieved, 1),
                "rate_ratio": round(achieved / rate, 3),
            }
        )
        result["machine"]["loadavg_after"] = os.getloadavg()
        result["task_outcomes"], result["worker_logs_errors"] = task_outcomes(logs)
        result["sweep_republished"] = sweep_republished(workdir / "sweep.log")
        result["queue_left"] = queue_length(redis_url, queue)
        return result
    finally:
        if sampler is not None:
            sampler.stop()
        for process in reversed(processes):
            _stop(process)
        if provider is not None:
            provider.stop()
        try:
            delete_queue(redis_url, queue)
        except Exception as error:  # noqa: BLE001 — cleanup goes on; the queue is named per run
            write(f"(could not delete the queue {queue}: {error})")
        if created and not keep:
            drop_database(url, name)
        elif created:
            write(f"Kept the database {name}.")
        if keep:
            write(f"Kept the logs in {workdir}.")
        else:
            import shutil

            shutil.rmtree(workdir, ignore_errors=True)


TASK_OUTCOME = re.compile(r"deliver_notification\[[^\]]+\] succeeded in [0-9.]+s: '(\w+)'")
BATCH_OUTCOMES = re.compile(r"deliver_notifications\[[^\]]+\] succeeded in [0-9.]+s: (\{[^}]*\})")


def task_outcomes(logs) -> tuple[dict, int]:
    """What the delivery tasks did to their rows (sent, skipped: the row was taken or done
    already, ...), a single row's task or a batch's, from the workers' INFO logs; and how many
    ERROR lines they hold."""
    outcomes, errors = Counter(), 0
    for log in logs:
        with log.open(encoding="utf-8", errors="replace") as lines:
            for line in lines:
                match = TASK_OUTCOME.search(line)
                batch = None if match else BATCH_OUTCOMES.search(line)
                if match:
                    outcomes[match[1]] += 1
                elif batch:
                    outcomes.update(ast.literal_eval(batch[1]))
                elif "ERROR/" in line:
                    errors += 1
    return dict(outcomes), errors


SWEEP_ENQUEUED = re.compile(r"enqueued: (\d+)")


def sweep_republished(log: Path) -> int:
    """Delivery tasks the sweep published (again) during the run, from its report lines."""
    return sum(int(count) for count in SWEEP_ENQUEUED.findall(_log_tail(log, size=10**8)))


def row_counts_from(rows) -> dict:
    counts = {}
    for _id, status in rows:
        counts[status] = counts.get(status, 0) + 1
    return counts


def main(argv=None):
    parser = argparse.ArgumentParser(description="Deliver a mass SMS through the outbox at a provider's rate limit.")
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--rate", type=float, default=300.0, help="Messages a second the fake provider accepts.")
    parser.add_argument("--burst", type=float, default=None, help="Its token bucket's size (default: rate / 20).")
    parser.add_argument("--workers", type=int, default=2, help="Celery worker processes (each with its pool).")
    parser.add_argument("--concurrency", type=int, default=None, help=f"Pool size per worker (default {DEFAULT_CONCURRENCY}).")
    parser.add_argument("--timeout", type=float, default=3600.0, help="Seconds the workers get to send everything.")
    parser.add_argument("--sweep-every", type=float, default=60.0, help="The outbox sweep's period (beat: 60 s).")
    parser.add_argument("--keep", action="store_true", help="Keep the database and the logs afterwards.")
    parser.add_argument("--json", type=Path, default=None, help="Also write the report as JSON here.")
    args = parser.parse_args(argv)

    def stop_on_sigterm(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop_on_sigterm)
    try:
        result = run_dispatch(
            os.environ.get("DATABASE_URL", ""), os.environ.get("REDIS_URL", ""), messages=args.messages,
            rate=args.rate, workers=args.workers, concurrency=args.concurrency, timeout=args.timeout,
            burst=args.burst, sweep_every=args.sweep_every, keep=args.keep, write=lambda line: print(line, flush=True),
        )  # fmt: skip
    except BenchError as error:
        print(f"bench: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("bench: interrupted; processes stopped and the database dropped.", file=sys.stderr)
        return 130
    print()
    print(format_report(result))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, default=str), encoding="utf-8")
    return 0 if judge(result)["exactly_once"] else 1


if __name__ == "__main__":
    sys.exit(main())
