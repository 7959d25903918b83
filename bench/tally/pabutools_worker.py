"""Runs pabutools on one pabulib file and prints JSON; executed by the pabutools virtualenv's python.

It never imports the portal (nor anything outside the standard library and pabutools), so that the
two tallies run side by side from separate environments:

    .venv-pabutools/bin/python bench/tally/pabutools_worker.py FILE --rules greedy,mes
    .venv-pabutools/bin/python bench/tally/pabutools_worker.py FILE --rules mes-add1

Rules (approval ballots, cost utilities `Cost_Sat`, resolute):
- greedy: `greedy_utilitarian_welfare` (satisfaction per cost = votes: greedy by votes);
- mes: `method_of_equal_shares`, one run at budget / voters, no completion;
- mes-add1: the same with `voter_budget_increment=1` (pabutools' add1 completion; only used to show
  how long it takes, the parent kills it at its timeout).

Only the rule call is timed (it includes pabutools' own per-voter satisfaction profile); parsing
is timed separately. Output: {"pabutools": version, "parse_seconds": s, "voters": n,
"projects": m, "rules": {rule: {"winners": [ids], "seconds": [s, ...]}}}.

Tie-breaking: with --tie-breaking ours (the default), pabutools breaks ties the way the portal's
engine does: greedy by lower cost, then project id in natural order ("2" < "10"); MES by lower cost,
then more votes, then natural id. --tie-breaking lexico keeps pabutools' default (project id as a
string).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time


def natural_key(project_id: str) -> tuple:
    """The portal's budgeting.tally.instance.natural_key, repeated here (no portal import)."""
    return tuple((0, int(part)) if part.isdigit() else (1, part) for part in re.split(r"(\d+)", project_id) if part)


def tie_breaking_rules(instance, profile, kind: str):
    from pabutools.tiebreaking import TieBreakingRule, lexico_tie_breaking

    if kind == "lexico":
        return lexico_tie_breaking, lexico_tie_breaking
    votes: dict[str, int] = {}
    for ballot in profile:
        for project in ballot:
            votes[project.name] = votes.get(project.name, 0) + 1
    greedy_rule = TieBreakingRule(lambda inst, prof, project: (project.cost, natural_key(project.name)))
    mes_rule = TieBreakingRule(
        lambda inst, prof, project: (project.cost, -votes.get(project.name, 0), natural_key(project.name))
    )
    return greedy_rule, mes_rule


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file")
    parser.add_argument("--rules", default="greedy,mes", help="comma-separated: greedy, mes, mes-add1")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each rule (each is timed)")
    parser.add_argument("--tie-breaking", choices=("ours", "lexico"), default="ours")
    args = parser.parse_args(argv)

    import pabutools
    from pabutools.election import Cost_Sat, parse_pabulib
    from pabutools.rules import greedy_utilitarian_welfare, method_of_equal_shares

    started = time.perf_counter()
    instance, profile = parse_pabulib(args.file)
    parse_seconds = time.perf_counter() - started
    greedy_ties, mes_ties = tie_breaking_rules(instance, profile, args.tie_breaking)

    calls = {
        "greedy": lambda: greedy_utilitarian_welfare(instance, profile, sat_class=Cost_Sat, tie_breaking=greedy_ties),
        "mes": lambda: method_of_equal_shares(instance, profile, sat_class=Cost_Sat, tie_breaking=mes_ties),
        "mes-add1": lambda: method_of_equal_shares(
            instance, profile, sat_class=Cost_Sat, tie_breaking=mes_ties, voter_budget_increment=1
        ),
    }
    results = {}
    for rule in args.rules.split(","):
        if rule not in calls:
            parser.error(f"unknown rule {rule!r}")
        seconds, winners = [], None
        for _ in range(max(args.repeat, 1)):
            started = time.perf_counter()
            allocation = calls[rule]()
            seconds.append(time.perf_counter() - started)
            winners = sorted((project.name for project in allocation), key=natural_key)
        results[rule] = {"winners": winners, "seconds": seconds}

    json.dump(
        {
            "pabutools": getattr(pabutools, "__version__", None) or _version(),
            "parse_seconds": parse_seconds,
            "voters": profile.num_ballots(),
            "projects": len(instance),
            "rules": results,
        },
        sys.stdout,
    )
    sys.stdout.write("\n")
    return 0


def _version() -> str | None:
    try:
        from importlib.metadata import version

        return version("pabutools")
    except Exception:
        return None


if __name__ == "__main__":
    sys.exit(main())
