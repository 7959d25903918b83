"""The verdicts and the table: pure functions over measurements, no database, no Django.

Targets (issue 4, and issue 9 for the whole portal), each a comparison within one run:
- a page or action costs the same number of SQL queries at every scale (checked against the
  100-proposal dataset); a count that grows with the data is a failure no noise can cause;
- no request fails;
- its median latency at the big scale is at most MAX_LATENCY_RATIO times the small scale's.
"""

import csv
import statistics
from dataclasses import asdict, dataclass

MAX_LATENCY_RATIO = 1.5


@dataclass(frozen=True)
class Measurement:
    """One scenario on one dataset: the query count (None if it varied between requests, with
    the counts seen), latencies in milliseconds, and failed requests."""

    queries: int | None
    queries_seen: tuple = ()
    median_ms: float = 0.0
    p95_ms: float = 0.0
    requests: int = 0
    errors: int = 0

    @classmethod
    def from_timings(cls, *, query_counts, timings_ms, errors=0):
        counts = tuple(sorted(set(query_counts)))
        return cls(
            queries=counts[0] if len(counts) == 1 else None,
            queries_seen=counts,
            median_ms=statistics.median(timings_ms) if timings_ms else 0.0,
            p95_ms=percentile(timings_ms, 95),
            requests=len(timings_ms),
            errors=errors,
        )


def percentile(values, share) -> float:
    """The nearest-rank percentile (0 for no values)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, -(-share * len(ordered) // 100))  # ceil
    return float(ordered[int(rank) - 1])


@dataclass(frozen=True)
class Verdict:
    scenario: str
    queries_baseline: int | None
    queries_small: int | None
    queries_big: int | None
    queries_ok: bool
    median_small_ms: float
    median_big_ms: float
    p95_big_ms: float
    ratio: float | None
    latency_ok: bool
    errors: int
    errors_ok: bool

    @property
    def ok(self) -> bool:
        return self.queries_ok and self.latency_ok and self.errors_ok

    @property
    def hard_failure(self) -> bool:
        """What noise cannot cause: a query count that varies or grows, a failed request."""
        return not (self.queries_ok and self.errors_ok)


def judge(
    scenario, *, baseline: Measurement, small: Measurement, big: Measurement, max_ratio=MAX_LATENCY_RATIO
) -> Verdict:
    """Compare one scenario across the datasets: the query count must be one number, the same on
    the baseline (100 proposals), small and big datasets; the big median within max_ratio × small."""
    counts = [baseline.queries, small.queries, big.queries]
    queries_ok = None not in counts and len(set(counts)) == 1
    ratio = big.median_ms / small.median_ms if small.median_ms > 0 else None
    errors = baseline.errors + small.errors + big.errors
    return Verdict(
        scenario=scenario,
        queries_baseline=baseline.queries,
        queries_small=small.queries,
        queries_big=big.queries,
        queries_ok=queries_ok,
        median_small_ms=small.median_ms,
        median_big_ms=big.median_ms,
        p95_big_ms=big.p95_ms,
        ratio=ratio,
        latency_ok=ratio is not None and ratio <= max_ratio,
        errors=errors,
        errors_ok=errors == 0 and min(baseline.requests, small.requests, big.requests) > 0,
    )


def _count(value, seen=()):
    if value is None:
        return "varies " + "/".join(str(count) for count in seen) if seen else "-"
    return str(value)


def format_table(verdicts, *, labels, max_ratio=MAX_LATENCY_RATIO) -> str:
    """The table printed at the end of a run (also pasted into closing notes)."""
    header = (
        "scenario",
        f"queries {labels[0]}",
        f"queries {labels[1]}",
        f"queries {labels[2]}",
        f"median {labels[1]}",
        f"median {labels[2]}",
        "ratio",
        f"p95 {labels[2]}",
        "errors",
        "verdict",
    )
    rows = [header]
    for verdict in verdicts:
        problems = []
        if not verdict.queries_ok:
            problems.append("queries")
        if not verdict.latency_ok:
            problems.append(f"latency>{max_ratio}x")
        if not verdict.errors_ok:
            problems.append("errors")
        rows.append(
            (
                verdict.scenario,
                _count(verdict.queries_baseline),
                _count(verdict.queries_small),
                _count(verdict.queries_big),
                f"{verdict.median_small_ms:.1f} ms",
                f"{verdict.median_big_ms:.1f} ms",
                f"{verdict.ratio:.2f}" if verdict.ratio is not None else "-",
                f"{verdict.p95_big_ms:.1f} ms",
                str(verdict.errors),
                "PASS" if verdict.ok else "FAIL (" + ", ".join(problems) + ")",
            )
        )
    widths = [max(len(row[column]) for row in rows) for column in range(len(header))]
    lines = []
    for number, row in enumerate(rows):
        cells = [
            cell.ljust(width) if column == 0 or column == len(row) - 1 else cell.rjust(width)
            for column, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
        if number == 0:
            lines.append("  ".join("-" * width for width in widths))
    return "\n".join(lines)


def write_csv(path, verdicts):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        fields = [*Verdict.__dataclass_fields__, "ok"]
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        for verdict in verdicts:
            writer.writerow({**asdict(verdict), "ok": verdict.ok})


# --- Throughput under load (bench/load.py) ------------------------------------------------------


def _runs(warmup):
    """The warm-up runs: none, one or a list."""
    if not warmup:
        return []
    return warmup if isinstance(warmup, list) else [warmup]


@dataclass(frozen=True)
class Throughput:
    """One variant of a load scenario over its timed rounds (the warm-up's errors count too)."""

    variant: str
    requests: int  # 200 responses in the timed rounds
    seconds: float
    errors: int
    p50_ms: float  # the median of the rounds' medians
    p99_ms: float  # the worst round's
    ran_out: int = 0  # timed rounds whose prepared requests ran out (their figure understates)
    peak_worker_mb: float | None = None  # the busiest gunicorn worker's peak RSS

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @classmethod
    def from_runs(cls, variant, *, warmup, rounds, memory=None):
        def failures(run):
            keys = ("failed", "connect_errors", "read_errors", "write_errors", "timeouts")
            return sum(run[key] for key in keys)

        return cls(
            variant=variant,
            requests=sum(run["ok"] for run in rounds),
            seconds=sum(run["duration_us"] for run in rounds) / 1e6,
            errors=sum(failures(run) for run in [*_runs(warmup), *rounds]),
            p50_ms=statistics.median(run["latency_us"]["p50"] for run in rounds) / 1000 if rounds else 0.0,
            p99_ms=max((run["latency_us"]["p99"] for run in rounds), default=0) / 1000,
            ran_out=sum(1 for run in rounds if run["exhausted_threads"]),
            peak_worker_mb=(memory or {}).get("worker_max_mb"),
        )


@dataclass(frozen=True)
class LoadVerdict:
    scenario: str
    variants: tuple  # Throughput per variant; the first is measured against the last
    ratio: float | None
    min_ratio: float | None  # None: a single variant, no ratio to meet
    problems: tuple = ()
    floor: Throughput | None = None  # the constant view, measured in the same rounds

    def of_floor(self, variant) -> float | None:
        """A variant's throughput as a fraction of the constant view's."""
        if self.floor is None or not self.floor.per_second:
            return None
        return variant.per_second / self.floor.per_second

    @property
    def ratio_ok(self) -> bool:
        if self.min_ratio is None:
            return True
        return self.ratio is not None and self.ratio >= self.min_ratio

    @property
    def errors(self) -> int:
        return sum(variant.errors for variant in self.variants)

    @property
    def hard_failure(self) -> bool:
        """What noise cannot cause: a failed request, a ballot not counted exactly once, no requests."""
        floor_failed = self.floor is not None and (self.floor.errors or self.floor.requests == 0)
        return bool(
            self.errors or self.problems or floor_failed or any(variant.requests == 0 for variant in self.variants)
        )

    @property
    def ok(self) -> bool:
        return self.ratio_ok and not self.hard_failure


# bench/load.py's name for the constant view measured in every round (--constant-floor).
CONSTANT_FLOOR = "constant"


def judge_load(scenario, result) -> LoadVerdict:
    """One load scenario's result (as bench/load.py writes it): throughputs, their ratio, checks.
    The constant floor, when measured, is kept apart: every variant is also shown as its fraction."""
    measured_variants = tuple(
        Throughput.from_runs(name, warmup=data["warmup"], rounds=data["rounds"], memory=data.get("memory"))
        for name, data in result["variants"].items()
    )
    variants = tuple(variant for variant in measured_variants if variant.variant != CONSTANT_FLOOR)
    floor = next((variant for variant in measured_variants if variant.variant == CONSTANT_FLOOR), None)
    measured, yardstick = variants[0], variants[-1]
    ratio = measured.per_second / yardstick.per_second if len(variants) > 1 and yardstick.per_second else None
    return LoadVerdict(
        scenario=scenario,
        variants=variants,
        ratio=ratio,
        min_ratio=result.get("min_ratio", 0.5),
        problems=tuple(result.get("problems", ())),
        floor=floor,
    )


def format_load_table(verdicts) -> str:
    header = (
        "load scenario", "variant", "requests", "seconds", "throughput", "of floor", "p50", "p99", "worker peak",
        "errors", "verdict",
    )  # fmt: skip
    rows = [header]
    for verdict in verdicts:
        shown = [*verdict.variants, *([verdict.floor] if verdict.floor else [])]
        for number, variant in enumerate(shown):
            last = number == len(shown) - 1
            of_floor = verdict.of_floor(variant)
            verdict_text = ""
            if number == 0 and verdict.ratio is not None:
                verdict_text = f"ratio {verdict.ratio:.2f} (min {verdict.min_ratio:g})"
            elif last:
                problems = []
                if not verdict.ratio_ok:
                    problems.append(f"ratio<{verdict.min_ratio:g}")
                if verdict.errors:
                    problems.append("errors")
                if verdict.problems:
                    problems.append("exactly-once")
                verdict_text = "PASS" if not problems else "FAIL (" + ", ".join(problems) + ")"
            rows.append(
                (
                    verdict.scenario if number == 0 else "",
                    variant.variant,
                    f"{variant.requests:,}",
                    f"{variant.seconds:.1f}",
                    f"{variant.per_second:.1f}/s" + (" (ran out)" if variant.ran_out else ""),
                    "" if of_floor is None else f"{of_floor:.2f}",
                    f"{variant.p50_ms:.1f} ms",
                    f"{variant.p99_ms:.1f} ms",
                    "" if variant.peak_worker_mb is None else f"{variant.peak_worker_mb:.0f} MB",
                    str(variant.errors),
                    verdict_text,
                )
            )
    widths = [max(len(row[column]) for row in rows) for column in range(len(header))]
    lines = []
    for number, row in enumerate(rows):
        cells = [
            cell.ljust(width) if column in (0, 1, len(row) - 1) else cell.rjust(width)
            for column, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
        if number == 0:
            lines.append("  ".join("-" * width for width in widths))
    return "\n".join(lines)
