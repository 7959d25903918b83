"""Verdicts and tables of the tally benchmark: pure functions, no timing, no subprocess.

Targets (the issue): on each instance and for each rule, the same winners as pabutools and at
least MIN_SPEEDUP times its speed; MES with add1 completion on Warsaw within MAX_ADD1_SECONDS and
MAX_ADD1_BYTES.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from budgeting.tally.instance import natural_key

MIN_SPEEDUP = 10.0
MAX_ADD1_SECONDS = 60.0
MAX_ADD1_BYTES = 2 * 1024**3


@dataclass(frozen=True)
class Comparison:
    """One rule on one instance: our median time and winners, pabutools' time and winners."""

    instance: str
    rule: str
    ours_seconds: float
    pabutools_seconds: float
    ours_winners: frozenset[str]
    pabutools_winners: frozenset[str]
    # False in a --quick run: tiny instances say nothing about speed, only winners are judged.
    speed_judged: bool = True

    @property
    def ratio(self) -> float:
        if self.ours_seconds <= 0:
            return float("inf")
        return self.pabutools_seconds / self.ours_seconds

    @property
    def winners_equal(self) -> bool:
        return self.ours_winners == self.pabutools_winners

    @property
    def fast_enough(self) -> bool:
        return self.ratio >= MIN_SPEEDUP

    @property
    def ok(self) -> bool:
        return self.winners_equal and (self.fast_enough or not self.speed_judged)

    @property
    def verdict(self) -> str:
        return "PASS" if self.ok else "FAIL"

    def differences(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(funded only by ours, funded only by pabutools), in natural id order."""
        return (
            tuple(sorted(self.ours_winners - self.pabutools_winners, key=natural_key)),
            tuple(sorted(self.pabutools_winners - self.ours_winners, key=natural_key)),
        )


def compare(
    instance: str,
    rule: str,
    *,
    ours_seconds: float,
    pabutools_seconds: float,
    ours_winners: Iterable[str],
    pabutools_winners: Iterable[str],
    speed_judged: bool = True,
) -> Comparison:
    return Comparison(
        instance,
        rule,
        ours_seconds,
        pabutools_seconds,
        frozenset(ours_winners),
        frozenset(pabutools_winners),
        speed_judged,
    )


@dataclass(frozen=True)
class Add1Check:
    """Our MES with add1 completion, in a child process: wall time (start to exit) and peak RSS."""

    instance: str
    seconds: float
    peak_bytes: int
    funded: int = 0
    runs: int = 0
    finished: bool = True

    @property
    def ok(self) -> bool:
        return self.finished and self.seconds <= MAX_ADD1_SECONDS and self.peak_bytes <= MAX_ADD1_BYTES

    @property
    def verdict(self) -> str:
        return "PASS" if self.ok else "FAIL"


def format_seconds(seconds: float) -> str:
    if seconds < 0.1:
        return f"{seconds:.4f}"
    if seconds < 10:
        return f"{seconds:.3f}"
    return f"{seconds:.1f}"


def format_ratio(ratio: float) -> str:
    return "inf" if ratio == float("inf") else f"{ratio:.1f}"


def format_bytes(size: int) -> str:
    return f"{size / 1024**2:,.0f} MB"


def format_table(comparisons: Iterable[Comparison]) -> str:
    header = ("instance", "rule", "ours s", "pabutools s", "ratio", "winners equal", "verdict")
    rows = [header]
    for item in comparisons:
        verdict = item.verdict if item.speed_judged else f"{item.verdict} (speed not judged)"
        rows.append(
            (
                item.instance,
                item.rule,
                format_seconds(item.ours_seconds),
                format_seconds(item.pabutools_seconds),
                format_ratio(item.ratio),
                "yes" if item.winners_equal else "NO",
                verdict,
            )
        )
    widths = [max(len(row[column]) for row in rows) for column in range(len(header))]
    numeric = {2, 3, 4}
    lines = []
    for number, row in enumerate(rows):
        cells = [
            cell.rjust(width) if column in numeric else cell.ljust(width)
            for column, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
        if number == 0:
            lines.append("  ".join("-" * width for width in widths))
    return "\n".join(lines)


def format_differences(comparisons: Iterable[Comparison]) -> list[str]:
    lines = []
    for item in comparisons:
        if not item.winners_equal:
            only_ours, only_theirs = item.differences()
            lines.append(
                f"{item.instance} / {item.rule}: only ours fund {', '.join(only_ours) or '-'}; "
                f"only pabutools funds {', '.join(only_theirs) or '-'}"
            )
    return lines


def format_add1(check: Add1Check) -> str:
    if not check.finished:
        return f"MES add1 on {check.instance}: did not finish ({check.seconds:.1f} s) -> FAIL"
    return (
        f"MES add1 on {check.instance}: {check.seconds:.2f} s (limit {MAX_ADD1_SECONDS:.0f} s), "
        f"peak memory {format_bytes(check.peak_bytes)} (limit {format_bytes(MAX_ADD1_BYTES)}), "
        f"{check.funded} projects funded after {check.runs} MES runs -> {check.verdict}"
    )


def all_ok(comparisons: Iterable[Comparison], add1: Add1Check | None) -> bool:
    return all(item.ok for item in comparisons) and (add1 is None or add1.ok)
