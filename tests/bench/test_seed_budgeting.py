"""seed_scale --channel budgeting at a tiny size: the vote as ballot_cast would have left it, counted
and published, and the pages the benchmark measures answer.

What no constraint checks: one declaration and one participation per ballot, from distinct
citizens old enough to vote; each ballot's picks are feasible projects of the city-wide pot and of
the pot of the district its voter declared, at most max_picks per pot, ascending; the projects'
vote counters equal a recount; the ledger verifies and recounts the cycle; every pot is counted.
"""

import json
from collections import Counter
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client

from audit.models import LedgerEntry
from audit.verification import ledger_verify
from bench.run import datasets
from bench.scenarios import budgeting as scenarios
from bench.seeding import SeedRefused, seed
from bench.seeding.budgeting import MAX_PICKS, BudgetingSeeder, picks_per_voter
from bench.sizes import scaled
from budgeting.models import (
    BudgetBallot,
    BudgetParticipation,
    Cycle,
    EligibilityDeclaration,
    Pot,
    PotResult,
    Project,
    ProjectResult,
)
from budgeting.recount import cycle_count_problems
from budgeting.services.ballots import voter_key
from citizens.models import District

pytestmark = pytest.mark.django_db

SIZES = {"voters": 90, "project_votes": 720, "city_projects": 12, "district_projects": 4, "ledger": True}


@pytest.fixture
def seeded():
    report = seed(channels={"budgeting": dict(SIZES)}, citizens=110, write=lambda line: None, vacuum=False)
    connection.check_constraints()
    return report.channels["budgeting"]


def test_sizes_are_the_ones_asked_for(seeded):
    districts = District.objects.count()
    assert Cycle.objects.count() == 1
    assert Pot.objects.count() == 1 + districts == seeded["pots"]
    assert Project.objects.count() == 12 + 4 * districts == seeded["projects"]
    assert BudgetBallot.objects.count() == 90 == seeded["voters"]
    assert sum(len(picks) for picks in BudgetBallot.objects.values_list("projects", flat=True)) == 720
    assert seeded["project_votes"] == 720


def test_the_vote_is_over_and_the_results_are_published(seeded):
    cycle = Cycle.objects.get(pk=seeded["cycle_id"])
    assert cycle.phase_at().kind == "assembly"
    assert cycle.vote_phase().ends_at < cycle.phase_at().starts_at
    assert cycle.results_published_at is not None and cycle.committee_id is None
    assert (cycle.max_picks, cycle.ballot_kind, cycle.selection_rule) == (MAX_PICKS, "approval", "seoul-weighted")
    assert PotResult.objects.filter(cycle=cycle).count() == seeded["pots"]
    assert ProjectResult.objects.filter(pot_result__cycle=cycle).count() == seeded["projects"]
    assert PotResult.objects.get(pot_id=seeded["city_pot_id"]).voters == 90 == seeded["city_pot_voters"]
    assert PotResult.objects.get(pot_id=seeded["district_pot_id"]).voters == seeded["district_pot_voters"]
    assert ProjectResult.objects.filter(funded=True).exists() and ProjectResult.objects.filter(funded=False).exists()


def test_projects_carry_what_the_weighted_rule_weighs(seeded):
    for project in Project.objects.all():
        assert project.status == "feasible" and project.checked_at and project.submitted_at
        assert None not in (project.committee_score, project.school_score, project.proposers_score)
        assert project.cost <= project.pot.project_cap
        assert project.district_id == project.pot.district_id
        project.validate_constraints()


def test_one_declaration_and_participation_per_ballot_from_distinct_citizens(seeded):
    participations = BudgetParticipation.objects.filter(cycle_id=seeded["cycle_id"])
    assert participations.count() == 90 == participations.values("citizen").distinct().count()
    declared = set(EligibilityDeclaration.objects.values_list("citizen_id", flat=True))
    assert declared == set(participations.values_list("citizen_id", flat=True))
    for participation in participations.select_related("citizen", "cycle"):
        assert participation.voter_key == voter_key(participation.cycle_id, participation.citizen)
        assert participation.citizen.age_on(participation.voted_on) >= participation.cycle.minimum_age
        vote = participation.cycle.vote_phase()
        assert vote.starts_at.date() <= participation.voted_on <= vote.ends_at.date()


def test_ballots_carry_their_voters_snapshots(seeded):
    """The same multiset of (district, gender) on both sides, with no way to pair them."""
    declarations = {row.citizen_id: row for row in EligibilityDeclaration.objects.select_related("citizen")}
    voters = Counter((row.district_id, row.citizen.gender or "") for row in declarations.values())
    assert voters == Counter(BudgetBallot.objects.values_list("district_code", "gender"))
    for declaration in declarations.values():
        assert declaration.place or declaration.basis == "resident"
        declaration.validate_constraints()


def test_picks_are_on_the_voters_ballot(seeded):
    pot_of = dict(Project.objects.values_list("pk", "pot_id"))
    pot_district = dict(Pot.objects.values_list("pk", "district_id"))
    for picks, district in BudgetBallot.objects.values_list("projects", "district_code"):
        assert picks == sorted(set(picks))
        per_pot = Counter(pot_of[pk] for pk in picks)
        assert {pot_district[pot] for pot in per_pot} <= {None, district}
        assert max(per_pot.values()) <= MAX_PICKS


def test_vote_counters_equal_a_recount_and_the_ledger_verifies(seeded):
    assert cycle_count_problems(f"budgeting.cycle:{seeded['cycle_id']}") == []
    assert LedgerEntry.objects.filter(kind="budget_ballot").count() == 90 == seeded["ledger_entries"]
    assert LedgerEntry.objects.pending().count() == 0
    report = ledger_verify()
    assert report.ok, report.problems
    assert report.scopes_not_recounted == []


def test_the_measured_pages_answer(seeded):
    client = Client()
    for scenario in scenarios.SCENARIOS:
        response = client.get(scenario.url(scenarios.prepare(dict(seeded), requests=1)))
        assert response.status_code in scenario.expect, scenario.name


def test_a_second_seed_is_refused(seeded):
    with pytest.raises(SeedRefused):
        seed(channels={"budgeting": dict(SIZES)}, citizens=110, write=lambda line: None, vacuum=False)


def test_picks_are_spread_over_the_voters():
    assert picks_per_voter(4, 40, most=10) == [10, 10, 10, 10]
    assert picks_per_voter(3, 7, most=10) == [3, 2, 2]
    with pytest.raises(ValueError):
        picks_per_voter(3, 31, most=10)
    with pytest.raises(ValueError):
        picks_per_voter(3, 2, most=10)


def test_the_sizes_and_the_runner_s_datasets():
    assert scaled("budgeting", 1.0) == {
        "voters": 40_000, "project_votes": 400_000, "city_projects": 100, "district_projects": 10,
    }  # fmt: skip
    assert scaled("budgeting", 0.01)["voters"] == 400 and scaled("budgeting", 0.01)["project_votes"] == 4_000
    sets = datasets(1.0, 100, "budgeting")
    assert [dataset["roles"] for dataset in sets] == [["baseline"], ["small"], ["big"]]
    assert [scaled("budgeting", dataset["factor"])["voters"] for dataset in sets] == [40, 400, 40_000]
    # `make bench SCALE=small` compares 400 voters with 40, not 400 with itself.
    small = datasets(0.01, 100, "budgeting")
    assert [(dataset["roles"], scaled("budgeting", dataset["factor"])["voters"]) for dataset in small] == [
        (["baseline", "small"], 40),
        (["big"], 400),
    ]
    seeder = BudgetingSeeder()
    sizes = seeder.sizes({"voters": 50, "no_ledger": True}, scale=1.0)
    assert sizes == {"voters": 50, "project_votes": 500, "city_projects": 100, "district_projects": 10, "ledger": False}
    assert seeder.citizens_needed(sizes) == 200


def test_the_command_seeds_the_budgeting_channel(tmp_path):
    report = tmp_path / "seed.json"
    call_command(
        "seed_scale", "--channel", "budgeting", "--voters", "30", "--project-votes", "150", "--city-projects", "6",
        "--district-projects", "2", "--no-ledger", "--no-vacuum", "--report-json", str(report), stdout=StringIO(),
    )  # fmt: skip
    data = json.loads(report.read_text())
    assert data["rows"]["budgeting.BudgetBallot"] == 30 == data["channels"]["budgeting"]["voters"]
    assert data["rows"]["budgeting.BudgetParticipation"] == 30
    assert data["channels"]["budgeting"]["ledger_entries"] == 0 and not LedgerEntry.objects.exists()
    with pytest.raises(CommandError, match="already holds data"):
        call_command("seed_scale", "--channel", "budgeting", "--voters", "10", "--no-vacuum", stdout=StringIO())
