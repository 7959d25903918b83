"""Our side of the benchmark: the portal's tally engine, timed in-process; add1 in a child process.

A timed run of a rule is `rule(Instance.from_election(election))`: it starts from the parsed
election and includes building the per-project supporter arrays (pabutools' timed rule call
likewise includes building its per-voter satisfaction profile). A fresh Instance each time, so
that nothing cached by an earlier run is reused.

    python -m bench.tally.ours add1 FILE   # the add1 child: prints JSON, with its own peak RSS
"""

from __future__ import annotations

import gc
import json
import resource
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

from budgeting.pabulib import Election, read_pabulib
from budgeting.tally import Instance, equal_shares, greedy

RULES: dict[str, Callable] = {
    "greedy": greedy,
    "mes": lambda instance: equal_shares(instance, completion="none"),
}


@dataclass(frozen=True)
class Timing:
    seconds: tuple[float, ...]
    winners: tuple[str, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


def time_rule(election: Election, rule: str, repeat: int = 5) -> Timing:
    run = RULES[rule]
    seconds, winners = [], ()
    for _ in range(max(repeat, 1)):
        gc.collect()
        started = time.perf_counter()
        result = run(Instance.from_election(election))
        seconds.append(time.perf_counter() - started)
        winners = result.funded
    return Timing(tuple(seconds), winners)


def add1_child(path: str) -> dict:
    """Parse, build, run MES with add1 completion; report times and this process's peak RSS."""
    started = time.perf_counter()
    election = read_pabulib(path)
    parsed = time.perf_counter()
    result = equal_shares(Instance.from_election(election), completion="add1")
    finished = time.perf_counter()
    return {
        "parse_seconds": parsed - started,
        "rule_seconds": finished - parsed,
        "winners": list(result.funded),
        "total_cost": result.total_cost,
        "runs": result.runs,
        "budget_per_voter": str(result.budget_per_voter),
        # Linux reports ru_maxrss in KiB.
        "peak_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
    }


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] != "add1":
        print("usage: python -m bench.tally.ours add1 FILE", file=sys.stderr)
        return 2
    json.dump(add1_child(argv[1]), sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
