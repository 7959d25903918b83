"""THE BIG ONE: Warsaw 2026 (61,668 ballots, 83 projects) through the commands, once.

The only test that imports Warsaw (a few seconds: the ballots go in with bulk_create in batches).
Import → tally under its META rule (greedy with a threshold of 3,000 votes) → the official outcome;
export → the file parses, and counting the export with the engine gives the same outcome.
"""

import json

from budgeting.models import BudgetBallot, Cycle
from budgeting.pabulib import read_pabulib
from budgeting.tally import Instance, greedy_threshold
from tests.budgeting.elections import PABULIB_DIR, WARSZAWA, election, official_outcome


def test_warszawa_import_tally_and_export(run_command):
    out, _ = run_command("budget_import_pabulib", str(PABULIB_DIR / WARSZAWA))
    cycle = Cycle.objects.get(pk=int(out.strip().splitlines()[-1]))
    assert (cycle.selection_rule, cycle.min_project_votes, cycle.max_picks) == ("greedy-threshold", 3000, 5)
    assert BudgetBallot.objects.filter(cycle=cycle).count() == 61_668
    first = BudgetBallot.objects.get(cycle=cycle, external_id="217759")
    assert (first.age, first.gender, len(first.projects)) == (42, "male", 5)

    document = json.loads(run_command("budget_tally", str(cycle.pk), "--json")[0])
    assert document["rule"] == "greedy-threshold"
    assert set(document["funded"]) == official_outcome(WARSZAWA)

    exported = read_pabulib(run_command("budget_export_pabulib", str(cycle.pk))[0])
    assert len(exported.ballots) == 61_668
    assert exported.meta["min_project_score_threshold"] == "3000"
    assert set(greedy_threshold(Instance.from_election(exported)).funded) == official_outcome(WARSZAWA)
    assert {key: project.fields["votes"] for key, project in exported.projects.items()} == {
        key: project.fields["votes"] for key, project in election(WARSZAWA).projects.items()
    }
