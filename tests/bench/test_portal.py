"""The whole-portal benchmark (bench/portal.py) and the floors it prints every throughput against:
each channel's arguments, the rows of the one table with their targets, what fails hard and what
only misses, the CSV and the chart; the constant floor kept apart from a scenario's yardstick; the
peak memory read from /proc. No database, no timing."""

import csv
import os
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

import pytest

from bench import portal
from bench.load import peak_rss_mb, worker_pids
from bench.report import CONSTANT_FLOOR, format_load_table, judge_load
from bench.run import ChannelRun, round_ratios


def run_result(ok, seconds, *, failed=0, p50=10_000):
    return {
        "duration_us": seconds * 1_000_000, "sent": ok + failed, "ok": ok, "failed": failed, "connect_errors": 0,
        "read_errors": 0, "write_errors": 0, "timeouts": 0, "exhausted_threads": 0,
        "latency_us": {"p50": p50, "p99": p50 * 3},
    }  # fmt: skip


def load_result(*, portal_ok=600, minimal_ok=1_000, constant_ok=5_000, problems=(), memory=None):
    return {
        "min_ratio": 0.5,
        "problems": list(problems),
        "variants": {
            "portal": {"warmup": [], "rounds": [run_result(portal_ok, 10)], "memory": memory or {"worker_max_mb": 150}},
            "minimal": {"warmup": [], "rounds": [run_result(minimal_ok, 10)]},
            CONSTANT_FLOOR: {"warmup": [], "rounds": [run_result(constant_ok, 10)]},
        },
    }


def verdict(name, *, queries=(4, 4, 4), small=10.0, big=12.0, errors=0):
    from bench.report import Measurement, judge

    def measured(count, median):
        return Measurement(queries=count, queries_seen=(count,), median_ms=median, p95_ms=median, requests=20,
                           errors=errors)  # fmt: skip

    return judge(name, baseline=measured(queries[0], small), small=measured(queries[1], small),
                 big=measured(queries[2], big))  # fmt: skip


def channel_run(channel="voting", *, verdicts=(), loads=(), datasets=()):
    return ChannelRun(
        channel=channel, verdicts=list(verdicts), load_verdicts=list(loads), load_results={},
        labels=["1k", "1k", "10k"], datasets=list(datasets), exit_code=0,
    )  # fmt: skip


# --- Each channel's arguments -----------------------------------------------------------------


def test_every_channel_runs_100_times_smaller_with_the_floors():
    args = portal.build_parser().parse_args(["--scale", "small", "--keep"])
    voting = portal.channel_args("voting", args, template="seoul_portal_bench_template")
    assert (voting.channel, voting.scale, voting.ratio) == ("voting", 0.01, 100.0)
    assert voting.template == "seoul_portal_bench_template"  # one migrated template for every channel
    assert voting.constant_floor and voting.keep and not voting.reuse and voting.max_ratio == 1.5
    # The dashboards are measured at the portal's million complaints, a tenth of their own Seoul size.
    analysis = portal.channel_args("analysis", args)
    assert analysis.scale == pytest.approx(0.001) and analysis.max_ratio == 2.0


def test_the_small_scale_times_less_work_and_the_options_still_decide():
    small = portal.build_parser().parse_args(["--scale", "small"])
    voting = portal.channel_args("voting", small)
    assert (voting.requests, voting.rounds, voting.load_seconds, voting.load_rounds) == (16, 1, 5, 1)
    assert (voting.warmup, small.front_end_runs) == (2, 2)
    assert portal.channel_args("analysis", small).requests == 16  # its scale is a tenth: still the small effort
    seoul_args = portal.build_parser().parse_args([])
    seoul = portal.channel_args("voting", seoul_args)
    assert (seoul.requests, seoul.rounds, seoul.load_seconds, seoul.load_rounds) == (60, 3, 15, 5)
    assert (seoul.warmup, seoul_args.front_end_runs) == (5, 3)
    between = portal.channel_args("voting", portal.build_parser().parse_args(["--scale", "0.05"]))
    assert between.requests == 60
    chosen = portal.build_parser().parse_args(["--scale", "small", "--requests", "30", "--load-rounds", "4"])
    voting = portal.channel_args("voting", chosen)
    assert (voting.requests, voting.rounds, voting.load_seconds, voting.load_rounds) == (30, 1, 5, 4)
    shown = " ".join(portal.build_parser().format_help().split())
    assert "(default: 60; 16 at --scale small or under)" in shown
    assert "(default: 15; 5 at --scale small or under)" in shown


def test_the_runner_refuses_an_unknown_channel():
    with pytest.raises(SystemExit):
        portal.build_parser().parse_args(["--channel", "weather"])


# --- The constant floor -------------------------------------------------------------------------


def test_the_constant_floor_is_kept_apart_from_the_yardstick():
    judged = judge_load("cast", load_result())
    assert [variant.variant for variant in judged.variants] == ["portal", "minimal"]
    assert judged.ratio == pytest.approx(0.6)  # portal over minimal, not over the constant view
    assert judged.of_floor(judged.variants[0]) == pytest.approx(600 / 5_000)
    assert judged.variants[0].peak_worker_mb == 150
    table = format_load_table([judged])
    assert "constant" in table and "0.12" in table and "150 MB" in table
    assert round_ratios(load_result()) == pytest.approx([0.6])


def test_a_constant_floor_that_failed_fails_the_scenario_hard():
    broken = load_result()
    broken["variants"][CONSTANT_FLOOR]["rounds"] = [run_result(0, 10, failed=3)]
    assert judge_load("cast", broken).hard_failure


# --- Rows and verdicts --------------------------------------------------------------------------


def test_pages_rows_carry_their_ratio_and_fail_hard_only_on_queries_or_errors():
    rows = portal.page_rows(
        channel_run(
            verdicts=[
                verdict("results"),
                verdict("slow", big=30.0),
                verdict("grows", queries=(4, 4, 5)),
                verdict("errs", errors=1),
            ]
        )
    )
    by_name = {row.name: row for row in rows}
    assert by_name["voting.results"].met and by_name["voting.results"].value == pytest.approx(1.2)
    assert portal.verdict_text(by_name["voting.slow"]) == "MISSED"
    assert portal.verdict_text(by_name["voting.grows"]) == "FAILED" and "DIFFER" in by_name["voting.grows"].figure
    assert by_name["voting.errs"].hard


def test_load_rows_show_both_floors_and_the_exactly_once_check():
    good = judge_load("cast", load_result())
    miscounted = judge_load("filed", load_result(problems=["3 complaints twice"]))
    rows = portal.load_rows(channel_run(loads=[good, miscounted]))
    assert "0.60 of the SQL floor" in rows[0].figure and "0.12 of the constant view" in rows[0].figure
    assert rows[0].met and rows[0].value == pytest.approx(0.6)
    assert rows[1].hard and "3 complaints twice" in rows[1].figure


def test_memory_rows_hold_each_peak_against_its_bound():
    loads = [judge_load("cast", load_result(memory={"worker_max_mb": 240}))]
    datasets = [{"factor": 1.0, "seed": {"peak_memory_mb": 180}, "rebuild": {"peak_memory_mb": 900}}]
    rows = portal.memory_rows([channel_run(loads=loads, datasets=datasets)], {"memory": [{"process_peak_rss_mb": 120}]})
    verdicts = {row.name.split(" (")[0]: row.met for row in rows}
    assert verdicts == {"web worker": False, "analysis worker": False, "seed": True, "notification worker": True}
    assert not any(row.hard for row in rows)  # memory over a bound is missed, not broken


def test_dispatch_rows_fail_hard_on_a_lost_or_doubled_message():
    result = {"messages": 1_000, "workers": 2, "wall_seconds": 4.0, "achieved_rate": 250.0, "rate": 300,
              "rate_ratio": 250 / 300, "lost": 0, "doubled": 0, "strangers": 0, "garbled": 0, "timed_out": False,
              "rate_limited": 12, "memory": [{"process_peak_rss_mb": 120.0}, {"process_peak_rss_mb": 140.0}]}  # fmt: skip
    (row,) = portal.dispatch_rows(result)
    assert row.met and not row.hard and "429s 12" in row.figure and "lost 0" in row.figure
    (lost,) = portal.dispatch_rows({**result, "lost": 1})
    assert lost.hard and not lost.met
    (late,) = portal.dispatch_rows({**result, "timed_out": True})
    assert late.hard
    (slow,) = portal.dispatch_rows({**result, "achieved_rate": 200.0, "rate_ratio": 200 / 300})
    assert not slow.met and not slow.hard
    assert portal.dispatch_peak_mb(result) == 140.0


def test_front_end_rows_check_weight_paint_times_and_static_files():
    page = {"path": "/", "bytes_without_fonts": 200 * 1024, "total_bytes": 420 * 1024, "requests": 9,
            "fcp_ms": 1_500, "lcp_ms": 2_600, "static_files": 20, "static_problems": ["/static/x.css: no fingerprint"],
            "font_problems": []}  # fmt: skip
    weight, paint, static = portal.front_end_rows([page])
    assert weight.met and "420 KB with fonts" in weight.figure
    assert not paint.met and "LCP 2.60 s" in paint.figure
    assert not static.met and "no fingerprint" in static.figure
    unpainted = portal.front_end_rows([{**page, "lcp_ms": None, "static_problems": []}])
    assert unpainted[1].figure == "no paint" and not unpainted[1].met and unpainted[2].met


# --- Output -------------------------------------------------------------------------------------


def test_the_table_csv_and_chart_hold_every_row(tmp_path):
    rows = portal.page_rows(channel_run(verdicts=[verdict("results"), verdict("slow", big=30.0)]))
    rows += portal.load_rows(channel_run(loads=[judge_load("cast", load_result())]))
    table = portal.format_rows(rows)
    assert "voting.results" in table and "MISSED" in table and "met" in table
    portal.write_csv(tmp_path / "out.csv", rows)
    with open(tmp_path / "out.csv", encoding="utf-8") as handle:
        written = list(csv.DictReader(handle))
    assert [row["name"] for row in written] == ["voting.results", "voting.slow", "voting.cast"]
    assert written[1]["verdict"] == "MISSED" and float(written[1]["value"]) == pytest.approx(3.0)
    svg = ET.fromstring(portal.chart_svg(rows, title="test <run>"))
    assert len(svg.findall("{http://www.w3.org/2000/svg}rect")) == 3  # one bar per ratio
    assert "test <run>" in "".join(svg.itertext())


# --- The run's exit status ----------------------------------------------------------------------


GOOD_DISPATCH = {
    "messages": 1_000, "workers": 2, "wall_seconds": 4.0, "achieved_rate": 280.0, "rate": 300, "rate_ratio": 280 / 300,
    "lost": 0, "doubled": 0, "strangers": 0, "garbled": 0, "timed_out": False, "rate_limited": 0, "memory": [],
}  # fmt: skip
GOOD_PAGE = {
    "path": "/", "bytes_without_fonts": 200 * 1024, "total_bytes": 420 * 1024, "requests": 9, "fcp_ms": 1_500,
    "lcp_ms": 2_000, "static_files": 20, "static_problems": [], "font_problems": [],
}  # fmt: skip


@pytest.fixture
def parts(monkeypatch, tmp_path):
    """The run's parts replaced by canned outcomes (no database, no servers): `parts[channel]`
    is a channel's verdicts, or an exception it raises."""
    import bench.run

    monkeypatch.setenv("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    monkeypatch.setattr(portal, "RESULTS", tmp_path)
    monkeypatch.setattr(portal, "migrated_template", lambda url: "seoul_portal_bench_template")
    monkeypatch.setattr(bench.run, "drop_database", lambda url, name: None)
    outcomes = {channel: [verdict("results")] for channel in portal.CHANNELS}

    def run_channel(args):
        outcome = outcomes[args.channel]
        if isinstance(outcome, Exception):
            raise outcome
        return channel_run(args.channel, verdicts=outcome)

    monkeypatch.setattr(bench.run, "run_channel", run_channel)
    monkeypatch.setattr(portal, "dispatch_step", lambda url, args, template=None: GOOD_DISPATCH)
    monkeypatch.setattr(portal, "front_end_step", lambda url, args, template=None: [GOOD_PAGE])
    return outcomes


def test_a_missed_target_exits_1_only_with_strict(parts, capsys):
    parts["voting"] = [verdict("results"), verdict("slow", big=30.0)]
    assert portal.run(portal.build_parser().parse_args(["--scale", "small"])) == 0
    out = capsys.readouterr().out
    assert "MISSED" in out and "Targets missed: voting.slow (not fatal without --strict)" in out
    assert "Time per part: proposals " in out and "front end " in out
    assert portal.run(portal.build_parser().parse_args(["--scale", "small", "--strict"])) == 1


def test_what_noise_cannot_cause_exits_1(parts, capsys):
    parts["complaints"] = [verdict("queue", queries=(24, 24, 25))]
    assert portal.run(portal.build_parser().parse_args(["--scale", "small"])) == 1
    assert "FAILED (what noise cannot cause): complaints.queue" in capsys.readouterr().out


def test_a_part_that_could_not_be_measured_fails_hard_and_the_others_still_print(parts, monkeypatch, capsys):
    from bench.run import BenchError

    parts["budgeting"] = BenchError("seeding seoul_portal_bench_budgeting_big failed (exit status 1).")

    def no_browser(url, args, template=None):
        raise RuntimeError("no Chromium")

    monkeypatch.setattr(portal, "front_end_step", no_browser)
    assert portal.run(portal.build_parser().parse_args(["--scale", "small"])) == 1
    out = capsys.readouterr().out
    assert "not measured: BenchError: seeding seoul_portal_bench_budgeting_big failed" in out
    assert "not measured: RuntimeError: no Chromium" in out
    # Every other part's figures are in the table.
    for name in ("proposals.results", "voting.results", "complaints.results", "analysis.results", "notifications.sms"):
        assert name in out
    assert "FAILED (what noise cannot cause): budgeting, front end" in out


# --- Peak memory from /proc ---------------------------------------------------------------------


def test_worker_pids_and_their_peak_memory_are_read_from_proc():
    child = subprocess.Popen([sys.executable, "-c", "import time; block = bytearray(40 * 2**20); time.sleep(30)"])  # noqa: S603
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and (peak_rss_mb(child.pid) or 0) < 40:
            time.sleep(0.1)
        assert child.pid in worker_pids(os.getpid())
        assert peak_rss_mb(child.pid) >= 40
    finally:
        child.kill()
        child.wait()
    assert peak_rss_mb(child.pid) is None  # gone
