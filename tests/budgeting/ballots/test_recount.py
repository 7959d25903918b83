"""verify_ledger recounts the budget ballots (commitments, each project's votes, one participation
per ballot), and a citizen's export and erasure of what the vote holds about them."""

import pytest
from django.db.models import F

from audit.recounts import recount_for
from audit.services import ledger_seal
from audit.verification import ledger_verify
from budgeting.models import BudgetBallot, BudgetParticipation, EligibilityDeclaration, Project
from budgeting.personal_data import HANDLER
from budgeting.recount import cycle_count_problems, cycle_scopes
from budgeting.services.ballots import ballot_cast, ballot_enter_paper
from citizens import registry
from citizens.services import citizen_erase

pytestmark = pytest.mark.django_db


@pytest.fixture
def counted(vote_cycle, participant, declare, make_project, official):
    """Four ballots (one on paper), sealed."""
    projects = [make_project(vote_cycle), make_project(vote_cycle), make_project(vote_cycle, district="11680")]
    for number in range(4):
        citizen = participant()
        declare(citizen, vote_cycle)
        picks = [projects[number % 3].pk, projects[2].pk] if number % 3 != 2 else [projects[2].pk]
        if number == 3:
            ballot_enter_paper(actor=official, cycle=vote_cycle, citizen=citizen, project_ids=picks)
        else:
            ballot_cast(citizen=citizen, cycle=vote_cycle, project_ids=picks)
    ledger_seal()
    return projects


def test_the_recount_is_registered(vote_cycle):
    assert recount_for(vote_cycle.ledger_scope) is not None


def test_the_ledger_verifies_with_the_budget_ballots(vote_cycle, counted):
    report = ledger_verify()
    assert report.ok, report.problems
    assert vote_cycle.ledger_scope in cycle_scopes()
    assert vote_cycle.ledger_scope not in report.scopes_not_recounted
    assert cycle_count_problems(vote_cycle.ledger_scope) == []


def test_a_changed_ballot_is_found(vote_cycle, counted):
    ballot = BudgetBallot.objects.filter(cycle=vote_cycle).first()
    BudgetBallot.objects.filter(pk=ballot.pk).update(projects=[counted[1].pk])
    report = ledger_verify()
    assert not report.ok
    assert any(vote_cycle.ledger_scope in problem for problem in report.problems)


def test_a_changed_counter_is_found(vote_cycle, counted):
    Project.objects.filter(pk=counted[0].pk).update(votes=F("votes") + 1)
    problems = cycle_count_problems(vote_cycle.ledger_scope)
    assert problems == [f"project {counted[0].pk}: the project shows 3 votes, the ballots count 2."]
    assert not ledger_verify().ok


def test_a_removed_ballot_is_found(vote_cycle, counted):
    BudgetBallot.objects.filter(cycle=vote_cycle).first().delete()
    problems = cycle_count_problems(vote_cycle.ledger_scope)
    assert "4 citizens took part, but there are 3 ballots." in problems
    assert not ledger_verify().ok


# --- Personal data ------------------------------------------------------------------------------


def test_the_handler_is_registered():
    assert HANDLER in registry.personal_data_handlers()


def test_the_export_lists_declarations_and_votes_but_never_picks(vote_cycle, voter, make_project):
    project = make_project(vote_cycle, title="비밀 선택")
    ballot_cast(citizen=voter, cycle=vote_cycle, project_ids=[project.pk])
    data = HANDLER.export(voter)
    assert [item["cycle"] for item in data["eligibility_declarations"]] == [vote_cycle.pk]
    assert data["eligibility_declarations"][0]["basis"] == "resident"
    assert data["budget_votes"] == [
        {
            "cycle": vote_cycle.pk,
            "cycle_title": vote_cycle.title_ko,
            "channel": "online",
            "voted_on": BudgetParticipation.objects.get().voted_on.isoformat(),
        }
    ]
    assert "비밀 선택" not in str(data) and data["budget_projects"] == []  # picked, not proposed


def test_erasure_deletes_declarations_and_keeps_the_participation(
    vote_cycle, voter, make_project, participant, declare
):
    project = make_project(vote_cycle)
    ballot_cast(citizen=voter, cycle=vote_cycle, project_ids=[project.pk])
    citizen_erase(citizen=voter)
    assert not EligibilityDeclaration.objects.filter(citizen=voter).exists()
    participation = BudgetParticipation.objects.get()
    assert participation.citizen_id == voter.pk and participation.voter_key
    assert BudgetBallot.objects.count() == 1 and Project.objects.get().votes == 1
    assert cycle_count_problems(vote_cycle.ledger_scope) == []


def test_the_projects_a_citizen_proposed_are_exported_and_let_go_on_erasure(vote_cycle, voter, make_project):
    submitted = make_project(vote_cycle, title="제출한 사업")
    Project.objects.filter(pk=submitted.pk).update(proposer=voter)
    draft = Project.objects.create(cycle=vote_cycle, pot=submitted.pot, proposer=voter, title="초안",
                                   estimated_cost=1_000_000)
    data = HANDLER.export(voter)
    assert {item["title"] for item in data["budget_projects"]} == {"제출한 사업", "초안"}
    citizen_erase(citizen=voter)
    assert not Project.objects.filter(pk=draft.pk).exists()
    kept = Project.objects.get(pk=submitted.pk)
    assert kept.proposer_id is None and kept.title == "제출한 사업"
