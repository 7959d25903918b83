"""The pure parts of the benchmark: the seeding plan, the verdicts and the table, the runner's
datasets and its refusal of remote servers. No database, no timing."""

import random
from datetime import UTC, datetime

import pytest

from bench.report import Measurement, format_table, judge, percentile
from bench.run import BenchError, check_database_url, datasets, parse_scale
from bench.seeding.ledger import fast_receipt
from bench.seeding.proposals import PlanError, Thresholds, distribute, make_plan, status_counts
from bench.sizes import scaled

NOW = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)
SEOUL_RULES = Thresholds(review=50, debate=100, mayor=1000, window_days=30, debate_days=30, answer_due_months=1)


def measurement(queries, median, *, errors=0, requests=50, seen=None):
    return Measurement(
        queries=queries,
        queries_seen=seen or (queries,),
        median_ms=median,
        p95_ms=median * 1.2,
        requests=requests,
        errors=errors,
    )


# --- Verdicts ---------------------------------------------------------------------------------


def test_same_queries_and_latency_within_the_ratio_pass():
    verdict = judge("list", baseline=measurement(9, 8.0), small=measurement(9, 10.0), big=measurement(9, 14.9))
    assert verdict.ok and not verdict.hard_failure
    assert verdict.ratio == pytest.approx(1.49)


def test_a_query_count_that_grows_with_the_data_fails_hard():
    verdict = judge("list", baseline=measurement(9, 8.0), small=measurement(9, 10.0), big=measurement(10, 10.0))
    assert not verdict.queries_ok and verdict.hard_failure and not verdict.ok


def test_a_query_count_that_varies_between_requests_fails_hard():
    varies = Measurement.from_timings(query_counts=[9, 10, 9], timings_ms=[1.0, 2.0])
    assert varies.queries is None and varies.queries_seen == (9, 10)
    verdict = judge("list", baseline=varies, small=measurement(9, 1.0), big=measurement(9, 1.0))
    assert verdict.hard_failure


def test_slow_at_scale_fails_but_not_hard():
    verdict = judge("detail", baseline=measurement(12, 8.0), small=measurement(12, 10.0), big=measurement(12, 15.1))
    assert not verdict.latency_ok and not verdict.ok and not verdict.hard_failure


def test_errors_fail_hard():
    verdict = judge(
        "support", baseline=measurement(20, 5.0), small=measurement(20, 5.0), big=measurement(20, 5.0, errors=1)
    )
    assert verdict.hard_failure and verdict.errors == 1


def test_no_requests_is_no_pass():
    verdict = judge(
        "support", baseline=measurement(20, 5.0), small=measurement(20, 5.0), big=measurement(20, 0.0, requests=0)
    )
    assert not verdict.ok


def test_medians_and_percentiles():
    timed = Measurement.from_timings(query_counts=[3, 3], timings_ms=[5.0, 1.0, 3.0, 100.0])
    assert timed.median_ms == 4.0 and timed.queries == 3
    assert percentile([float(n) for n in range(1, 101)], 95) == 95.0
    assert percentile([], 95) == 0.0


def test_the_table_shows_every_figure_and_the_verdict():
    verdicts = [
        judge("list", baseline=measurement(9, 8.0), small=measurement(9, 10.0), big=measurement(9, 12.0)),
        judge("detail", baseline=measurement(12, 8.0), small=measurement(12, 10.0), big=measurement(13, 20.0)),
    ]
    table = format_table(verdicts, labels=["100", "1k", "100k"])
    lines = table.splitlines()
    assert lines[0].split()[:4] == ["scenario", "queries", "100", "queries"]
    assert "PASS" in lines[2] and "1.20" in lines[2]
    assert "FAIL (queries, latency>1.5x)" in lines[3] and "2.00" in lines[3]


# --- The runner's datasets and guard ------------------------------------------------------------


def test_seoul_scale_runs_three_datasets():
    sets = datasets(1.0, 100)
    assert [dataset["roles"] for dataset in sets] == [["baseline"], ["small"], ["big"]]
    assert [scaled("proposals", dataset["factor"])["proposals"] for dataset in sets] == [100, 1_000, 100_000]
    assert scaled("proposals", 1.0) == {"proposals": 100_000, "supports": 2_000_000, "comments": 500_000}


def test_small_scale_shares_the_baseline_database():
    sets = datasets(parse_scale("small"), 100)
    assert [dataset["roles"] for dataset in sets] == [["baseline", "small"], ["big"]]
    # The featured proposal has its 1,000 comments at every scale.
    assert scaled("proposals", sets[0]["factor"])["comments"] == 2_000


@pytest.mark.parametrize(
    "url",
    ["postgres://postgres@db.example.org:5432/x", "postgres://u:p@10.0.0.5/x", "sqlite:///tmp/db.sqlite3", ""],
)
def test_the_runner_refuses_anything_but_a_local_postgresql(url):
    with pytest.raises(BenchError):
        check_database_url(url)


@pytest.mark.parametrize(
    "url", ["postgres://postgres@127.0.0.1:5432/x", "postgresql://u@localhost/x", "postgres://u@[::1]/x"]
)
def test_the_runner_accepts_a_local_postgresql(url):
    assert check_database_url(url) == url


# --- The plan -----------------------------------------------------------------------------------


def test_distribute_meets_the_bounds_and_the_total():
    rng = random.Random(3)
    lows = [rng.choice([0, 50, 100]) for _ in range(1000)]
    highs = [low + rng.choice([0, 49, 5000]) for low in lows]
    weights = [rng.paretovariate(1.16) for _ in lows]
    counts = distribute(150_000, lows, highs, weights)
    assert sum(counts) == 150_000
    assert all(low <= count <= high for low, count, high in zip(lows, counts, highs, strict=True))


def test_distribute_refuses_what_cannot_fit():
    with pytest.raises(PlanError):
        distribute(10, [5, 6], [10, 10], [1.0, 1.0])
    with pytest.raises(PlanError):
        distribute(30, [0, 0], [10, 10], [1.0, 1.0])


def test_every_status_gets_a_proposal():
    counts = status_counts(100)
    assert sum(counts.values()) == 100 and min(counts.values()) >= 1


def test_seoul_plan_for_the_query_baseline_is_consistent():
    plan = make_plan(
        proposals=100,
        supports=2_000,
        comments=2_000,
        citizens=1_200,
        rng=random.Random(1),
        now=NOW,
        thresholds=SEOUL_RULES,
        districts=["11680", "11110"],
    )
    assert sum(item.supports for item in plan.proposals) == 2_000
    assert sum(item.comments for item in plan.proposals) == 2_000
    featured = plan.proposals[plan.featured_index]
    assert featured.status == "open" and featured.comments == 1_000
    assert featured.window_closes_at > NOW
    created = [item.created_at for item in plan.proposals]
    assert created == sorted(created)  # ids follow time
    for item in plan.proposals:
        if item.status in ("awaiting_mayor", "mayor_answered"):
            assert item.stances >= 1_000
        if item.status == "answered":
            assert 50 <= item.supports < 100 and item.answer_type


def test_a_plan_needs_citizens_for_a_debate_that_reaches_the_mayor():
    with pytest.raises(PlanError, match="PROPOSALS_MAYOR_THRESHOLD"):
        make_plan(
            proposals=100,
            supports=2_000,
            comments=2_000,
            citizens=500,
            rng=random.Random(1),
            now=NOW,
            thresholds=SEOUL_RULES,
        )


def test_fast_receipts_have_the_ledger_format():
    from audit.ledger import RECEIPT_ALPHABET, normalize_receipt

    receipts = {fast_receipt() for _ in range(1000)}
    assert len(receipts) == 1000
    for receipt in list(receipts)[:50]:
        groups = receipt.split("-")
        assert [len(group) for group in groups] == [4] * 5
        assert set("".join(groups)) <= set(RECEIPT_ALPHABET)
        normalize_receipt(receipt)
