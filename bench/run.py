"""One channel's benchmark: seed at two scales (and 100 proposals for query counts), measure, compare.
(`make bench` runs every channel through bench/portal.py, which calls run_channel() below.)

    python -m bench.run                      # Seoul scale: 100,000 proposals, 2,000,000 supports, 500,000 comments
    python -m bench.run --scale small        # 1,000 proposals (CI: a few minutes)
    python -m bench.run --scale 0.05 --keep  # any factor of Seoul's sizes; keep the databases afterwards
    python -m bench.run --reuse --keep --only list   # measure the kept databases again, one scenario
    python -m bench.run --channel voting     # M-Voting: results at 1,000,000 ballots vs 1,000; ballots under load
    python -m bench.run --channel budgeting  # participatory budgeting: results at 40,000 voters vs 400
    python -m bench.run --channel complaints # complaints: pages at 1,000,000 complaints vs 1,000; intake under load
    python -m bench.run --channel analysis --keep   # the dashboards at 10,000,000 complaints vs 10,000 (within 2x)
    python -m bench.run --channel analysis --resume --keep  # continue an interrupted seeding of the kept databases
    make bench CHANNEL=proposals SCALE=small
    make bench CHANNEL=voting SCALE=small
    make bench CHANNEL=budgeting
    make bench CHANNEL=complaints SCALE=small
    make bench CHANNEL=analysis SCALE=small

Needs DATABASE_URL pointing at a PostgreSQL server on this machine (loopback or a local socket):
the runner creates its own databases there (seoul_portal_bench_*), migrates a template once,
copies it per dataset, seeds each with `manage.py seed_scale`, measures them in rounds that take
turns (bench/measure.py, a fresh process each: a busy moment of the machine falls on every
dataset alike), drops them at the end (unless --keep), and prints one table:

- queries: at 100 proposals (1,000 ballots, 400 voters, 1,000 complaints), at the small and at the
  big scale (must be one and the same number);
- median latency at the small scale (the big one / --ratio: 100 for proposals and budgeting, 1,000
  for voting and complaints)
  and at the big scale, their ratio (target: at most 1.5) and the big scale's p95; errors (must be 0).

The analysis channel (issue 8) seeds in chunks it commits one by one (resumable: --resume
continues a kept database's interrupted seeding instead of starting afresh), then rebuilds the
rollups in a process of its own (bench/rebuild.py: wall time, peak memory, PostgreSQL's temporary
files), again with --rebuild on reused databases; its latency target is 2.0.

A channel with load scenarios (voting: ballots cast under load; complaints: filed through the web
form and Open311) is then driven on the big dataset by bench/load.py: real gunicorn servers on
127.0.0.1 and wrk (`apt-get install -y wrk`); for voting, the portal's full request against a
minimal view of the same writes (their ratio: at least 0.5), for complaints the portal alone (its
sustained rate); a second table shows the throughputs, errors and the exactly-once checks.
--no-load skips it.

Exit status: 1 when a query count differs or a request failed (what noise cannot cause); latency
ratios over the target (and throughput ratios under it) only print FAIL, unless --strict. Results also go to bench/results/ (CSV
and JSON). Latency is measured in-process (Django's test Client, no network, no gunicorn): it
compares the same code on the same machine at two data sizes, nothing more.
"""

import argparse
import datetime
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DATABASE_PREFIX = "seoul_portal_bench"
LOOPBACK_HOSTS = {"", "localhost", "127.0.0.1", "::1", "[::1]"}
NAMED_SCALES = {"seoul": 1.0, "small": 0.01}


class BenchError(RuntimeError):
    pass


# --- Datasets ---------------------------------------------------------------------------------


def parse_scale(value: str) -> float:
    if value in NAMED_SCALES:
        return NAMED_SCALES[value]
    try:
        scale = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"a factor such as 0.05, or one of: {', '.join(NAMED_SCALES)}") from None
    if scale <= 0:
        raise argparse.ArgumentTypeError("the scale must be positive")
    return scale


def datasets(scale: float, ratio: float, channel: str = "proposals") -> list[dict]:
    """The datasets of a run: the query baseline (100 proposals, 1,000 ballots), small (big / ratio),
    big. When two come out the same size they share one database."""
    from bench.sizes import baseline_factor

    baseline = baseline_factor(channel)
    wanted = [("baseline", baseline), ("small", max(scale / ratio, baseline)), ("big", scale)]
    result, by_factor = [], {}
    for role, factor in wanted:
        factor = round(factor, 9)
        if factor in by_factor:
            by_factor[factor]["roles"].append(role)
            continue
        dataset = {"roles": [role], "factor": factor, "database": f"{DATABASE_PREFIX}_{channel}_{role}"}
        by_factor[factor] = dataset
        result.append(dataset)
    return result


# --- The PostgreSQL server ----------------------------------------------------------------------


def check_database_url(url: str) -> str:
    if not url:
        raise BenchError("DATABASE_URL is not set: the benchmark needs a PostgreSQL server on this machine.")
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql", "pgsql"}:
        raise BenchError(f"The benchmark runs on PostgreSQL only, not {parts.scheme!r}.")
    host = parts.hostname or ""
    if host not in LOOPBACK_HOSTS and not host.startswith("/"):
        raise BenchError(
            f"DATABASE_URL names the host {host!r}: the benchmark creates and drops databases, so it runs "
            "only against a server on this machine (127.0.0.1, localhost, ::1 or a local socket)."
        )
    return url


def database_url(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def admin_connection(url):
    import psycopg

    return psycopg.connect(database_url(url, "postgres"), autocommit=True)


def drop_database(url, name):
    from psycopg import sql

    with admin_connection(url) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def create_database(url, name, *, template=None):
    from psycopg import sql

    drop_database(url, name)
    with admin_connection(url) as connection:
        if template:
            connection.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(name), sql.Identifier(template))
            )
        else:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def database_exists(url, name) -> bool:
    with admin_connection(url) as connection:
        return connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


def analyze(url, name):
    import psycopg

    with psycopg.connect(database_url(url, name), autocommit=True) as connection:
        connection.execute("ANALYZE")


def server_version(url) -> str:
    with admin_connection(url) as connection:
        return connection.execute("SHOW server_version").fetchone()[0]


# --- Steps, each in its own process -----------------------------------------------------------


def environment(url, name, *, redis_url=None):
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": database_url(url, name),
            "DJANGO_SETTINGS_MODULE": "seoul_portal.settings",
            "DEBUG": "false",
            # No worker in an in-process run: tasks run in the request, nothing piles up in a broker.
            "CELERY_TASK_ALWAYS_EAGER": "true",
            "SMS_BACKEND": "notifications.backends.sms.MemorySmsBackend",
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "CACHE_KEY_PREFIX": f"bench-{name}-{os.getpid()}",
            "PYTHONPATH": str(ROOT) + os.pathsep + env.get("PYTHONPATH", ""),
        }
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
    else:
        env.pop("REDIS_URL", None)
        env.pop("CELERY_BROKER_URL", None)
    return env


def run_step(command, env, *, label):
    started = time.monotonic()
    print(f"  $ {' '.join(command[1:])}", flush=True)
    completed = subprocess.run(command, env=env, cwd=ROOT, check=False)  # output goes straight through
    if completed.returncode != 0:
        raise BenchError(f"{label} failed (exit status {completed.returncode}).")
    return time.monotonic() - started


def seed_command(channel, sizes, seed_report, *, batch_size):
    command = [sys.executable, "manage.py", "seed_scale", "--channel", channel, "--report-json", str(seed_report)]
    command += ["--batch-size", str(batch_size)]
    for name, value in sizes.items():
        command += [f"--{name.replace('_', '-')}", str(value)]
    return command


def _rounds(count, what):
    """'3 rounds taking turns', '1 round'."""
    return f"{count} {what}s taking turns" if count > 1 else f"{count} {what}"


def _sizes(sizes):
    return ", ".join(f"{name} {value:,}" for name, value in sizes.items())


# --- The run ------------------------------------------------------------------------------------


def has_load_scenarios(channel) -> bool:
    """Without importing Django: the channel's scenario module defines LOAD."""
    source = ROOT / "bench" / "scenarios" / f"{channel}.py"
    return source.exists() and "\nLOAD = " in source.read_text(encoding="utf-8")


@dataclass
class ChannelRun:
    """What one channel's run measured, for the whole-portal runner (bench/portal.py) to combine."""

    channel: str
    verdicts: list  # bench.report.Verdict per scenario
    load_verdicts: list  # bench.report.LoadVerdict per load scenario
    load_results: dict  # bench/load.py's JSON per load scenario
    labels: list  # the datasets' size labels: baseline, small, big
    datasets: list
    exit_code: int


def run(args) -> int:
    return run_channel(args).exit_code


def run_channel(args) -> ChannelRun:
    from bench.report import (
        CONSTANT_FLOOR,
        MAX_LATENCY_RATIO,
        Measurement,
        format_load_table,
        format_table,
        judge,
        judge_load,
        write_csv,
    )
    from bench.sizes import MEASURES, scaled, size_label

    url = check_database_url(os.environ.get("DATABASE_URL", ""))
    if args.ratio is None:
        args.ratio = MEASURES[args.channel]["ratio"]
    if args.max_ratio is None:
        args.max_ratio = MEASURES[args.channel].get("max_ratio", MAX_LATENCY_RATIO)
    rebuilds = MEASURES[args.channel].get("rebuild", False)
    load = has_load_scenarios(args.channel) and not args.no_load
    if load:
        from bench.load import WRK_INSTALL_HINT, find_wrk

        if not find_wrk():
            raise BenchError(
                f"The {args.channel} benchmark drives its load scenario with wrk, which is not installed: "
                f"{WRK_INSTALL_HINT}; or skip that scenario with --no-load."
            )
    sets = datasets(args.scale, args.ratio, args.channel)
    # A migrated empty database each dataset is copied from: the channel's own, or one the caller
    # migrated and keeps (bench/portal.py: one for every channel of its run).
    template = getattr(args, "template", None) or f"{DATABASE_PREFIX}_{args.channel}_template"
    template_ready = bool(getattr(args, "template", None))
    load_results = {}
    workdir = Path(tempfile.mkdtemp(prefix="seoul-bench-"))
    created = []
    started = datetime.datetime.now().astimezone()
    print(
        f"Benchmark of {args.channel} at scale {args.scale:g} (small = big / {args.ratio:g}), "
        f"PostgreSQL {server_version(url)}, {os.cpu_count()} CPUs, {platform.python_implementation()} "
        f"{platform.python_version()}",
        flush=True,
    )
    try:
        results = {}
        for dataset in sets:
            name = dataset["database"]
            dataset["sizes"] = scaled(args.channel, dataset["factor"])
            kept_report = RESULTS / f"{name}.seed.json"
            if args.reuse and kept_report.exists() and database_exists(url, name):
                print(f"Reusing {name}, seeded by an earlier run with --keep; migrating it ...", flush=True)
                # The code may have moved on since (an index added): measure the schema it expects.
                run_step(
                    [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
                    environment(url, name),
                    label=f"migrating {name}",
                )
                analyze(url, name)  # statistics for any new (expression) index, as the seed gives its own
                seed_report = kept_report
            elif args.resume and database_exists(url, name):
                # An interrupted seeding of a kept database: the seeder continues where it stopped.
                print(f"Resuming the seeding of {name} ({', '.join(dataset['roles'])}) ...", flush=True)
                seed_report = workdir / f"{name}.seed.json"
                run_step(
                    seed_command(args.channel, dataset["sizes"], seed_report, batch_size=args.batch_size),
                    environment(url, name),
                    label=f"seeding {name}",
                )
                if args.keep:
                    RESULTS.mkdir(parents=True, exist_ok=True)
                    shutil.copy(seed_report, kept_report)
            else:
                if template not in created and not template_ready:
                    print(f"Migrating the template database {template} ...", flush=True)
                    create_database(url, template)
                    created.append(template)
                    run_step(
                        [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
                        environment(url, template),
                        label="migrate",
                    )
                create_database(url, name, template=template)
                seed_report = workdir / f"{name}.seed.json"
                print(f"Seeding {name} ({', '.join(dataset['roles'])}): {_sizes(dataset['sizes'])}", flush=True)
                run_step(
                    seed_command(args.channel, dataset["sizes"], seed_report, batch_size=args.batch_size),
                    environment(url, name),
                    label=f"seeding {name}",
                )
                if args.keep:
                    RESULTS.mkdir(parents=True, exist_ok=True)
                    shutil.copy(seed_report, kept_report)
            created.append(name)
            dataset["seed_report"] = seed_report
            dataset["seed"] = json.loads(seed_report.read_text(encoding="utf-8"))
            if rebuilds:
                dataset["rebuild"] = rebuild_step(url, name, workdir, fresh=seed_report != kept_report, args=args)
        # Rounds take turns over the datasets, so that a busy minute of the machine falls on each
        # dataset alike instead of on whichever happened to be measured then.
        requests = max(1, args.requests // args.rounds)
        for number in range(1, args.rounds + 1):
            for dataset in sets:
                name = dataset["database"]
                print(f"Measuring {name}, round {number} of {args.rounds} ...", flush=True)
                out = workdir / f"{name}.{number}.result.json"
                measure = [sys.executable, "-m", "bench.measure", "--channel", args.channel, "--seed-report"]
                measure += [str(dataset["seed_report"]), "--out", str(out), "--requests", str(requests)]
                measure += ["--warmup", str(args.warmup)]
                for only in args.only or ():
                    measure += ["--only", only]
                run_step(measure, environment(url, name, redis_url=args.redis_url), label=f"measuring {name}")
                measured = json.loads(out.read_text(encoding="utf-8"))["scenarios"]
                for role in dataset["roles"]:
                    pool_samples(results.setdefault(role, {}), measured)
        if load:
            # After the latency rounds: the load adds rows (ballots, citizens) to the big dataset.
            big = next(dataset for dataset in sets if "big" in dataset["roles"])
            print(f"Load on {big['database']} (real servers on 127.0.0.1, wrk) ...", flush=True)
            out = workdir / "load.result.json"
            command = [sys.executable, "-m", "bench.load", "--channel", args.channel, "--seed-report"]
            command += [str(big["seed_report"]), "--out", str(out), "--seconds", str(args.load_seconds)]
            command += ["--rounds", str(args.load_rounds)]
            if args.load_workers:
                command += ["--workers", str(args.load_workers)]
            if args.load_connections:
                command += ["--connections", str(args.load_connections)]
            if getattr(args, "constant_floor", False):
                command += ["--constant-floor"]
            # Sessions are read through the cache: Redis, as in production, when one is given or set.
            load_redis = args.redis_url or os.environ.get("REDIS_URL")
            if not load_redis:
                print("  (no Redis: the servers cache in process memory; sessions come from the database)")
            load_started = os.getloadavg()
            run_step(
                command, environment(url, big["database"], redis_url=load_redis), label=f"the load on {big['database']}"
            )
            load_results = json.loads(out.read_text(encoding="utf-8"))["scenarios"]
            load_results["_machine"] = {"loadavg_before": load_started, "loadavg_after": os.getloadavg()}
    finally:
        if args.keep:
            print(f"Kept the databases: {', '.join(created)}")
        else:
            for name in reversed(created):
                drop_database(url, name)
        shutil.rmtree(workdir, ignore_errors=True)

    def measurement(role, scenario):
        samples = results[role][scenario]
        return Measurement.from_timings(
            query_counts=samples["query_counts"], timings_ms=samples["timings_ms"], errors=samples["errors"]
        )

    verdicts = [
        judge(
            scenario,
            baseline=measurement("baseline", scenario),
            small=measurement("small", scenario),
            big=measurement("big", scenario),
            max_ratio=args.max_ratio,
        )
        for scenario in results["big"]
    ]
    roles = {role: dataset for dataset in sets for role in dataset["roles"]}
    size_name = MEASURES[args.channel]["size"]
    labels = [size_label(roles[role]["sizes"][size_name]) for role in ("baseline", "small", "big")]
    print()
    print(
        f"{MEASURES[args.channel]['title']} benchmark, {started:%Y-%m-%d %H:%M %Z}: {requests * args.rounds} timed "
        f"requests per scenario and dataset in {_rounds(args.rounds, 'round')} (each after {args.warmup} warm-up "
        f"requests); datasets named by their {size_name}"
    )
    for role in ("baseline", "small", "big"):
        dataset = roles[role]
        seed = dataset["seed"]
        print(
            f"  {role:<8} {labels[('baseline', 'small', 'big').index(role)]:>6} = {_sizes(dataset['sizes'])}; "
            f"seeded in {seed['seconds']:.0f} s, peak memory {seed['peak_memory_mb']:.0f} MB"
        )
        loaded = seed.get("channels", {}).get(args.channel, {})
        if loaded.get("rows_per_second"):
            print(
                f"{'':>18}{loaded['complaints']:,} complaints at {loaded['rows_per_second']:,} rows/s (load "
                f"{loaded['load_seconds']:,.0f} s, indexes {loaded['restore_seconds']:,.0f} s), database "
                f"{loaded['database_mb']:,} MB"
            )
        if dataset.get("rebuild"):
            print(f"{'':>18}{rebuild_summary(dataset['rebuild'])}")
    print()
    print(format_table(verdicts, labels=labels, max_ratio=args.max_ratio))
    descriptions = {name: data["describe"] for name, data in results["big"].items()}
    print()
    for name, text in descriptions.items():
        print(f"  {name:<22} {text}")
    machine = load_results.pop("_machine", None)
    load_verdicts = [judge_load(name, result) for name, result in load_results.items()]
    if load_verdicts:
        print()
        settings = next(iter(load_results.values()))["settings"]
        print(
            f"Under load on the {labels[2]} dataset: {_rounds(settings['rounds'], 'timed wrk run')} of "
            f"{settings['seconds']} s per variant (after a warm-up), gunicorn {settings['workers']} {settings['worker_class']} "
            f"workers per server, wrk {settings['connections']} connections, 127.0.0.1; load average "
            f"{machine['loadavg_before'][0]:.1f} before, {machine['loadavg_after'][0]:.1f} after"
        )
        print()
        print(format_load_table(load_verdicts))
        print()
        for name, result in load_results.items():
            print(f"  {name:<22} {result['describe']}")
            for variant, data in result["variants"].items():
                print(f"    {variant:<20} {data['describe']}")
            if len([name for name in result["variants"] if name != CONSTANT_FLOOR]) > 1:
                print(f"    {'ratio per round':<20} {', '.join(f'{ratio:.2f}' for ratio in round_ratios(result))}")
            checks = "; ".join(result["problems"]) or result.get("checks") or (
                "every accepted ballot (303 to its receipt) one ballot, one participation, one ledger entry; "
                "distinct citizens; counters = recount of the ballots"
            )
            print(f"    {'exactly once':<20} {'PASS' if not result['problems'] else 'FAIL'}: {checks}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = f"{started:%Y%m%d-%H%M%S}"
    write_csv(RESULTS / f"{args.channel}-{stamp}.csv", verdicts)
    (RESULTS / f"{args.channel}-{stamp}.json").write_text(
        json.dumps(
            {"scale": args.scale, "ratio": args.ratio, "datasets": sets, "results": results, "load": load_results},
            indent=2,
            default=str,
        ),
        encoding="utf-8",
    )
    print(f"\nResults: bench/results/{args.channel}-{stamp}.csv (and .json)")
    hard = [verdict.scenario for verdict in verdicts if verdict.hard_failure]
    hard += [f"{verdict.scenario} (load)" for verdict in load_verdicts if verdict.hard_failure]
    slow = [verdict.scenario for verdict in verdicts if not verdict.latency_ok]
    slow_load = [f"{verdict.scenario} (load)" for verdict in load_verdicts if not verdict.ratio_ok]
    exit_code = 0
    if hard:
        print(f"FAILED (query counts, errors or exactly-once checks): {', '.join(hard)}")
        exit_code = 1
    elif slow or slow_load:
        if slow:
            print(f"Latency over {args.max_ratio}x: {', '.join(slow)}")
        if slow_load:
            print(f"Throughput under the target ratio: {', '.join(slow_load)}")
        if not args.strict:
            print("(not fatal without --strict)")
        exit_code = 1 if args.strict else 0
    else:
        print("Every target met.")
    return ChannelRun(
        channel=args.channel, verdicts=verdicts, load_verdicts=load_verdicts, load_results=load_results,
        labels=labels, datasets=sets, exit_code=exit_code,
    )  # fmt: skip


def rebuild_step(url, name, workdir, *, fresh, args) -> dict:
    """Rebuild the rollups of a dataset in a process of its own (bench/rebuild.py); a reused
    dataset keeps the figures of its earlier rebuild unless --rebuild."""
    kept = RESULTS / f"{name}.rebuild.json"
    if not fresh and not args.rebuild and kept.exists():
        print(f"  (rollups of {name} rebuilt by an earlier run: --rebuild to rebuild them again)", flush=True)
        return json.loads(kept.read_text(encoding="utf-8"))
    out = workdir / f"{name}.rebuild.json"
    print(f"Rebuilding the rollups of {name} ...", flush=True)
    run_step([sys.executable, "-m", "bench.rebuild", "--out", str(out)], environment(url, name),
             label=f"rebuilding the rollups of {name}")  # fmt: skip
    if args.keep:
        RESULTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(out, kept)
    return json.loads(out.read_text(encoding="utf-8"))


def rebuild_summary(result) -> str:
    steps = ", ".join(
        f"{name} {step['seconds']:,.0f} s" if step.get("seconds") is not None else f"{name} missing"
        for name, step in result["steps"].items()
    )
    rows = ", ".join(f"{label.split('.')[-1]} {table['rows']:,}" for label, table in result["tables"].items())
    return (
        f"rollups rebuilt in {result['seconds'] or 0:,.0f} s ({steps}), peak memory {result['peak_memory_mb']} MB; "
        f"PostgreSQL temp files {result['postgres_temp_files']} ({result['postgres_temp_mb']} MB); rows: {rows}"
    )


def round_ratios(load_result) -> list[float]:
    """The first variant's throughput over the last one's, round by round (they take turns)."""
    from bench.report import CONSTANT_FLOOR

    variants = [data for name, data in load_result["variants"].items() if name != CONSTANT_FLOOR]
    measured, yardstick = variants[0]["rounds"], variants[-1]["rounds"]
    return [
        (first["ok"] / first["duration_us"]) / (last["ok"] / last["duration_us"])
        for first, last in zip(measured, yardstick, strict=False)
        if first["duration_us"] and last["ok"]
    ]


def pool_samples(pooled, measured):
    """Add one measurement's raw samples to those of the earlier rounds."""
    for scenario, samples in measured.items():
        into = pooled.setdefault(
            scenario,
            {"describe": samples["describe"], "query_counts": [], "timings_ms": [], "errors": 0, "error_samples": []},
        )
        into["query_counts"] += samples["query_counts"]
        into["timings_ms"] += samples["timings_ms"]
        into["errors"] += samples["errors"]
        into["error_samples"] += samples["error_samples"]


def build_parser() -> argparse.ArgumentParser:
    from bench.sizes import SEOUL

    parser = argparse.ArgumentParser(description="Seed at two scales, measure, and print the ratios.")
    parser.add_argument(
        "--scale",
        type=parse_scale,
        default=1.0,
        help="seoul (default: 100,000 proposals, 1,000,000 ballots, 40,000 budget voters or 1,000,000 complaints), "
        "small (1,000 proposals, 10,000 ballots, 400 voters, 10,000 complaints) or a factor such as 0.05.",
    )
    parser.add_argument(
        "--ratio",
        type=float,
        default=None,
        help="How much smaller the small scale is (default: the channel's, 100 for proposals and budgeting, "
        "1,000 for voting and complaints).",
    )
    parser.add_argument("--channel", default="proposals", choices=sorted(SEOUL))
    parser.add_argument("--requests", type=int, default=60, help="Timed requests per scenario and dataset.")
    parser.add_argument("--warmup", type=int, default=5, help="Untimed requests before them, in each round.")
    parser.add_argument(
        "--rounds", type=int, default=3, help="Measure the datasets in turn this many times (the requests are shared)."
    )
    parser.add_argument(
        "--max-ratio",
        type=float,
        default=None,
        help="The latency target (big / small median; default: the channel's, 1.5, or 2.0 for analysis).",
    )
    parser.add_argument("--batch-size", type=int, default=5_000, help="Rows per COPY while seeding.")
    parser.add_argument("--only", action="append", help="Measure only these scenarios (repeatable).")
    parser.add_argument(
        "--redis-url",
        default=None,
        help="Use this Redis as the cache while measuring (default: the in-process cache); the load scenarios "
        "use it, or REDIS_URL.",
    )
    parser.add_argument("--keep", action="store_true", help="Keep the benchmark databases afterwards.")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="Measure the databases an earlier run kept (--keep) instead of seeding again. The earlier "
        "measurement added supports and citizens to them: a little more data, nothing else.",
    )
    parser.add_argument(
        "--resume",
        action="store_true",
        help="Continue the interrupted seeding of a kept database (channels that seed in chunks: analysis).",
    )
    parser.add_argument(
        "--rebuild", action="store_true", help="Rebuild the rollups of reused databases again (analysis)."
    )
    parser.add_argument("--strict", action="store_true", help="Also exit 1 when a latency ratio misses the target.")
    parser.add_argument("--no-load", action="store_true", help="Skip the load scenarios (wrk against real servers).")
    parser.add_argument("--load-seconds", type=int, default=15, help="Length of one timed wrk run.")
    parser.add_argument("--load-rounds", type=int, default=5, help="Timed wrk runs per variant, taking turns.")
    parser.add_argument("--load-workers", type=int, help="gunicorn workers per server (default: 2 x CPUs + 1).")
    parser.add_argument("--load-connections", type=int, help="wrk connections (default: 2 per worker).")
    parser.add_argument(
        "--template", help="Copy the datasets from this migrated database (kept), instead of migrating one."
    )
    parser.add_argument(
        "--constant-floor", action="store_true", help="Also measure a constant view in every load round (the floor)."
    )
    return parser


def command_line(run_function, parser, argv=None) -> int:
    """A runner's command line: the arguments parsed and run; a BenchError is exit status 2."""
    sys.path.insert(0, str(ROOT))  # also when run as `python bench/run.py`
    args = parser.parse_args(argv)
    try:
        return run_function(args)
    except BenchError as error:
        print(f"bench: {error}", file=sys.stderr)
        return 2


def main(argv=None):
    return command_line(run, build_parser(), argv)


if __name__ == "__main__":
    sys.exit(main())
