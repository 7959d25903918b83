"""The weighted final score can be recomputed from what is published: the pabulib export carries
the weights (META) and each project's committee, budget-school and proposers' scores (PROJECTS),
and the pot's results page shows every part. A cycle whose vote is still open is not exported."""

import html
import io
import json
from decimal import ROUND_HALF_EVEN, Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import translation

from budgeting.errors import BudgetingError
from budgeting.models import BudgetBallot, Cycle, Project, ProjectResult
from budgeting.pabulib import read_pabulib
from budgeting.pabulib_io import election_from_cycle
from budgeting.services.tally import cycle_count, results_publish
from budgeting.tally import Instance, greedy
from budgeting.tally.weighted import WeightedProject, Weights, seoul_weighted

MILLION = 1_000_000
WEIGHT_KEYS = ("weight_votes", "weight_committee", "weight_school", "weight_proposers")


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def weighted(make_cycle, make_project, make_ballots, city_pot):
    """A seoul-weighted cycle (40/40/10/10) after its vote, counted: by votes alone `popular` and
    `small` would be funded; the weighted score funds `endorsed` and `small`."""
    cycle = make_cycle("assembly", selection_rule=Cycle.Rule.SEOUL_WEIGHTED, weight_votes=40, weight_committee=40,
                       weight_school=10, weight_proposers=10)
    pot = city_pot(cycle)
    popular = make_project(cycle, pot, cost=600 * MILLION, title="popular", committee_score=Decimal("10.25"),
                           proposers_score=20)
    endorsed = make_project(cycle, pot, cost=500 * MILLION, title="endorsed", committee_score=Decimal("95.50"),
                            school_score=80, proposers_score=90)
    small = make_project(cycle, pot, cost=300 * MILLION, title="small", committee_score=60,
                         school_score=Decimal("50.75"))
    make_ballots(cycle, [[popular]] * 4 + [[popular, endorsed]] * 2 + [[small]])
    cycle_count(actor=None, cycle=cycle)
    return cycle, pot, {"popular": popular, "endorsed": endorsed, "small": small}


def export(run_command, cycle, pot) -> str:
    return run_command("budget_export_pabulib", str(cycle.pk), "--pot", str(pot.pk))[0]


def _score(text: str) -> Decimal | None:
    return Decimal(text) if text else None


def recompute(text: str):
    """The weighted outcome from the file alone, with the pure engine."""
    election = read_pabulib(text)
    weights = Weights(*(int(election.meta[key]) for key in WEIGHT_KEYS))
    projects = [
        WeightedProject(
            project_id, cost=project.cost, votes=int(project.fields["votes"]),
            committee=_score(project.fields["committee_score"]), school=_score(project.fields["school_score"]),
            proposers=_score(project.fields["proposers_score"]),
        )
        for project_id, project in election.projects.items()
    ]
    return election, seoul_weighted(projects, election.budget, weights)


def test_the_export_recomputes_the_stored_weighted_result(run_command, weighted):
    cycle, pot, projects = weighted
    text = export(run_command, cycle, pot)
    election, outcome = recompute(text)
    assert [election.meta[key] for key in WEIGHT_KEYS] == ["40", "40", "10", "10"]
    assert election.project_columns[-3:] == ("committee_score", "school_score", "proposers_score")
    assert election.projects[str(projects["small"].pk)].fields["proposers_score"] == ""  # never recorded

    stored = ProjectResult.objects.filter(pot_result__pot=pot)
    funded = {str(row.project_id) for row in stored if row.funded}
    assert set(outcome.funded) == funded == {str(projects["endorsed"].pk), str(projects["small"].pk)}
    for row in stored:
        final = outcome.final_score(str(row.project_id))
        exact = (Decimal(final.numerator) / Decimal(final.denominator)).quantize(Decimal("0.0001"), ROUND_HALF_EVEN)
        assert exact == row.final_score
    # The votes alone would fund something else: the score columns are what makes it recomputable.
    costs = {project_id: project.cost for project_id, project in election.projects.items()}
    by_votes = greedy(Instance.from_ballots(costs, election.budget, [ballot.votes for ballot in election.ballots]))
    assert set(by_votes.funded) != funded


def test_a_reimported_export_counts_the_same(run_command, weighted, tmp_path):
    cycle, pot, projects = weighted
    path = tmp_path / "weighted.pb"
    path.write_text(export(run_command, cycle, pot), encoding="utf-8")
    out, _ = run_command("budget_import_pabulib", str(path))
    imported = Cycle.objects.get(pk=int(out.strip().splitlines()[-1]))
    assert imported.selection_rule == Cycle.Rule.SEOUL_WEIGHTED
    assert (imported.weight_votes, imported.weight_committee, imported.weight_school,
            imported.weight_proposers) == (40, 40, 10, 10)
    copy = imported.projects.get(external_id=str(projects["endorsed"].pk))
    assert (copy.committee_score, copy.school_score, copy.proposers_score) == (
        Decimal("95.50"), Decimal("80.00"), Decimal("90.00")
    )
    tally = json.loads(run_command("budget_tally", str(imported.pk), "--json")[0])
    assert set(tally["funded"]) == {str(projects["endorsed"].pk), str(projects["small"].pk)}


def test_other_rules_export_no_score_columns(run_command, make_cycle, make_project, make_ballots, city_pot):
    cycle = make_cycle("assembly", selection_rule=Cycle.Rule.GREEDY)
    pot = city_pot(cycle)
    make_ballots(cycle, [[make_project(cycle, pot, cost=MILLION, committee_score=50)]])
    election = read_pabulib(export(run_command, cycle, pot))
    assert "committee_score" not in election.project_columns
    assert not set(WEIGHT_KEYS) & set(election.meta)


def test_an_import_with_bad_weights_or_scores_is_refused(run_command, tmp_path, db):
    head = "META\nkey;value\nbudget;100\nvote_type;approval\nrule;seoul-weighted\n"
    weights = "weight_votes;50\nweight_committee;30\nweight_school;10\nweight_proposers;20\n"
    body = "PROJECTS\nproject_id;cost;committee_score\n1;10;{score}\nVOTES\nvoter_id;vote\nv1;1\n"
    bad_weights = tmp_path / "weights.pb"
    bad_weights.write_text(head + weights + body.format(score="50"), encoding="utf-8")
    with pytest.raises(CommandError, match="add up to 100"):
        run_command("budget_import_pabulib", str(bad_weights))
    bad_score = tmp_path / "score.pb"
    bad_score.write_text(head + body.format(score="101"), encoding="utf-8")
    with pytest.raises(CommandError, match="committee_score 101 is not a score from 0 to 100"):
        run_command("budget_import_pabulib", str(bad_score))
    assert not Cycle.objects.exists() and not Project.objects.exists() and not BudgetBallot.objects.exists()


@pytest.mark.parametrize(("phase", "reason"), [("vote", "is still open"), ("deliberation", "has not started")])
def test_the_export_is_refused_until_the_vote_has_ended(make_cycle, make_project, make_ballots, city_pot, tmp_path,
                                                        phase, reason):
    cycle = make_cycle(phase)
    pot = city_pot(cycle)
    make_ballots(cycle, [[make_project(cycle, pot, cost=MILLION)]])
    out = io.StringIO()
    for options in (["--pot", str(pot.pk)], ["--output-dir", str(tmp_path)], []):
        with pytest.raises(CommandError, match=reason):
            call_command("budget_export_pabulib", str(cycle.pk), *options, stdout=out)
    assert out.getvalue() == "" and list(tmp_path.iterdir()) == []
    with pytest.raises(BudgetingError) as caught:
        election_from_cycle(cycle, pot)
    assert caught.value.code == "vote_not_over"


def test_the_results_page_shows_every_part_of_the_final_score(client, weighted):
    cycle, pot, projects = weighted
    results_publish(actor=None, cycle=cycle)
    with translation.override("en"):
        url = reverse("budgeting:pot_results", args=[cycle.pk, pot.pk])
    page = html.unescape(client.get(url).content.decode())
    table = page[page.index('id="pot-projects"'):page.index("</table>", page.index('id="pot-projects"'))]
    for header in ("Committee score", "Budget school", "Proposers' vote", "Final score"):
        assert header in table
    endorsed = table[table.index(">endorsed<"):]
    endorsed = endorsed[:endorsed.index("</tr>")]
    assert "95.50" in endorsed and "80.00" in endorsed and "90.00" in endorsed
    small = table[table.index(">small<"):]
    small = small[:small.index("</tr>")]
    assert "60.00" in small and "50.75" in small and "–" in small  # no proposers' score: a dash
    assert 'colspan="9"' in table
