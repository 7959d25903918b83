"""The tally benchmark's pure parts: the synthetic election, the verdicts and the table, the runner
end to end with pabutools' side stubbed out. No pabutools virtualenv, no network, no timing."""

import importlib.util
from pathlib import Path

import pytest

from bench.tally import pabutools_side, report, runner
from bench.tally.synthetic import synthetic_election, write_synthetic
from budgeting.pabulib import read_pabulib, write_pabulib
from budgeting.tally import Instance, equal_shares, greedy
from budgeting.tally.instance import natural_key

# --- The synthetic election -------------------------------------------------------------------


def test_the_synthetic_election_is_the_same_for_the_same_seed():
    first = write_pabulib(synthetic_election(projects=15, voters=400, seed=7))
    assert write_pabulib(synthetic_election(projects=15, voters=400, seed=7)) == first
    assert write_pabulib(synthetic_election(projects=15, voters=400, seed=8)) != first


def test_the_synthetic_file_parses_at_full_size(tmp_path):
    path = write_synthetic(tmp_path / "synthetic.pb")
    election = read_pabulib(path)
    assert (len(election.projects), len(election.ballots)) == (100, 50_000)
    assert election.vote_type == "approval"
    total_cost = sum(project.cost for project in election.projects.values())
    # A budget that funds only a part of what is proposed.
    assert 0 < election.budget < total_cost / 2
    assert all(1 <= len(ballot.votes) <= 10 for ballot in election.ballots)
    instance = Instance.from_election(election)
    assert all(votes > 0 for votes in instance.votes)
    assert [int(project.fields["votes"]) for project in election.projects.values()] == list(instance.votes)
    # Popularity is skewed: the most approved project draws far more voters than the least.
    assert max(instance.votes) > 20 * min(instance.votes)
    # Neither rule funds everything.
    assert 0 < len(greedy(instance).funded) < 100


# --- Verdicts and the table -------------------------------------------------------------------


def comparison(*, ours=0.2, theirs=8.0, ours_winners=("1", "2"), theirs_winners=("2", "1"), speed_judged=True):
    return report.compare(
        "Warszawa",
        "greedy",
        ours_seconds=ours,
        pabutools_seconds=theirs,
        ours_winners=ours_winners,
        pabutools_winners=theirs_winners,
        speed_judged=speed_judged,
    )


def test_equal_winners_ten_times_faster_pass():
    item = comparison(ours=0.5, theirs=5.0)
    assert item.winners_equal and item.ratio == pytest.approx(10.0)
    assert item.verdict == "PASS"


def test_unequal_winners_fail_however_fast():
    item = comparison(ours=0.01, theirs=10.0, theirs_winners=("1", "3"))
    assert not item.winners_equal and item.verdict == "FAIL"
    assert item.differences() == (("2",), ("3",))


def test_less_than_ten_times_faster_fails():
    assert comparison(ours=1.0, theirs=9.9).verdict == "FAIL"


def test_a_quick_run_judges_winners_only():
    assert comparison(ours=1.0, theirs=2.0, speed_judged=False).verdict == "PASS"
    assert comparison(theirs_winners=("1",), speed_judged=False).verdict == "FAIL"


def test_the_table_shows_each_verdict_and_the_differences():
    items = [comparison(), comparison(ours=1.0, theirs=2.0), comparison(theirs_winners=("1", "10"))]
    lines = report.format_table(items).splitlines()
    assert lines[0].split()[:4] == ["instance", "rule", "ours", "s"]
    assert [line.split()[-1] for line in lines[2:]] == ["PASS", "FAIL", "FAIL"]
    assert " 40.0 " in lines[2] and " NO " in lines[4]
    assert report.format_differences(items) == [
        "Warszawa / greedy: only ours fund 2; only pabutools funds 10",
    ]
    assert not report.all_ok(items, None)
    assert report.all_ok(items[:1], None)


def test_add1_limits():
    assert report.Add1Check("Warszawa", 59.0, 2 * 1024**3).ok
    assert not report.Add1Check("Warszawa", 61.0, 100 * 1024**2).ok
    assert not report.Add1Check("Warszawa", 5.0, 2 * 1024**3 + 1).ok
    assert not report.Add1Check("Warszawa", 5.0, 0, finished=False).ok
    assert not report.all_ok([comparison()], report.Add1Check("Warszawa", 61.0, 0))


# --- The worker and the runner ----------------------------------------------------------------


def load_worker():
    spec = importlib.util.spec_from_file_location("pabutools_worker", pabutools_side.WORKER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_worker_orders_ids_as_the_engine_does_and_imports_nothing_of_the_portal():
    source = pabutools_side.WORKER.read_text(encoding="utf-8")
    assert "budgeting" not in source.replace("budgeting.tally.instance.natural_key", "")
    assert "import bench" not in source and "from bench" not in source
    worker = load_worker()
    ids = ["10", "2", "c10", "c2", "1a", "1", "b", "a10b"]
    assert sorted(ids, key=worker.natural_key) == sorted(ids, key=natural_key)


def test_the_worker_command_is_isolated_from_the_portal():
    command = pabutools_side.worker_command(Path("/venv/bin/python"), Path("x.pb"), "greedy,mes")
    assert command[:3] == ["/venv/bin/python", "-I", str(pabutools_side.WORKER)]


def stub_pabutools(monkeypatch, *, drop_a_winner=False):
    """pabutools' side replaced by our own engine (what a correct pabutools returns)."""

    def run_worker(python, path, rules, *, repeat=1, tie_breaking="ours"):
        instance = Instance.from_election(read_pabulib(path))
        winners = {"greedy": list(greedy(instance).funded), "mes": list(equal_shares(instance, "none").funded)}
        if drop_a_winner:
            winners["mes"] = winners["mes"][1:]
        return {
            "parse_seconds": 0.0,
            "rules": {rule: {"winners": winners[rule], "seconds": [1.0]} for rule in rules.split(",")},
        }

    monkeypatch.setattr(pabutools_side, "ensure_venv", lambda venv, install=True: Path("/nonexistent/python"))
    monkeypatch.setattr(pabutools_side, "environment_summary", lambda python: "pabutools (stub)")
    monkeypatch.setattr(pabutools_side, "run_worker", run_worker)


def test_a_quick_run_with_equal_winners_passes(monkeypatch, capsys):
    stub_pabutools(monkeypatch)
    assert runner.main(["--quick", "--no-install", "--repeat", "1"]) == 0
    output = capsys.readouterr().out
    assert "Netherlands_Assen_2024" in output and "synthetic 20x1,000 seed 2026" in output
    assert "MES add1 on Netherlands_Assen_2024" in output
    # Assen's official MES add1 outcome: 9 projects.
    assert "9 projects funded" in output
    assert output.rstrip().endswith("Result: PASS")


def test_a_run_with_different_winners_fails(monkeypatch, capsys):
    stub_pabutools(monkeypatch, drop_a_winner=True)
    assert runner.main(["--quick", "--no-install", "--repeat", "1"]) == 1
    output = capsys.readouterr().out
    assert "only ours fund" in output
    assert output.rstrip().endswith("Result: FAIL")


def test_the_add1_child_reports_what_it_funded_and_its_memory():
    check, details = runner.run_our_add1("Assen", runner.QUICK_FILE)
    assert check.finished and check.funded == 9 and check.peak_bytes > 0
    assert details["total_cost"] == 76_700


def test_without_the_virtualenv_and_no_install_the_runner_says_so(tmp_path):
    with pytest.raises(pabutools_side.PabutoolsError, match="no pabutools virtualenv"):
        pabutools_side.ensure_venv(tmp_path / "absent", install=False)
