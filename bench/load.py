"""Throughput under load: real servers (gunicorn on 127.0.0.1) driven by wrk, for a channel's LOAD
scenarios (issue 5: ballots cast by many signed-in citizens; issue 7: complaints filed through the
web form and Open311), on one seeded database.

Run by bench/run.py on the biggest dataset, in its own process (DATABASE_URL points at it):

    python -m bench.load --channel voting --seed-report seed.json --out load.json

Per scenario, every variant's server starts (the same gunicorn command: worker class, workers,
timeout; the same database and cache; only the settings module differs), then each variant gets
an untimed warm-up, which also estimates its rate; then rounds take turns (portal, minimal,
portal, ...), each wrk run sending --connections for --seconds. Every request changes something
once (a ballot by a citizen who has not voted, a complaint), so a round's requests are prepared beforehand,
sized from the rate seen so far, each used once: a wrk thread that runs out stops, and the round
is flagged (its figure would understate). Afterwards the scenario checks what the requests did
(exactly once). Loopback only; wrk (the `wrk` package: `apt-get install -y wrk`) must be installed.
"""

import argparse
import json
import math
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WRK_SCRIPT = ROOT / "bench" / "wrk" / "form_posts.lua"
WRK_INSTALL_HINT = "install it with `apt-get install -y wrk` (Debian/Ubuntu) or `brew install wrk` (macOS)"
RESULT_PREFIX = "WRK-RESULT "
HOST = "127.0.0.1"


class LoadError(RuntimeError):
    pass


# The floor every throughput is also printed against (issue 9): bench/minimal's constant view, a
# Django request that does nothing (no middleware, no database), served by the same gunicorn
# command, taking its turn in the same rounds. Its answers do not count in a scenario's checks.
CONSTANT_FLOOR = "constant"
# Warm-up runs of a variant at most, until one has an answered request.
MAX_WARMUPS = 8
CONSTANT_PATH = "/ready/"


def constant_floor_variant(scenario):
    from bench.scenarios import LoadVariant

    environment = scenario.variants[0].environment
    return LoadVariant(
        CONSTANT_FLOOR, "bench/minimal's constant view: a Django request that does nothing (the floor)",
        settings="bench.minimal.settings", ready_path=CONSTANT_PATH, environment=environment,
    )  # fmt: skip


def worker_pids(parent: int) -> list[int]:
    """The processes whose parent is `parent` (gunicorn's workers), from /proc (Linux)."""
    from bench.dispatch.processes import children_by_parent

    return children_by_parent().get(parent, [])


def peak_rss_mb(pid: int) -> float | None:
    """The process's peak resident memory (VmHWM), in MB; None when it is gone or not Linux."""
    from bench.dispatch.processes import status_kb

    peak = status_kb(pid, "VmHWM").get("VmHWM")
    return None if peak is None else peak / 1024


def find_wrk() -> str | None:
    return shutil.which("wrk")


def require_wrk() -> str:
    path = find_wrk()
    if not path:
        raise LoadError(f"The load scenarios need wrk, which is not installed: {WRK_INSTALL_HINT}.")
    return path


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


class GunicornServer:
    """One gunicorn on 127.0.0.1 serving the portal's WSGI application with `settings`."""

    def __init__(self, variant, *, workers, worker_class, threads, workdir):
        self.variant = variant
        self.port = free_port()
        self.log = Path(workdir) / f"gunicorn-{variant.name}.log"
        self.command = [
            sys.executable, "-m", "gunicorn", "seoul_portal.wsgi:application",
            "--bind", f"{HOST}:{self.port}", "--workers", str(workers), "--worker-class", worker_class,
            "--threads", str(threads), "--timeout", "60", "--backlog", "2048", "--max-requests", "0",
            "--log-level", "warning", "--error-logfile", str(self.log),
        ]  # fmt: skip
        self.process = None

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self, env, *, timeout=60.0):
        server_env = {**env, **self.variant.environment, "DJANGO_SETTINGS_MODULE": self.variant.settings}
        self.process = subprocess.Popen(self.command, env=server_env, cwd=ROOT)  # noqa: S603
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise LoadError(f"gunicorn ({self.variant.name}) exited at start: {self._log_tail()}")
            try:
                with urllib.request.urlopen(self.base_url + self.variant.ready_path, timeout=5):  # noqa: S310
                    return
            except urllib.error.HTTPError:
                return  # it answers (a health check may say 503 for a service the bench does not run)
            except OSError:
                pass
            time.sleep(0.3)
        raise LoadError(f"gunicorn ({self.variant.name}) did not answer within {timeout:.0f} s: {self._log_tail()}")

    def peak_memory(self) -> dict:
        """The peak RSS of the master and of its busiest worker so far (MB), read from /proc."""
        if self.process is None or self.process.poll() is not None:
            return {}
        workers = [peak for peak in map(peak_rss_mb, worker_pids(self.process.pid)) if peak is not None]
        return {"master_mb": peak_rss_mb(self.process.pid), "worker_max_mb": max(workers, default=None),
                "workers": len(workers)}  # fmt: skip

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()  # gunicorn's graceful shutdown, of this process only
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def _log_tail(self) -> str:
        try:
            return self.log.read_text(encoding="utf-8", errors="replace")[-2000:]
        except OSError:
            return "(no log)"


def write_requests(path, lines):
    with open(path, "w", encoding="utf-8") as handle:
        for url, cookie, body in lines:
            if "\t" in url + cookie + body or "\n" in url + cookie + body:
                raise LoadError("A prepared request holds a tab or a newline.")
            handle.write(f"{url}\t{cookie}\t{body}\n")


def parse_wrk_output(output: str) -> dict:
    """The JSON line form_posts.lua's done() prints."""
    for line in output.splitlines():
        if line.startswith(RESULT_PREFIX):
            return json.loads(line[len(RESULT_PREFIX) :])
    raise LoadError(f"wrk printed no result line:\n{output[-2000:]}")


def run_wrk(
    wrk, base_url, lines, *, seconds, connections, threads, workdir, label, idle_path="/", ok_location="",
    ok_pattern="", ok_statuses=None,
):  # fmt: skip
    """ok_location: the Location of a 303 that counts as a success, as a 200 does (e.g. the page a
    ballot's POST redirects to: Post/Redirect/Get); "" when only a 200 does. ok_pattern: a Lua
    pattern a 303's Location may match instead (each request its own result page). ok_statuses:
    the statuses that are a success by themselves (default (200,); () for none)."""
    threads = max(1, min(threads, connections))
    requests_file = Path(workdir) / f"{label}.tsv"
    write_requests(requests_file, lines)
    command = [
        wrk, "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "--timeout", "30s",
        "-s", str(WRK_SCRIPT), base_url, "--", str(requests_file), str(threads), idle_path, ok_location,
    ]  # fmt: skip
    if ok_pattern or ok_statuses is not None:
        statuses = (200,) if ok_statuses is None else ok_statuses
        command += [ok_pattern, ",".join(str(status) for status in statuses) or "-"]
    completed = subprocess.run(  # noqa: S603
        command, capture_output=True, text=True, check=False, timeout=seconds + 120
    )
    if completed.returncode != 0:
        raise LoadError(f"wrk failed (exit status {completed.returncode}): {completed.stderr[-2000:]}")
    result = parse_wrk_output(completed.stdout)
    result["prepared"] = len(lines)
    result["seconds"] = seconds
    requests_file.unlink()
    return result


def wanted_requests(rate, seconds, connections, *, margin=2.0, floor_per_second=40):
    """How many requests to prepare for a round: the rate seen so far with a margin, and at least
    floor_per_second for its length (a warm-up slowed by starting workers must not starve it)."""
    return max(floor_per_second * seconds, math.ceil(rate * seconds * margin)) + 4 * connections


def round_rate(result) -> float:
    return result["ok"] / (result["duration_us"] / 1e6) if result["duration_us"] else 0.0


def publishing_environment(broker_url: str, queue: str) -> dict:
    """A server that publishes its tasks to the broker, as production's do, to the run's own queues
    (bench/intake_settings.py routes every task to `queue` or a queue named after it)."""
    return {"CELERY_TASK_ALWAYS_EAGER": "false", "CELERY_BROKER_URL": broker_url, "BENCH_TASK_QUEUE": queue}


def published_queues(queue: str) -> dict[str, str]:
    """Production's queue names (the default and each route's) and the run's own for each."""
    from django.conf import settings

    routed = sorted({route["queue"] for route in settings.CELERY_TASK_ROUTES.values()})
    return {"celery": queue, **{name: f"{queue}.{name}" for name in routed}}


def collect_published(broker_url: str, queue: str, *, write=print) -> dict[str, int]:
    """How many tasks the servers published to each queue, which are then deleted (no worker of
    the run takes them: they belong to datasets measured once)."""
    from bench.broker import delete_queue, queue_length

    counts = {}
    for name, run_queue in published_queues(queue).items():
        counts[name] = queue_length(broker_url, run_queue)
        delete_queue(broker_url, run_queue)
    published = ", ".join(f"{name} {count:,}" for name, count in counts.items() if count) or "none"
    write(f"    tasks published to the broker, as in production (no worker here; deleted): {published}")
    return counts


def run_scenario(scenario, context, *, wrk, env, args, workdir, write=print):
    from django.db import connections

    variants = [variant for variant in scenario.variants if not args.variant or variant.name in args.variant]
    if getattr(args, "constant_floor", False):
        variants.append(constant_floor_variant(scenario))
    servers = [
        GunicornServer(
            variant, workers=args.workers, worker_class=args.worker_class, threads=args.threads, workdir=workdir
        )
        for variant in variants
    ]
    results = {variant.name: {"describe": variant.describe, "warmup": None, "rounds": []} for variant in variants}
    accepted, sent = dict.fromkeys(results, 0), dict.fromkeys(results, 0)
    rates = {}
    broker_url = env.get("CELERY_BROKER_URL") or env.get("REDIS_URL")
    task_queues = {
        variant.name: f"bench-load-{os.getpid()}-{scenario.name}-{variant.name}"
        for variant in variants
        if variant.publishes_tasks and broker_url
    }
    try:
        for server in servers:
            queue = task_queues.get(server.variant.name)
            server.start({**env, **publishing_environment(broker_url, queue)} if queue else env)
        write(
            f"    servers up: {', '.join(f'{s.variant.name} on port {s.port}' for s in servers)}; gunicorn "
            f"{args.workers} {args.worker_class} workers x {args.threads} threads, wrk {args.connections} connections"
        )

        def one_run(server, count, seconds, label):
            if server.variant.name == CONSTANT_FLOOR:
                lines = [(CONSTANT_PATH, "", "")] * count
                answers = {"ok_location": "", "ok_pattern": "", "ok_statuses": None}
            else:
                lines = scenario.requests(context, server.variant.name, count)
                answers = {
                    "ok_location": scenario.ok_location(context, server.variant.name) if scenario.ok_location else "",
                    "ok_pattern": scenario.ok_pattern, "ok_statuses": scenario.ok_statuses,
                }  # fmt: skip
            connections.close_all()  # the driver holds no connection (nor lock) while wrk runs
            result = run_wrk(
                wrk, server.base_url, lines, seconds=seconds, connections=args.connections,
                threads=args.wrk_threads, workdir=workdir, label=label, idle_path=server.variant.ready_path, **answers,
            )  # fmt: skip
            if server.variant.name != CONSTANT_FLOOR:  # the floor's answers changed nothing to check
                accepted[server.variant.name] += result["ok"]
                sent[server.variant.name] += result["sent"]
            failures = result["failed"] + sum(
                result[key] for key in ("connect_errors", "read_errors", "write_errors", "timeouts")
            )
            write(
                f"    {label:<22} {result['ok']:>7,} ok in {result['duration_us'] / 1e6:5.1f} s = "
                f"{round_rate(result):8.1f}/s  p50 {result['latency_us']['p50'] / 1000:6.1f} ms  "
                f"p99 {result['latency_us']['p99'] / 1000:6.1f} ms"
                + (f"  ERRORS {failures} ({result['failed_statuses'].strip()})" if failures else "")
                + ("  (ran out of prepared requests)" if result["exhausted_threads"] else ""),
                flush=True,
            )
            return result

        for server in servers:
            name = server.variant.name
            # Twice at least: the first run pays for starting the workers (imports, templates,
            # connections); and until one is answered, for a first request that loads more than a
            # warm-up lasts (a slow first import, a few seconds per worker).
            warmups = []
            for number in range(1, MAX_WARMUPS + 1):
                warmups.append(one_run(server, args.warmup_requests, args.warmup_seconds, f"{name} warm-up {number}"))
                if number >= 2 and warmups[-1]["ok"]:
                    break
            results[name]["warmup"] = warmups
            # A run that ran out: the rate was higher than it shows.
            rates[name] = max(round_rate(run) * (2 if run["exhausted_threads"] else 1) for run in warmups)
        for number in range(1, args.rounds + 1):
            for server in servers:
                name = server.variant.name
                count = wanted_requests(rates[name], args.seconds, args.connections)
                result = one_run(server, count, args.seconds, f"{name} round {number}")
                results[name]["rounds"].append(result)
                rates[name] = max(rates[name], round_rate(result) * (2 if result["exhausted_threads"] else 1))
    finally:
        for server in servers:
            if server.variant.name in results:
                results[server.variant.name]["memory"] = server.peak_memory()
            server.stop()
        for name, queue in task_queues.items():
            results[name]["tasks_published"] = collect_published(broker_url, queue, write=write)
    problems = scenario.check(context, {"accepted": sum(accepted.values()), "sent": sum(sent.values())})
    for problem in problems:
        write(f"    CHECK FAILED: {problem}")
    if not problems:
        write(f"    checks passed: {scenario.checks}")
    return {
        "describe": scenario.describe,
        "checks": scenario.checks,
        "min_ratio": scenario.min_ratio,
        "variants": results,
        "accepted": accepted,
        "sent": sent,
        "problems": problems,
        "settings": {
            "workers": args.workers,
            "worker_class": args.worker_class,
            "threads": args.threads,
            "connections": args.connections,
            "wrk_threads": args.wrk_threads,
            "seconds": args.seconds,
            "rounds": args.rounds,
        },
    }


def default_workers() -> int:
    return 2 * (os.cpu_count() or 1) + 1  # gunicorn's advice for sync workers


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--channel", default="voting")
    parser.add_argument("--seed-report", required=True, help="The JSON that seed_scale --report-json wrote.")
    parser.add_argument("--out", required=True)
    parser.add_argument("--only", action="append", help="Run only these load scenarios (repeatable).")
    parser.add_argument("--variant", action="append", help="Run only these variants, e.g. minimal (no ratio then).")
    parser.add_argument("--seconds", type=int, default=15, help="Length of one timed wrk run.")
    parser.add_argument("--rounds", type=int, default=5, help="Timed runs per variant, taking turns.")
    parser.add_argument("--warmup-seconds", type=int, default=3)
    parser.add_argument("--warmup-requests", type=int, default=3_000, help="Prepared requests per warm-up.")
    parser.add_argument("--workers", type=int, default=default_workers(), help="gunicorn workers (each server).")
    parser.add_argument("--worker-class", default="sync", help="gunicorn worker class (the Dockerfile's: sync).")
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker (with gthread).")
    parser.add_argument("--connections", type=int, default=None, help="wrk connections (default: 2 per worker).")
    parser.add_argument("--wrk-threads", type=int, default=1)
    parser.add_argument(
        "--constant-floor", action="store_true", help="Also measure bench/minimal's constant view in every round."
    )
    args = parser.parse_args(argv)
    args.connections = args.connections or 2 * args.workers * args.threads

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "seoul_portal.settings")
    import django

    django.setup()
    from bench.scenarios import channel_scenarios

    wrk = require_wrk()
    with open(args.seed_report, encoding="utf-8") as handle:
        seed_report = json.load(handle)
    module = channel_scenarios(args.channel)
    env = dict(os.environ)
    output = {"channel": args.channel, "scenarios": {}}
    with tempfile.TemporaryDirectory(prefix="seoul-load-") as workdir:
        for scenario in getattr(module, "LOAD", []):
            if args.only and scenario.name not in args.only:
                continue
            context = dict(seed_report["channels"][args.channel])
            print(f"  load scenario {scenario.name}: {scenario.describe}", flush=True)
            output["scenarios"][scenario.name] = run_scenario(
                scenario, context, wrk=wrk, env=env, args=args, workdir=workdir
            )
    with open(args.out, "w", encoding="utf-8") as handle:
        json.dump(output, handle, indent=2)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except LoadError as error:
        print(f"bench.load: {error}", file=sys.stderr)
        sys.exit(2)
