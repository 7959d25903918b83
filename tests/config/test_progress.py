"""seoul_portal.progress: a bar redrawn in place on a terminal, a line every `every` seconds in a
log, and a summary with the counts and the time; driven by a fake clock, never by sleeping."""

import io
import json
import re

import pytest
from django.core.management import call_command
from django.core.management.base import OutputWrapper

from bench.seeding.bulk import Progress as SeedingProgress
from seoul_portal import progress as progress_module
from seoul_portal.progress import Progress, duration


class Terminal(io.StringIO):
    def isatty(self):
        return True


class Clock:
    def __init__(self, start=1000.0):
        self.now = start

    def __call__(self):
        return self.now

    def tick(self, seconds):
        self.now += seconds


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture(autouse=True)
def wide_terminal(monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")  # a bar is cut at the terminal's width


# --- On a terminal ----------------------------------------------------------------------------


def test_a_terminal_gets_a_bar_redrawn_in_place_then_a_newline_and_the_summary(clock):
    out = Terminal()
    with Progress(out, "citizens", total=100, clock=clock, summary="seeded {done} {label} in {time} ({rate}/s)") as bar:
        for _ in range(100):
            clock.tick(0.125)
            bar.advance()
    text = out.getvalue()
    frames = text.split("\n")[0].split("\r")[1:]
    assert text.startswith("\r") and len(frames) == 1 + 100 + 1  # the first, one per 1/8 s, the last
    assert frames[0] == "citizens [--------------------] 0/100   0.0%  0.0/s  0:00"
    assert "\rcitizens [##########----------] 50/100  50.0%  8.0/s  0:06 ETA 0:06\r" in text
    # The frame of the 100th blanks the longer one before (with its ETA); the end draws it once more.
    assert frames[-3].endswith("ETA 0:00") and len(frames[-2]) == len(frames[-3])
    assert frames[-2].rstrip() == frames[-1] == "citizens [####################] 100/100 100.0%  8.0/s  0:12"
    assert text.endswith("\nseeded 100 citizens in 12.5 s (8.0/s)\n")
    assert text.count("\n") == 2  # the bar's line, ended once, and the summary


def test_a_terminal_is_redrawn_at_most_ten_times_a_second(clock):
    out = Terminal()
    bar = Progress(out, "rows", total=1_000_000, clock=clock)
    for _ in range(100_000):  # in no time: no redraw but the first
        bar.advance()
    assert out.getvalue().count("\r") == 1
    clock.tick(0.0625)
    bar.advance()
    assert out.getvalue().count("\r") == 1
    clock.tick(0.0625)
    bar.advance()
    assert out.getvalue().count("\r") == 2
    for _ in range(160):  # 10 s of rows 1/16 s apart
        clock.tick(0.0625)
        bar.advance(1000)
    assert out.getvalue().count("\r") <= 2 + 10 * 10


def test_a_shorter_line_blanks_what_is_left_of_the_longer_one(clock):
    out = Terminal()
    bar = Progress(out, "months", total=10, clock=clock)
    bar.note("2026-09: 1,000 daily rows")
    bar.note("done")
    *_, longer, shorter = out.getvalue().split("\r")
    assert longer.endswith("2026-09: 1,000 daily rows")
    assert len(shorter) == len(longer) and shorter.rstrip().endswith("  done")


def test_a_note_shows_at_once_and_so_does_the_count_that_follows(clock):
    out = Terminal()
    bar = Progress(out, "demo data", total=3, clock=clock)
    bar.note("proposals")
    bar.advance()  # at the same moment: shown too
    assert out.getvalue().split("\r")[-1].startswith("demo data [######--------------] 1/3")
    assert "proposals" in out.getvalue().split("\r")[-1]


def test_an_error_ends_the_terminal_line_without_a_summary(clock):
    out = Terminal()
    with pytest.raises(RuntimeError), Progress(out, "rows", total=10, clock=clock) as bar:
        bar.advance(3)
        raise RuntimeError("the database went away")
    assert out.getvalue().endswith("\n") and "in 0.0 s" not in out.getvalue()


def test_a_commands_output_wrapper_is_written_through_without_endings_or_styles(clock):
    terminal = Terminal()
    wrapper = OutputWrapper(terminal)
    wrapper.style_func = lambda text: f"<red>{text}</red>"  # as a command's stderr on a terminal
    with Progress(wrapper, "ballots", total=2, clock=clock) as bar:
        bar.advance(2)
    text = terminal.getvalue()
    assert "<red>" not in text
    assert text.count("\n") == 2 and text.endswith("\nballots: 2 in 0.0 s (0.0/s)\n")


# --- In a log ---------------------------------------------------------------------------------


def test_a_log_gets_a_line_only_when_every_seconds_have_passed(clock):
    out = io.StringIO()
    with Progress(out, "complaints.csv", what="rows", every=10, clock=clock) as bar:
        for second in range(1, 26):  # 25 s, 1,000 rows a second
            clock.tick(1)
            bar.advance(1_000)
            if second == 9:
                assert out.getvalue() == ""
    lines = out.getvalue().splitlines()
    assert lines == [
        "  complaints.csv: 10,000 rows, 1,000/s, 10.0 s elapsed",
        "  complaints.csv: 20,000 rows, 1,000/s, 20.0 s elapsed",
        "complaints.csv: 25,000 rows in 25.0 s (1,000/s)",
    ]
    assert "\r" not in out.getvalue()


def test_a_log_line_with_a_total_has_the_share_the_eta_and_the_detail(clock):
    out = io.StringIO()
    bar = Progress(out, "citizens", total=1_000_000, every=10, clock=clock, detail=lambda: "peak memory 80 MB")
    clock.tick(10)
    bar.update(250_000)
    assert out.getvalue() == (
        "  citizens: 250,000 of 1,000,000 (25%), 25,000/s, 10.0 s elapsed, ETA 30.0 s; peak memory 80 MB\n"
    )


def test_the_default_interval_is_every_seconds(clock, monkeypatch):
    monkeypatch.setattr(progress_module, "EVERY", 30)
    out = io.StringIO()
    bar = Progress(out, "rows", clock=clock)
    clock.tick(29)
    bar.advance()
    assert out.getvalue() == ""
    clock.tick(1)
    bar.advance()
    assert out.getvalue().startswith("  rows: 2, ")


# --- The summary ------------------------------------------------------------------------------


def test_the_summary_holds_the_counts_and_the_time(clock):
    out = io.StringIO()
    bar = Progress(out, "citizens", total=1_000_000, clock=clock, summary="seeded {done} {label} in {time} ({rate}/s)")
    clock.tick(41.2)
    bar.update(1_000_000)
    assert bar.finish() == "seeded 1,000,000 citizens in 41.2 s (24,272/s)"
    assert out.getvalue().endswith("seeded 1,000,000 citizens in 41.2 s (24,272/s)\n")
    assert bar.finish() == ""  # once


def test_a_summary_takes_values_of_its_own_and_keeps_unknown_placeholders(clock):
    out = io.StringIO()
    bar = Progress(out, "blocks", clock=clock)
    bar.update(3, 3)
    clock.tick(754)
    text = bar.finish("checked {done} of {total} blocks, {entries} entries, {pot} in {time}", entries=12345)
    assert text == "checked 3 of 3 blocks, 12,345 entries, {pot} in 12 min 34 s"


def test_durations_read_as_people_say_them():
    assert [duration(seconds) for seconds in (0.04, 41.25, 59.9, 60, 754, 3600, 7509)] == [
        "0.0 s", "41.2 s", "59.9 s", "1 min 00 s", "12 min 34 s", "1 h 00 min", "2 h 05 min",
    ]  # fmt: skip


# --- The seeders' progress (bench.seeding.bulk) -----------------------------------------------


def test_the_seeders_progress_writes_lines_and_a_summary_per_phase(clock):
    lines = []
    seeding = SeedingProgress(lines.append, every=10, clock=clock)
    written = {"citizens.Citizen": 0}
    for done in range(3001):
        if done and done % 100 == 0:
            clock.tick(1)  # 100 citizens a second
        written["citizens.Citizen"] = done
        seeding.tick("citizens", done, 3000, written)
    for done in range(1, 11):
        seeding.tick("proposals", done, 10, written)
    seeding.finish()
    assert re.fullmatch(
        r"  citizens: 1,000 of 3,000 \(33%\), 100/s, 10\.0 s elapsed, ETA 20\.0 s; "
        r"peak memory \d+ MB; rows so far: 1,000",
        lines[0],
    ), lines
    assert lines[1].startswith("  citizens: 2,000 of 3,000 (67%), 100/s, 20.0 s elapsed, ETA 10.0 s; ")
    assert lines[2].startswith("  citizens: 3,000 of 3,000 (100%), 100/s, 30.0 s elapsed; ")
    assert lines[3:] == ["seeded 3,000 citizens in 30.0 s (100/s)", "seeded 10 proposals in 0.0 s (0.0/s)"]


def test_the_seeders_progress_draws_a_bar_on_a_terminal(clock):
    out = Terminal()
    with SeedingProgress(print, stream=out, clock=clock) as seeding:
        seeding.tick("ballots", 0, 1000, {"voting.Ballot": 0})
        clock.tick(1)
        seeding.tick("ballots", 500, 1000, {"voting.Ballot": 500})
    text = out.getvalue()
    assert "\rballots [##########----------] 500/1,000" in text and "peak memory" in text
    assert text.endswith("\nseeded 500 ballots in 1.0 s (500/s)\n")


# --- A real command ---------------------------------------------------------------------------

ELECTION = """META
key;value
description;Progress test
country;South Korea
unit;Seoul
instance;2026
num_projects;3
num_votes;4
budget;100
vote_type;approval
rule;greedy
PROJECTS
project_id;cost;name
a;60;Park
b;50;Library
c;40;Bikes
VOTES
voter_id;vote
1;a,b
2;a
3;b,c
4;a,c
"""


@pytest.mark.django_db
def test_the_pabulib_commands_report_on_standard_error_and_keep_their_output(tmp_path):
    path = tmp_path / "small.pb"
    path.write_text(ELECTION, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    call_command("budget_import_pabulib", str(path), stdout=out, stderr=err)
    cycle = out.getvalue().strip()
    assert cycle.isdigit()  # standard output: the cycle's id alone
    assert re.search(r"^read 3 projects and 4 votes in \d+\.\d s \(", err.getvalue(), re.MULTILINE), err.getvalue()
    assert re.search(r"^imported 4 ballots in \d+\.\d s \(", err.getvalue(), re.MULTILINE), err.getvalue()

    out, err = io.StringIO(), io.StringIO()
    call_command("budget_tally", cycle, "--json", stdout=out, stderr=err)
    assert json.loads(out.getvalue())["funded"] == ["a", "c"]
    assert re.fullmatch(r"counted 4 ballots under greedy in \d+\.\d s \([\d.,]+/s\)\n", err.getvalue())

    out, err = io.StringIO(), io.StringIO()
    call_command("budget_export_pabulib", cycle, stdout=out, stderr=err)
    assert out.getvalue().startswith("META\n")
    assert re.search(r"^read 4 ballots of pot \d+ in ", err.getvalue(), re.MULTILINE), err.getvalue()
    assert re.search(r"^wrote 3 projects and 4 votes of pot \d+ in ", err.getvalue(), re.MULTILINE)


@pytest.mark.django_db
def test_verify_ledger_prints_the_summary_line():
    out = io.StringIO()
    call_command("verify_ledger", stdout=out)
    assert re.search(r"^checked 0 blocks, 0 entries and \d+ scopes in \d+\.\d s$", out.getvalue(), re.MULTILINE)
