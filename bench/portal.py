"""The whole portal's benchmark (issue 9): every channel at two scales, the floors, notification
dispatch, memory and the front end, in one run and one table.

    python -m bench.portal                   # Seoul scale (bench/sizes.py), the small scale 100 times smaller
    python -m bench.portal --scale small     # 100 times smaller again, less timed work (CI: a few minutes)
    make bench                               # the same, SCALE=seoul by default
    make bench SCALE=small

Each channel is run by bench/run.py (`run_channel`, the same code `make bench CHANNEL=...` runs)
with its small dataset 100 times smaller than its big one: proposals, voting, budgeting, complaints
and the complaints' dashboards (analysis, at a tenth of its own Seoul size: 1,000,000 complaints,
as many as the complaints channel). Their load scenarios (ballots, complaints filed through the web
form and Open311) also measure bench/minimal's constant view in every round: each throughput is
printed as a fraction of the SQL-only ballot view (the voting channel's yardstick) and of the
constant view, on the same machine at the same moment. Then:

- notification dispatch (bench/dispatch.py): queued SMS delivered by two Celery worker processes to
  a fake provider with a rate limit, as a fraction of that limit; none lost, none twice;
- peak memory: gunicorn's busiest web worker under load, the notification workers, the analysis
  rollup rebuild (the bulk worker's job), every seed;
- the front end (bench/frontend.py): the home page and a proposal page in headless Chromium,
  their weight on a first visit and their paint times on a 3G-class connection.

At the small scale (and under) every part does less timed work (EFFORT: fewer requests, rounds,
wrk runs and page loads; each option overrides its default): the same figures, noisier, in a few
minutes, which is what CI runs after the test suite.

One table is printed, with every target marked met or missed, then the time each part took; it is
written as CSV, JSON and an SVG chart under bench/results/ (ignored by git). Exit status 1 only on
what noise cannot cause: a query count that differs between the scales, a failed request, a lost
or doubled row, a part that could not be measured (its row says why; the other parts still run
and print); a missed latency or throughput target prints MISSED (and exits 1 with --strict).
"""

import argparse
import datetime
import json
import os
import platform
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
CHANNELS = ("proposals", "voting", "budgeting", "complaints", "analysis")
# The small scale is this many times smaller than the chosen one (issue 9).
SMALL_RATIO = 100
# The analysis channel's Seoul size is 10,000,000 complaints (issue 8); the portal's is 1,000,000.
CHANNEL_SHARE = {"analysis": 0.1}
# Seoul's notification load: 100,000 queued SMS; the fake provider's allowed rate (messages/s).
DISPATCH_MESSAGES = 100_000
DISPATCH_MIN_MESSAGES = 1_000
DISPATCH_RATE = 300
DISPATCH_WORKERS = 2

# The timed work of a run: Seoul's, and the small scale's (CI's: the whole run in under ten minutes
# on two CPUs). The small one still prints every figure, from one round instead of turns taken over
# the datasets (noisier); the hard failures do not depend on how much is timed. A scale at or under
# the small one takes the small effort; an explicit option overrides either.
EFFORT = {
    "seoul": {"requests": 60, "rounds": 3, "warmup": 5, "load_seconds": 15, "load_rounds": 5, "front_end_runs": 3},
    "small": {"requests": 16, "rounds": 1, "warmup": 2, "load_seconds": 5, "load_rounds": 1, "front_end_runs": 2},
}

# Targets, each a ratio measured in this run or a bound (issue 9).
MAX_LATENCY_RATIO = 1.5
MIN_BALLOT_RATIO = 0.5
MIN_DISPATCH_RATIO = 0.8
MEMORY_TARGETS_MB = {"web worker": 200, "notification worker": 250, "analysis worker": 800, "seed": 2048}
PAGE_WEIGHT_KB = 300
FCP_SECONDS = 2.0
LCP_SECONDS = 2.5


@dataclass(frozen=True)
class Row:
    """One line of the table: a measured figure and its target."""

    section: str  # pages, load, dispatch, memory, front end
    name: str
    figure: str  # what was measured, as printed
    target: str  # "" when there is none (shown for information)
    met: bool | None  # None: no target
    hard: bool = False  # a failure noise cannot cause
    value: float | None = None  # the number the chart draws (a ratio, MB, KB, seconds)
    detail: str = ""


def effort(scale: float) -> dict:
    """The timed work of a run at `scale` (EFFORT)."""
    from bench.run import NAMED_SCALES

    return EFFORT["small" if scale <= NAMED_SCALES["small"] else "seoul"]


def apply_effort(args) -> argparse.Namespace:
    """Fill the timed work the command line left out with the scale's (EFFORT)."""
    for name, value in effort(args.scale).items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    return args


def channel_args(channel: str, args, *, template=None) -> argparse.Namespace:
    """bench/run.py's arguments for one channel of the whole run."""
    from bench.run import build_parser

    apply_effort(args)
    argv = ["--template", template] if template else []
    argv += ["--channel", channel, "--scale", str(args.scale * CHANNEL_SHARE.get(channel, 1.0))]
    argv += ["--ratio", str(SMALL_RATIO), "--requests", str(args.requests), "--rounds", str(args.rounds)]
    argv += ["--warmup", str(args.warmup)]
    argv += ["--load-seconds", str(args.load_seconds), "--load-rounds", str(args.load_rounds), "--constant-floor"]
    argv += ["--max-ratio", str(MAX_LATENCY_RATIO if channel != "analysis" else 2.0)]
    for flag in ("keep", "reuse", "no_load", "strict"):
        if getattr(args, flag):
            argv.append("--" + flag.replace("_", "-"))
    if args.redis_url:
        argv += ["--redis-url", args.redis_url]
    return build_parser().parse_args(argv)


# --- Rows from each part ------------------------------------------------------------------------


def page_rows(outcome) -> list[Row]:
    rows = []
    small, big = outcome.labels[1], outcome.labels[2]
    for verdict in outcome.verdicts:
        queries = "=" if verdict.queries_ok else "DIFFER"
        figure = (
            f"queries {verdict.queries_small}{queries}{verdict.queries_big}; median {verdict.median_small_ms:.1f} ms "
            f"@{small} -> {verdict.median_big_ms:.1f} ms @{big} (p95 {verdict.p95_big_ms:.1f}); "
            f"ratio {verdict.ratio:.2f}" if verdict.ratio is not None else "no timing"
        )
        if verdict.errors:
            figure += f"; {verdict.errors} errors"
        rows.append(
            Row(
                "pages", f"{outcome.channel}.{verdict.scenario}", figure,
                target=f"same queries, ratio <= {MAX_LATENCY_RATIO if outcome.channel != 'analysis' else 2.0:g}",
                met=verdict.ok, hard=verdict.hard_failure, value=verdict.ratio,
            )  # fmt: skip
        )
    return rows


def load_rows(outcome) -> list[Row]:
    rows = []
    for verdict in outcome.load_verdicts:
        measured = verdict.variants[0]
        parts = [f"{measured.per_second:,.1f}/s, p50 {measured.p50_ms:.1f} ms"]
        if verdict.ratio is not None:
            parts.append(f"{verdict.ratio:.2f} of the SQL floor ({verdict.variants[-1].per_second:,.1f}/s)")
        of_floor = verdict.of_floor(measured)
        if of_floor is not None:
            parts.append(f"{of_floor:.2f} of the constant view ({verdict.floor.per_second:,.1f}/s)")
        parts.append(f"{verdict.errors} errors")
        parts.append("exactly once" if not verdict.problems else "; ".join(verdict.problems))
        target = f">= {verdict.min_ratio:g} of the SQL floor, no error" if verdict.min_ratio else "no error, exactly once"
        rows.append(
            Row(
                "load", f"{outcome.channel}.{verdict.scenario}", ", ".join(parts), target=target, met=verdict.ok,
                hard=verdict.hard_failure, value=verdict.ratio if verdict.ratio is not None else of_floor,
            )  # fmt: skip
        )
    return rows


def memory_rows(outcomes, dispatch) -> list[Row]:
    """The peaks, each against its bound: web workers under load, notification workers while
    dispatching, the rollup rebuild (what the analysis worker runs), every seed."""
    rows = []

    def bounded(name, peak, where):
        if peak is None:
            return
        bound = MEMORY_TARGETS_MB[name]
        rows.append(Row("memory", f"{name} ({where})", f"peak {peak:,.0f} MB RSS", f"<= {bound:,} MB",
                        met=peak <= bound, value=peak))  # fmt: skip

    for outcome in outcomes:
        for verdict in outcome.load_verdicts:
            bounded("web worker", verdict.variants[0].peak_worker_mb, f"{outcome.channel}.{verdict.scenario}")
        for dataset in outcome.datasets:
            if dataset.get("rebuild"):
                bounded("analysis worker", dataset["rebuild"].get("peak_memory_mb"), f"rollups of {dataset['factor']:g}")
            seed = dataset.get("seed") or {}
            bounded("seed", seed.get("peak_memory_mb"), f"{outcome.channel} x{dataset['factor']:g}")
    if dispatch:
        bounded("notification worker", dispatch_peak_mb(dispatch), "dispatch")
    return rows


def dispatch_rows(result) -> list[Row]:
    """bench/dispatch's report: the achieved share of the provider's rate, and exactly once."""
    if not result:
        return []
    ratio = result["rate_ratio"]
    broken = {name: result.get(name, 0) for name in ("lost", "doubled", "strangers", "garbled")}
    if result.get("timed_out"):
        broken["timed out"] = 1
    figure = (
        f"{result['messages']:,} SMS by {result['workers']} workers in {result['wall_seconds']:.1f} s = "
        f"{result['achieved_rate']:,.1f}/s of {result['rate']:,}/s allowed ({ratio:.2f}); "
        f"429s {result.get('rate_limited', 0):,}; " + ", ".join(f"{name} {count}" for name, count in broken.items())
    )
    return [
        Row("dispatch", "notifications.sms", figure, f">= {MIN_DISPATCH_RATIO:g} of the allowed rate, none lost or twice",
            met=ratio >= MIN_DISPATCH_RATIO and not any(broken.values()), hard=any(broken.values()), value=ratio)
    ]  # fmt: skip


def dispatch_peak_mb(result) -> float | None:
    """The notification workers' peak: the largest peak RSS of one worker process."""
    peaks = [tree["process_peak_rss_mb"] for tree in (result or {}).get("memory", ())]
    return max(peaks, default=None)


def front_end_rows(pages) -> list[Row]:
    """bench/frontend.py's pages: weight without fonts (and with them), paints on a slow mobile
    connection, static files' fingerprints and caching, the fonts' rules."""
    rows = []
    for page in pages or ():
        weight_kb = page["bytes_without_fonts"] / 1024
        total_kb = page["total_bytes"] / 1024
        rows.append(
            Row("front end", f"{page['path']} weight", f"{weight_kb:,.0f} KB compressed ({total_kb:,.0f} KB with "
                f"fonts), {page['requests']} requests", f"< {PAGE_WEIGHT_KB} KB without fonts",
                met=weight_kb < PAGE_WEIGHT_KB, value=weight_kb)
        )  # fmt: skip
        fcp, lcp = page.get("fcp_ms"), page.get("lcp_ms")
        painted = fcp is not None and lcp is not None
        figure = f"FCP {fcp / 1000:.2f} s, LCP {lcp / 1000:.2f} s" if painted else "no paint"
        rows.append(
            Row("front end", f"{page['path']} on a slow mobile connection", figure,
                f"FCP < {FCP_SECONDS:g} s, LCP < {LCP_SECONDS:g} s",
                met=painted and fcp / 1000 < FCP_SECONDS and lcp / 1000 < LCP_SECONDS,
                value=lcp / 1000 if painted else None)
        )  # fmt: skip
        problems = [*page.get("static_problems", ()), *page.get("font_problems", ())]
        rows.append(
            Row("front end", f"{page['path']} static files and fonts",
                "; ".join(problems) or f"{page.get('static_files', 0)} static files fingerprinted and cached a year; "
                "fonts swap, at most two weights", "fingerprinted, cached a year, fonts swap",
                met=not problems)
        )  # fmt: skip
    return rows


# --- Output -------------------------------------------------------------------------------------


def verdict_text(row: Row) -> str:
    if row.met is None:
        return ""
    if row.met:
        return "met"
    return "FAILED" if row.hard else "MISSED"


def format_rows(rows: list[Row]) -> str:
    header = ("section", "page or action", "measured", "target", "verdict")
    table = [header] + [(row.section, row.name, row.figure, row.target, verdict_text(row)) for row in rows]
    widths = [max(len(line[column]) for line in table) for column in range(len(header))]
    lines = []
    for number, line in enumerate(table):
        lines.append("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip())
        if number == 0:
            lines.append("  ".join("-" * width for width in widths))
    return "\n".join(lines)


def write_csv(path: Path, rows: list[Row]):
    import csv

    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["section", "name", "measured", "target", "verdict", "value"])
        for row in rows:
            writer.writerow([row.section, row.name, row.figure, row.target, verdict_text(row),
                             "" if row.value is None else f"{row.value:.4g}"])  # fmt: skip


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def chart_svg(rows: list[Row], *, title: str) -> str:
    """A bar per ratio with a target (pages: seoul / small latency; load: share of the SQL floor;
    dispatch: share of the allowed rate), the target marked on each bar's row. Plain SVG: no
    plotting library for one picture."""
    bars = [row for row in rows if row.section in ("pages", "load", "dispatch") and row.value is not None]
    label_width, bar_width, row_height, top = 300, 420, 18, 40
    scale_max = max([2.0, *(row.value for row in bars)])
    height = top + row_height * len(bars) + 30
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{label_width + bar_width + 80}" height="{height}" '
        'font-family="sans-serif" font-size="11">',
        f'<text x="8" y="20" font-size="14">{_escape(title)}</text>',
    ]
    for number, row in enumerate(bars):
        y = top + number * row_height
        width = bar_width * min(row.value, scale_max) / scale_max
        colour = {"met": "#2e7d32", "MISSED": "#f9a825", "FAILED": "#c62828"}.get(verdict_text(row), "#546e7a")
        parts.append(f'<text x="8" y="{y + 12}">{_escape(row.section + " " + row.name)}</text>')
        parts.append(f'<rect x="{label_width}" y="{y + 2}" width="{width:.1f}" height="{row_height - 5}" fill="{colour}"/>')
        parts.append(f'<text x="{label_width + width + 4:.1f}" y="{y + 12}">{row.value:.2f}</text>')
        target = _target_value(row)
        if target is not None:
            x = label_width + bar_width * min(target, scale_max) / scale_max
            parts.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{y}" y2="{y + row_height}" stroke="#000" '
                         'stroke-dasharray="2,2"/>')  # fmt: skip
    parts.append(
        f'<text x="8" y="{height - 8}">bars: latency seoul/small (target at most 1.5, 2 for analysis), throughput '
        "share of the SQL floor (at least 0.5), dispatch share of the allowed rate (at least 0.8); dashes: target</text>"
    )
    parts.append("</svg>")
    return "\n".join(parts)


def _target_value(row: Row) -> float | None:
    if row.section == "pages":
        return 2.0 if row.name.startswith("analysis.") else MAX_LATENCY_RATIO
    if row.section == "load" and "SQL floor" in row.target:
        return MIN_BALLOT_RATIO
    if row.section == "dispatch":
        return MIN_DISPATCH_RATIO
    return None


# --- The run ------------------------------------------------------------------------------------


def run(args) -> int:
    from bench.run import check_database_url, drop_database, run_channel

    url = check_database_url(os.environ.get("DATABASE_URL", ""))
    apply_effort(args)
    started = datetime.datetime.now().astimezone()
    clock = time.monotonic()
    channels = args.channel or list(CHANNELS)
    print(
        f"The Seoul portal's benchmark at scale {args.scale:g} (small = / {SMALL_RATIO}): {', '.join(channels)}; "
        f"{args.requests} timed requests per page and dataset in {args.rounds} rounds (after {args.warmup} untimed), "
        f"{args.load_rounds} wrk runs of {args.load_seconds} s per load variant, {args.front_end_runs} loads of each "
        f"front-end page; {os.cpu_count()} CPUs, {platform.python_implementation()} {platform.python_version()}",
        flush=True,
    )
    outcomes, rows, steps = [], [], {}
    template = migrated_template(url)
    dispatch = None

    def step(section, name, measure):
        """Run one part, timed; a part that fails is a row that fails hard (noise cannot cause
        it), and the run goes on to the next, so that the table still shows every other figure."""
        print(f"\n=== {name} ===", flush=True)
        step_clock = time.monotonic()
        try:
            return measure()
        except Exception as error:  # noqa: BLE001 -- the table of what was measured still prints
            print(f"bench: {name} could not be measured: {type(error).__name__}: {error}", flush=True)
            rows.append(Row(section, name, f"not measured: {type(error).__name__}: {error}", "measured",
                            met=False, hard=True))  # fmt: skip
            return None
        finally:
            steps[name] = time.monotonic() - step_clock

    try:
        for channel in channels:
            outcome = step("pages", channel, lambda channel=channel: run_channel(
                channel_args(channel, args, template=template)))  # fmt: skip
            if outcome is not None:
                outcomes.append(outcome)
                rows += page_rows(outcome) + load_rows(outcome)
        if not args.no_dispatch:
            dispatch = step("dispatch", "notification dispatch", lambda: dispatch_step(url, args, template=template))
            rows += dispatch_rows(dispatch)
        rows += memory_rows(outcomes, dispatch)
        if not args.no_front_end:
            pages = step("front end", "front end", lambda: front_end_step(url, args, template=template))
            rows += front_end_rows(pages)
    finally:
        drop_database(url, template)
    minutes = (time.monotonic() - clock) / 60
    title = f"Seoul portal benchmark, {started:%Y-%m-%d %H:%M %Z}, scale {args.scale:g}, {minutes:.0f} min"
    print(f"\n{title}\n")
    print(format_rows(rows))
    print("\nTime per part: " + ", ".join(f"{name} {seconds:,.0f} s" for name, seconds in steps.items()))
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = f"portal-{started:%Y%m%d-%H%M%S}"
    write_csv(RESULTS / f"{stamp}.csv", rows)
    (RESULTS / f"{stamp}.svg").write_text(chart_svg(rows, title=title), encoding="utf-8")
    (RESULTS / f"{stamp}.json").write_text(
        json.dumps({"scale": args.scale, "rows": [row.__dict__ for row in rows], "dispatch": dispatch,
                    "seconds": {name: round(seconds, 1) for name, seconds in steps.items()}}, indent=2, default=str),
        encoding="utf-8",
    )  # fmt: skip
    print(f"\nResults: bench/results/{stamp}.csv, .svg and .json")
    hard = [row.name for row in rows if row.hard]
    missed = [row.name for row in rows if row.met is False and not row.hard]
    if hard:
        print(f"FAILED (what noise cannot cause): {', '.join(hard)}")
        return 1
    if missed:
        print(f"Targets missed: {', '.join(missed)}" + ("" if args.strict else " (not fatal without --strict)"))
        return 1 if args.strict else 0
    print("Every target met.")
    return 0


def migrated_template(url) -> str:
    """One migrated empty database, copied by every channel's datasets (a migration each would
    take a minute apiece)."""
    from bench.run import DATABASE_PREFIX, create_database, environment, run_step

    name = f"{DATABASE_PREFIX}_template"
    print(f"Migrating the template database {name} ...", flush=True)
    create_database(url, name)
    run_step([sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"], environment(url, name), label="migrate")
    return name


def dispatch_step(url, args, *, template=None) -> dict:
    """bench/dispatch's run, in a copy of the migrated template when there is one (a migration of
    its own would take longer than the dispatch at the small scale)."""
    from bench.dispatch import run_dispatch
    from bench.run import DATABASE_PREFIX, create_database, database_url, drop_database

    messages = max(DISPATCH_MIN_MESSAGES, round(DISPATCH_MESSAGES * args.scale))
    redis_url = args.redis_url or os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    # Long enough for every message at the allowed rate, four times over.
    timeout = max(300.0, 4 * messages / args.dispatch_rate)
    options = {"messages": messages, "rate": args.dispatch_rate, "workers": DISPATCH_WORKERS, "timeout": timeout}
    if template is None:
        return run_dispatch(url, redis_url, **options)
    name = f"{DATABASE_PREFIX}_dispatch"
    create_database(url, name, template=template)
    try:
        return run_dispatch(database_url(url, name), redis_url, fresh_database=False, **options)
    finally:
        drop_database(url, name)


def front_end_step(url, args, *, template=None) -> list[dict]:
    """The home page and a proposal page, as a first visitor's phone loads them from gunicorn
    serving the portal as in production (DEBUG off, collected and compressed static files), on a
    database holding the demo content (manage.py seed_demo)."""
    import re
    import secrets
    import shutil
    import tempfile
    import urllib.request

    from bench.frontend import measure_pages
    from bench.load import GunicornServer
    from bench.run import DATABASE_PREFIX, BenchError, create_database, drop_database, environment, run_step
    from bench.scenarios import LoadVariant

    name = f"{DATABASE_PREFIX}_front_end"
    manage = [sys.executable, "manage.py"]
    workdir = Path(tempfile.mkdtemp(prefix="seoul-bench-front-"))
    server = None
    create_database(url, name, template=template)
    try:
        # A key of this run only: with one, the static files are collected with their hashed names
        # (whitenoise's manifest storage), as in production.
        env = {**environment(url, name), "SECRET_KEY": secrets.token_urlsafe(50)}
        if template is None:
            run_step([*manage, "migrate", "--no-input", "-v", "0"], env, label="migrate")
        run_step([*manage, "seed_demo", "--force"], env, label="seed_demo")
        run_step([*manage, "collectstatic", "--no-input", "-v", "0"], env, label="collectstatic")
        variant = LoadVariant(
            "portal", "the portal as in production", settings="seoul_portal.settings", ready_path="/healthz",
            environment={"DEBUG": "false", "SECURE_SSL_REDIRECT": "false", "SESSION_COOKIE_SECURE": "false",
                         "CSRF_COOKIE_SECURE": "false"},
        )  # fmt: skip
        server = GunicornServer(variant, workers=2, worker_class="sync", threads=1, workdir=workdir)
        server.start(env)
        with urllib.request.urlopen(server.base_url + "/proposals/", timeout=30) as response:  # noqa: S310 -- loopback
            listing = response.read().decode("utf-8", "replace")
        found = re.search(r'href="(/proposals/\d+/)"', listing)
        if not found:
            raise BenchError("the demo content holds no proposal to measure")
        return measure_pages(server.base_url, ["/", found.group(1)], runs=args.front_end_runs)
    finally:
        if server is not None:
            server.stop()
        drop_database(url, name)
        shutil.rmtree(workdir, ignore_errors=True)


def build_parser() -> argparse.ArgumentParser:
    from bench.run import parse_scale

    parser = argparse.ArgumentParser(description="The whole portal's benchmark: every channel, floors, one table.")
    parser.add_argument("--scale", type=parse_scale, default=1.0, help="seoul (default), small or a factor.")
    parser.add_argument("--channel", action="append", choices=CHANNELS, help="Only these channels (repeatable).")
    seoul, small = EFFORT["seoul"], EFFORT["small"]

    def by_scale(name):
        return f"(default: {seoul[name]}; {small[name]} at --scale small or under)"

    parser.add_argument("--requests", type=int, help=f"Timed requests per page and dataset {by_scale('requests')}.")
    parser.add_argument("--rounds", type=int, help=f"Rounds taking turns over the datasets {by_scale('rounds')}.")
    parser.add_argument(
        "--warmup", type=int, help=f"Untimed requests per page before them, in each round {by_scale('warmup')}."
    )
    parser.add_argument(
        "--load-seconds", type=int, help=f"Length of one timed wrk run, in seconds {by_scale('load_seconds')}."
    )
    parser.add_argument(
        "--load-rounds", type=int, help=f"Timed wrk runs per variant, taking turns {by_scale('load_rounds')}."
    )
    parser.add_argument(
        "--front-end-runs",
        type=int,
        help=f"Throttled loads of each front-end page, the paints' median {by_scale('front_end_runs')}.",
    )
    parser.add_argument("--dispatch-rate", type=int, default=DISPATCH_RATE, help="The fake SMS provider's rate limit.")
    parser.add_argument("--redis-url", default=None, help="The Redis the servers and workers use (default: REDIS_URL).")
    parser.add_argument("--keep", action="store_true", help="Keep the benchmark databases afterwards.")
    parser.add_argument("--reuse", action="store_true", help="Measure the databases an earlier --keep run kept.")
    parser.add_argument("--no-load", action="store_true", help="Skip the load scenarios (wrk).")
    parser.add_argument("--no-dispatch", action="store_true", help="Skip notification dispatch.")
    parser.add_argument("--no-front-end", action="store_true", help="Skip the front end (Chromium).")
    parser.add_argument("--strict", action="store_true", help="Also exit 1 when a latency or throughput target is missed.")
    return parser


def main(argv=None):
    sys.path.insert(0, str(ROOT))
    from bench.run import command_line

    return command_line(run, build_parser(), argv)


if __name__ == "__main__":
    sys.exit(main())
