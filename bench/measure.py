"""Measure one seeded database: run each scenario in-process with Django's test Client.

Run by bench/run.py in its own process per database (DATABASE_URL points at it):

    python -m bench.measure --channel proposals --seed-report seed.json --out result.json
    python -m bench.measure --channel budgeting --seed-report seed.json --out result.json --only pot_results_city

Per scenario: warm-up requests (caches, connection pool, PostgreSQL's buffers), then requests
whose SQL queries are counted, then the timed requests (without query capture, which would add
its own cost). A response with another status than the scenario expects counts as an error.
The output holds the raw samples (query counts, timings): the runner pools its rounds.
"""

import argparse
import gc
import json
import os
import sys
import time


def run_scenario(scenario, context, *, warmup, query_runs, requests):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    number = 0
    errors = []

    def one():
        nonlocal number
        if scenario.before_each:
            scenario.before_each(client, context, number)
        number += 1
        send = client.post if scenario.method == "post" else client.get
        url = scenario.url(context)
        data = scenario.data(context) if callable(scenario.data) else scenario.data
        started = time.perf_counter()
        headers = scenario.headers or None
        response = send(url, data, headers=headers) if scenario.method == "post" else send(url, headers=headers)
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code not in scenario.expect:
            errors.append(f"{response.status_code} {url}")
        return elapsed

    for _ in range(warmup):
        one()
    query_counts = []
    for _ in range(query_runs):
        with CaptureQueriesContext(connection) as captured:
            one()
        query_counts.append(len(captured.captured_queries))
    gc.collect()
    timings = [one() for _ in range(requests)]
    failures = len(errors)
    if scenario.failures_after:
        failures += scenario.failures_after(context, number)
    return {"query_counts": query_counts, "timings_ms": timings, "errors": failures, "error_samples": errors[:5]}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--channel", default="proposals")
    parser.add_argument("--seed-report", required=True, help="The JSON that seed_scale --report-json wrote.")
    parser.add_argument("--out", required=True)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--query-runs", type=int, default=3)
    parser.add_argument("--only", action="append", help="Run only these scenarios (repeatable).")
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "seoul_portal.settings")
    import django

    django.setup()
    import logging

    # Every support seals a ledger block and logs it: the measurement prints its own lines.
    logging.disable(logging.INFO)

    from bench.report import Measurement
    from bench.scenarios import channel_scenarios

    with open(args.seed_report, encoding="utf-8") as handle:
        seed_report = json.load(handle)
    module = channel_scenarios(args.channel)
    per_scenario = args.warmup + args.query_runs + args.requests
    context = module.prepare(dict(seed_report["channels"][args.channel]), requests=per_scenario)
    results = {}
    for scenario in module.SCENARIOS:
        if args.only and scenario.name not in args.only:
            continue
        samples = run_scenario(
            scenario, context, warmup=args.warmup, query_runs=args.query_runs, requests=args.requests
        )
        results[scenario.name] = {"describe": scenario.describe, **samples}
        measurement = Measurement.from_timings(
            query_counts=samples["query_counts"], timings_ms=samples["timings_ms"], errors=samples["errors"]
        )
        print(
            f"    {scenario.name:<22} queries {measurement.queries if measurement.queries is not None else 'varies'}"
            f"  median {measurement.median_ms:7.1f} ms  p95 {measurement.p95_ms:7.1f} ms"
            + (f"  ERRORS {measurement.errors}: {samples['error_samples']}" if measurement.errors else ""),
            flush=True,
        )
    with open(args.out, "w", encoding="utf-8") as handle:
        json.dump({"channel": args.channel, "scenarios": results}, handle, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
