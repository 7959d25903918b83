"""The operators' pabulib commands on every shared election (except Warsaw's, in test_warszawa_import.py):
import → tally under the META's rule → the official outcome; export → parse → re-tally gives the
same; a portal cycle's export is anonymous; bad input is a CommandError and writes nothing."""

import json
import re

import pytest
from django.core.management.base import CommandError
from django.utils import translation

from budgeting.models import BudgetBallot, Cycle, PotResult, Project
from budgeting.pabulib import read_pabulib
from budgeting.services.tally import cycle_count
from budgeting.tally import Instance, greedy
from tests.budgeting.elections import (
    ASSEN,
    FILES,
    GDANSK,
    PABULIB_DIR,
    STANFORD,
    SWIECIE,
    WARSZAWA,
    WIELICZKA,
    ZABRZE,
    election,
    official_outcome,
)

MILLION = 1_000_000
# The rule each file's META names, as the portal maps it (pabulib/README.md has the official rules).
META_RULES = {
    ASSEN: "mes",
    GDANSK: "greedy",
    SWIECIE: "mes",  # with Świecie's eligibility step, which its META does not name
    WARSZAWA: "greedy-threshold",
    WIELICZKA: "mes-comparison",
    ZABRZE: "greedy",
    STANFORD: "greedy",  # META rule "unknown"
}
SMALL_FILES = [name for name in FILES if name != WARSZAWA]


def _greedy_over_approvals(name):
    """Files without `selected`: greedy by votes, every project a ballot names counted as approved
    (as the import does). Gdańsk and Zabrze: the same winners the engine tests spell out."""
    source = election(name)
    costs = {project.project_id: project.cost for project in source.projects.values()}
    return set(greedy(Instance.from_ballots(costs, source.budget, [ballot.votes for ballot in source.ballots])).funded)


def expected_outcome(name):
    return official_outcome(name) or _greedy_over_approvals(name)


def _import(run_command, path):
    out, err = run_command("budget_import_pabulib", str(path))
    last_line = out.strip().splitlines()[-1]
    assert last_line.isdigit(), out
    return Cycle.objects.get(pk=int(last_line)), err


def _tally(run_command, cycle, *options):
    out, _ = run_command("budget_tally", str(cycle.pk), "--json", *options)
    return json.loads(out)


def test_every_shared_file_is_covered():
    assert set(META_RULES) == set(FILES)
    assert expected_outcome(GDANSK) == {"1"}
    assert expected_outcome(ZABRZE) == {"P0065"}


@pytest.mark.parametrize("name", SMALL_FILES)
def test_import_then_tally_gives_the_official_outcome(run_command, name):
    cycle, _ = _import(run_command, PABULIB_DIR / name)
    source = election(name)
    assert cycle.is_simulation
    assert cycle.selection_rule == META_RULES[name]
    assert cycle.source_meta == source.meta
    assert cycle.projects.count() == len(source.projects)
    assert BudgetBallot.objects.filter(cycle=cycle).count() == len(source.ballots)
    pot = cycle.pots.get()
    assert pot.total == pot.project_cap == source.budget

    document = _tally(run_command, cycle)
    assert document["rule"] == META_RULES[name]
    assert set(document["funded"]) == expected_outcome(name)
    costs = {project.project_id: project.cost for project in source.projects.values()}
    assert document["total_cost"] == sum(costs[project_id] for project_id in document["funded"])
    assert not PotResult.objects.filter(cycle=cycle).exists()  # the tally stores nothing


def test_published_totals_of_assen_and_swiecie(run_command):
    assen, _ = _import(run_command, PABULIB_DIR / ASSEN)
    swiecie, _ = _import(run_command, PABULIB_DIR / SWIECIE)
    assert _tally(run_command, assen)["total_cost"] == 76_700
    assert _tally(run_command, swiecie)["total_cost"] == 1_040_337
    # Without its eligibility step Świecie would come out differently.
    assert set(_tally(run_command, swiecie, "--rule", "greedy")["funded"]) != official_outcome(SWIECIE)


def test_points_and_rankings_are_imported_as_approvals_with_a_note(run_command):
    cycle, note = _import(run_command, PABULIB_DIR / GDANSK)
    assert "cumulative ballots are imported as approvals" in note
    ballot = BudgetBallot.objects.filter(cycle=cycle, external_id="144").get()
    assert (ballot.age, ballot.gender) == (35, "female")
    assert Project.objects.get(pk=ballot.projects[0]).external_id == "2"
    _, note = _import(run_command, PABULIB_DIR / STANFORD)
    assert "ordinal ballots" in note


@pytest.mark.parametrize("name", SMALL_FILES)
def test_the_export_of_an_imported_cycle_recounts_the_same(run_command, tmp_path, name):
    cycle, _ = _import(run_command, PABULIB_DIR / name)
    text, _ = run_command("budget_export_pabulib", str(cycle.pk))
    exported = read_pabulib(text)
    source = election(name)
    # A project without a name (Stanford's) was given one on import.
    assert {key: (project.cost, project.name) for key, project in exported.projects.items()} == {
        key: (project.cost, project.name or f"Project {key}") for key, project in source.projects.items()
    }
    assert sorted(sorted(ballot.votes) for ballot in exported.ballots) == sorted(
        sorted(ballot.votes) for ballot in source.ballots
    )
    assert sorted(int(ballot.voter_id) for ballot in exported.ballots) == list(range(1, len(source.ballots) + 1))
    assert exported.meta["num_votes"] == str(len(source.ballots))

    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    again, _ = _import(run_command, path)
    assert _tally(run_command, again) == _tally(run_command, cycle)


def test_export_of_a_counted_imported_cycle_marks_the_selected_projects(run_command):
    out, _ = run_command("budget_import_pabulib", str(PABULIB_DIR / ASSEN), "--count")
    cycle = Cycle.objects.get(pk=int(out.strip().splitlines()[-1]))
    assert PotResult.objects.filter(cycle=cycle).exists()
    exported = read_pabulib(run_command("budget_export_pabulib", str(cycle.pk))[0])
    assert {key for key, project in exported.projects.items() if project.selected == 1} == official_outcome(ASSEN)


# --- A portal cycle ---------------------------------------------------------------------------------


@pytest.fixture
def portal_cycle(make_cycle, make_project, make_ballots, city_pot, make_citizen):
    cycle = make_cycle("assembly", selection_rule=Cycle.Rule.GREEDY)
    pot = city_pot(cycle)
    gangnam = cycle.pots.get(district_id="11680")
    welfare = cycle.sectors.get(slug="welfare")
    city = [make_project(cycle, pot, cost=cost * MILLION, sector=welfare) for cost in (300, 300, 500)]
    local = make_project(cycle, gangnam, cost=90 * MILLION)
    make_ballots(cycle, [city[:2], city[1:], [city[0], local]], age=34, gender="female", district_code="11680")
    make_ballots(cycle, [[local]], age=71, gender="male", district_code="11110")
    return cycle, pot, gangnam, city, local


def test_the_export_of_a_portal_cycle_is_anonymous(run_command, portal_cycle):
    cycle, pot, gangnam, city, local = portal_cycle
    text, _ = run_command("budget_export_pabulib", str(cycle.pk), "--pot", str(pot.pk))
    exported = read_pabulib(text)
    assert exported.meta["country"] == "South Korea" and exported.meta["unit"] == "Seoul"
    assert exported.meta["budget"] == str(pot.total)
    assert exported.meta["vote_type"] == "approval" and exported.meta["max_length"] == "5"
    assert exported.meta["rule"] == "greedy"
    assert set(exported.projects) == {str(project.pk) for project in city}
    assert exported.projects[str(city[0].pk)].fields == {"votes": "2", "category": "welfare"}
    # The voters of the city pot: the three ballots with a city pick, numbered 1–3 in any order.
    assert sorted(ballot.voter_id for ballot in exported.ballots) == ["1", "2", "3"]
    assert exported.ballot_columns == ("voter_id", "vote", "age", "sex", "district")
    assert {(ballot.fields["age"], ballot.fields["sex"], ballot.fields["district"]) for ballot in exported.ballots} == {
        ("30", "F", "Gangnam-gu")  # 34, rounded down to five years: no age singles a voter out
    }
    for ballot in BudgetBallot.objects.filter(cycle=cycle):
        assert str(ballot.id) not in text and ballot.receipt_digest not in text and ballot.salt not in text
    assert not re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-", text)
    assert "+82" not in text

    district, _ = run_command("budget_export_pabulib", str(cycle.pk), "--pot", str(gangnam.pk))
    exported = read_pabulib(district)
    assert exported.meta["district"] == "Gangnam-gu"
    assert {ballot.fields["district"] for ballot in exported.ballots} == {"Gangnam-gu", "Jongno-gu"}


def test_exported_selected_follows_the_count(run_command, portal_cycle):
    cycle, pot, _, city, _ = portal_cycle
    cycle_count(actor=None, cycle=cycle)
    exported = read_pabulib(run_command("budget_export_pabulib", str(cycle.pk), "--pot", str(pot.pk))[0])
    assert {key: project.selected for key, project in exported.projects.items()} == {
        str(city[0].pk): 1, str(city[1].pk): 1, str(city[2].pk): 0
    }


def test_several_pots_need_a_pot_or_a_directory(run_command, portal_cycle, tmp_path):
    cycle = portal_cycle[0]
    with pytest.raises(CommandError, match="has 3 pots"):
        run_command("budget_export_pabulib", str(cycle.pk))
    run_command("budget_export_pabulib", str(cycle.pk), "--output-dir", str(tmp_path))
    files = sorted(path.name for path in tmp_path.iterdir())
    assert files == sorted(f"cycle-{cycle.pk}-pot-{pot.pk}.pb" for pot in cycle.pots.all())
    for path in tmp_path.iterdir():
        read_pabulib(path)


def test_export_to_a_file(run_command, portal_cycle, tmp_path):
    cycle, pot = portal_cycle[:2]
    target = tmp_path / "city.pb"
    out, _ = run_command("budget_export_pabulib", str(cycle.pk), "--pot", str(pot.pk), "--output", str(target))
    assert out == ""
    assert len(read_pabulib(target).ballots) == 3


def test_tally_of_a_cycle_with_several_pots(run_command, portal_cycle):
    cycle, pot, gangnam, city, local = portal_cycle
    document = _tally(run_command, cycle)
    assert document["rule"] == "greedy"
    # City pot: 300 m + 300 m fit in 1 bn, 500 m does not; Gangnam: the one project.
    assert [entry["pot"] for entry in document["pots"]] == sorted(cycle.pots.values_list("pk", flat=True))
    by_pot = {entry["pot"]: entry for entry in document["pots"]}
    assert set(by_pot[pot.pk]["funded"]) == {str(city[0].pk), str(city[1].pk)}
    assert by_pot[gangnam.pk]["funded"] == [str(local.pk)]
    assert document["total_cost"] == 690 * MILLION
    single = _tally(run_command, cycle, "--pot", str(gangnam.pk), "--rule", "mes")
    assert single == {"rule": "mes", "funded": [str(local.pk)], "total_cost": 90 * MILLION}
    table, _ = run_command("budget_tally", str(cycle.pk))
    assert "cut-off" in table and "690" not in table.splitlines()[0]


# --- Bad input ------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_import_refuses_a_missing_or_garbage_file_and_writes_nothing(run_command, tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        run_command("budget_import_pabulib", str(tmp_path / "missing.pb"))
    garbage = tmp_path / "garbage.pb"
    garbage.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    with pytest.raises(CommandError, match="not a valid pabulib file"):
        run_command("budget_import_pabulib", str(garbage))
    truncated = tmp_path / "truncated.pb"
    truncated.write_text("META\nkey;value\nbudget;100\nPROJECTS\nproject_id;cost\n1;10\n", encoding="utf-8")
    with pytest.raises(CommandError, match="missing VOTES section"):
        run_command("budget_import_pabulib", str(truncated))
    with pytest.raises(CommandError, match="No such file"):
        run_command("budget_import_pabulib", str(tmp_path))
    assert not Cycle.objects.exists()


def test_import_refuses_what_the_portal_cannot_hold_and_writes_nothing(run_command, tmp_path):
    free = tmp_path / "free.pb"
    free.write_text(
        "META\nkey;value\nbudget;100\nvote_type;approval\nPROJECTS\nproject_id;cost\n1;10\n2;0\n"
        "VOTES\nvoter_id;vote\nv1;1,2\n", encoding="utf-8",
    )
    with pytest.raises(CommandError, match="Project 2 costs nothing"):
        run_command("budget_import_pabulib", str(free))
    no_budget = tmp_path / "zero.pb"
    no_budget.write_text("META\nkey;value\nbudget;0\nPROJECTS\nproject_id;cost\n1;10\nVOTES\nvoter_id;vote\nv1;1\n",
                         encoding="utf-8")
    with pytest.raises(CommandError, match="budget must be more than zero"):
        run_command("budget_import_pabulib", str(no_budget))
    assert not Cycle.objects.exists() and not BudgetBallot.objects.exists() and not Project.objects.exists()


@pytest.mark.parametrize("command", ["budget_tally", "budget_export_pabulib"])
def test_unknown_cycles_are_refused(run_command, command, db):
    with pytest.raises(CommandError, match="There is no cycle with id 424242"):
        run_command(command, "424242")
    with pytest.raises(CommandError, match="is not a cycle id"):
        run_command(command, "last-year")


def test_tally_refuses_a_bad_rule_or_pot(run_command, portal_cycle, make_cycle):
    cycle = portal_cycle[0]
    with pytest.raises(CommandError, match="invalid choice: 'borda'"):
        run_command("budget_tally", str(cycle.pk), "--rule", "borda")
    other = make_cycle("assembly", year=2001)
    with pytest.raises(CommandError, match="That pot does not belong to this cycle"):
        run_command("budget_tally", str(cycle.pk), "--pot", str(other.pots.first().pk))
    assert not PotResult.objects.exists()


def test_export_refuses_a_foreign_pot_or_a_missing_directory(run_command, portal_cycle, make_cycle, tmp_path):
    cycle = portal_cycle[0]
    other = make_cycle("assembly", year=2001)
    with pytest.raises(CommandError, match="That pot does not belong to this cycle"):
        run_command("budget_export_pabulib", str(cycle.pk), "--pot", str(other.pots.first().pk))
    with pytest.raises(CommandError, match="is not a directory"):
        run_command("budget_export_pabulib", str(cycle.pk), "--output-dir", str(tmp_path / "nowhere"))
    with pytest.raises(CommandError, match="is not a directory"):
        run_command("budget_export_pabulib", str(cycle.pk), "--pot", str(portal_cycle[1].pk), "--output",
                    str(tmp_path / "nowhere" / "x.pb"))
    assert list(tmp_path.iterdir()) == []


def test_a_knapsack_cycle_is_exported_with_its_cost_limit(run_command, make_cycle, make_project, make_ballots,
                                                          city_pot):
    cycle = make_cycle("assembly", ballot_kind=Cycle.BallotKind.KNAPSACK)
    pot = city_pot(cycle)
    make_ballots(cycle, [[make_project(cycle, pot, cost=MILLION)]])
    exported = read_pabulib(run_command("budget_export_pabulib", str(cycle.pk), "--pot", str(pot.pk))[0])
    assert exported.meta["vote_type"] == "approval"
    assert exported.meta["max_sum_cost"] == str(pot.total)
    assert "max_length" not in exported.meta
