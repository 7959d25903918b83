"""The tally benchmark: our engine and pabutools side by side, in one run.

    python -m bench.tally                             # Warsaw 2026 + synthetic 100 × 50,000
    python -m bench.tally --file other.pb             # another real election instead of Warsaw
    python -m bench.tally --pabutools-add1-timeout 420  # also show pabutools' add1 on Warsaw
    python -m bench.tally --quick                     # smoke run: Assen 2024 + synthetic 20 × 1,000
    make bench-tally

For each instance (the real file, and a synthetic election written to a temporary folder) and each
rule (greedy; one MES run with cost utilities and no completion), our engine is timed in this
process (median of --repeat runs, each from the parsed election, building the Instance included)
and pabutools in its own virtualenv (bench/.venv-pabutools, created on first use from
requirements-pabutools.txt) by bench/tally/pabutools_worker.py, which times the rule call alone.
A row passes when both fund the same set of projects and pabutools takes at least 10 times as long.

Then our MES with add1 completion runs on the real file in a child process: it passes within 60 s
(wall time of the whole child: start, parse, count) and 2 GB of peak resident memory.

Exit status 1 on any FAIL, 2 when pabutools' side cannot run. --quick judges winners and add1 only: tiny instances say nothing of
speed. Timing belongs here, never in the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.tally import ours, pabutools_side, report, synthetic
from budgeting.pabulib import read_pabulib

ROOT = Path(__file__).resolve().parents[2]
PABULIB = ROOT / "tests" / "budgeting" / "pabulib"
WARSAW = PABULIB / "Poland_Warszawa_2026.pb"
QUICK_FILE = PABULIB / "Netherlands_Assen_2024.pb"
DEFAULT_VENV = ROOT / "bench" / ".venv-pabutools"
QUICK_SYNTHETIC = {"projects": 20, "voters": 1_000}
ADD1_CHILD_TIMEOUT = 600.0  # seconds; far past the 60 s target, only so that a run always ends
RULE_NAMES = {"greedy": "greedy", "mes": "MES (no completion)"}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.tally", description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, help=f"the real election (default: {WARSAW.relative_to(ROOT)})")
    parser.add_argument("--pabutools-venv", type=Path, default=DEFAULT_VENV, help="pabutools' own virtualenv")
    parser.add_argument("--no-install", action="store_true", help="fail instead of creating the virtualenv")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of our engine per rule (median)")
    parser.add_argument("--pabutools-repeat", type=int, default=1, help="timed runs of pabutools per rule (median)")
    parser.add_argument("--seed", type=int, default=synthetic.SEED, help="seed of the synthetic election")
    parser.add_argument(
        "--tie-breaking",
        choices=("ours", "lexico"),
        default="ours",
        help="pabutools' tie-breaking: ours (cost, then votes for MES, then natural id) or its default (lexico)",
    )
    parser.add_argument(
        "--pabutools-add1-timeout",
        type=float,
        default=0,
        help="also run pabutools' MES with add1 on the real file for at most this many seconds (0: skip)",
    )
    parser.add_argument(
        "--pabutools-add1-memory", type=float, default=4.0, help="address-space cap of that run, in GB (default 4)"
    )
    parser.add_argument("--quick", action="store_true", help="smoke run on small instances; speed not judged")
    return parser.parse_args(argv)


def real_file(args: argparse.Namespace) -> Path:
    if args.file is not None:
        path = args.file
    elif args.quick:
        path = QUICK_FILE
    elif WARSAW.exists():
        path = WARSAW
    else:
        raise SystemExit(f"{WARSAW} is not there: give the Warsaw file with --file")
    if not path.exists():
        raise SystemExit(f"no such file: {path}")
    return path


def measure_instance(label: str, path: Path, python: Path, args: argparse.Namespace) -> list[report.Comparison]:
    started = time.perf_counter()
    election = read_pabulib(path)
    our_parse = time.perf_counter() - started
    print(
        f"\n{label}: {len(election.ballots):,} ballots, {len(election.projects)} projects, budget {election.budget:,}",
        flush=True,
    )
    timings = {rule: ours.time_rule(election, rule, args.repeat) for rule in ours.RULES}
    for rule, timing in timings.items():
        runs = ", ".join(report.format_seconds(seconds) for seconds in timing.seconds)
        print(
            f"  ours      {RULE_NAMES[rule]:<20} median {report.format_seconds(timing.median)} s  ({runs})", flush=True
        )
    theirs = pabutools_side.run_worker(
        python, path, ",".join(ours.RULES), repeat=args.pabutools_repeat, tie_breaking=args.tie_breaking
    )
    for rule in ours.RULES:
        runs = ", ".join(report.format_seconds(seconds) for seconds in theirs["rules"][rule]["seconds"])
        median = statistics.median(theirs["rules"][rule]["seconds"])
        print(f"  pabutools {RULE_NAMES[rule]:<20} median {report.format_seconds(median)} s  ({runs})", flush=True)
    print(
        f"  parsing (not in the table): ours {report.format_seconds(our_parse)} s, "
        f"pabutools {report.format_seconds(theirs['parse_seconds'])} s",
        flush=True,
    )
    return [
        report.compare(
            label,
            RULE_NAMES[rule],
            ours_seconds=timings[rule].median,
            pabutools_seconds=statistics.median(theirs["rules"][rule]["seconds"]),
            ours_winners=timings[rule].winners,
            pabutools_winners=theirs["rules"][rule]["winners"],
            speed_judged=not args.quick,
        )
        for rule in ours.RULES
    ]


def run_our_add1(label: str, path: Path) -> tuple[report.Add1Check, dict]:
    """Our MES with add1 completion in a fresh child process (python -m bench.tally.ours add1)."""
    started = time.perf_counter()
    try:
        completed = subprocess.run(
            [sys.executable, "-m", "bench.tally.ours", "add1", str(path)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=ADD1_CHILD_TIMEOUT,
        )
    except subprocess.TimeoutExpired:
        return report.Add1Check(label, time.perf_counter() - started, 0, finished=False), {}
    seconds = time.perf_counter() - started
    if completed.returncode != 0:
        print(completed.stderr, file=sys.stderr)
        return report.Add1Check(label, seconds, 0, finished=False), {}
    data = json.loads(completed.stdout)
    check = report.Add1Check(label, seconds, data["peak_bytes"], len(data["winners"]), data["runs"])
    return check, data


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    path = real_file(args)
    try:
        return run(args, path)
    except pabutools_side.PabutoolsError as error:
        print(f"\npabutools' side failed: {error}", file=sys.stderr)
        return 2


def run(args: argparse.Namespace, path: Path) -> int:
    python = pabutools_side.ensure_venv(args.pabutools_venv, install=not args.no_install)
    sizes = QUICK_SYNTHETIC if args.quick else {"projects": synthetic.PROJECTS, "voters": synthetic.VOTERS}
    print(
        f"Tally benchmark{' (quick: speed not judged)' if args.quick else ''} on {platform.machine()}, "
        f"{os.cpu_count()} CPUs: ours on Python {platform.python_version()}, "
        f"{pabutools_side.environment_summary(python)}; pabutools tie-breaking: {args.tie_breaking}"
    )

    comparisons: list[report.Comparison] = []
    with tempfile.TemporaryDirectory(prefix="bench-tally-") as folder:
        synthetic_path = Path(folder) / f"Synthetic_{sizes['projects']}x{sizes['voters']}_seed{args.seed}.pb"
        synthetic.write_synthetic(synthetic_path, seed=args.seed, **sizes)
        instances = [
            (path.stem, path),
            (f"synthetic {sizes['projects']}x{sizes['voters']:,} seed {args.seed}", synthetic_path),
        ]
        for label, instance_path in instances:
            comparisons += measure_instance(label, instance_path, python, args)

    print("\n" + report.format_table(comparisons))
    for line in report.format_differences(comparisons):
        print(line)

    print(f"\nOur MES with add1 completion on {path.stem}, in a child process ...", flush=True)
    add1, details = run_our_add1(path.stem, path)
    if details:
        print(
            f"  parse {details['parse_seconds']:.2f} s, count {details['rule_seconds']:.2f} s, "
            f"final share {details['budget_per_voter']} per voter, total cost {details['total_cost']:,}"
        )
    print(report.format_add1(add1))

    if args.pabutools_add1_timeout > 0:
        print(
            f"\npabutools' MES with add1 on {path.stem} (at most {args.pabutools_add1_timeout:.0f} s) ...", flush=True
        )
        attempt = pabutools_side.attempt_add1(
            python,
            path,
            timeout=args.pabutools_add1_timeout,
            memory_cap_bytes=int(args.pabutools_add1_memory * 1024**3),
            tie_breaking=args.tie_breaking,
        )
        peak = "unknown" if attempt.peak_bytes is None else report.format_bytes(attempt.peak_bytes)
        if attempt.finished:
            same = set(attempt.winners) == set(details.get("winners", ()))
            print(
                f"  finished in {attempt.seconds:.1f} s, peak memory {peak}; "
                f"winners {'equal to' if same else 'differ from'} ours (not judged: its add1 starts at "
                "budget/voters and stops once exhaustive)"
            )
        else:
            print(f"  did not finish: {attempt.error} ({attempt.seconds:.1f} s), peak memory {peak}")

    ok = report.all_ok(comparisons, add1)
    print("\nResult:", "PASS" if ok else "FAIL")
    return 0 if ok else 1
