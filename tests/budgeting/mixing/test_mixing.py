"""The mixer rewrites fresh budget ballots and participations, keeping everything they say: the
results, the ledger's commitments and the voters' receipts do not change."""

from collections import Counter

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import ledger_seal
from audit.verification import ledger_verify
from budgeting.models import BudgetBallot, BudgetParticipation, Project
from budgeting.recount import cycle_count_problems
from budgeting.selectors.ballots import cycle_receipt_check
from budgeting.services.ballots import ballot_cast, ballot_enter_paper
from budgeting.services.mixing import MixReport, budget_ballots_mix, budget_mix

pytestmark = pytest.mark.django_db

PICKS = [[0, 4], [1], [0, 1, 2], [4, 5], [3], [0]]


def cast(cycle, voters, projects, picks):
    return [
        ballot_cast(citizen=voter, cycle=cycle, project_ids=[projects[index].pk for index in chosen]).receipt
        for voter, chosen in zip(voters, picks, strict=True)
    ]


def ballots(cycle):
    return sorted(
        BudgetBallot.objects.filter(cycle=cycle).values_list(
            "id", "projects", "age", "district_code", "gender", "salt", "receipt_digest", "external_id"
        )
    )


def participations(cycle):
    return sorted(
        BudgetParticipation.objects.filter(cycle=cycle).values_list(
            "id", "citizen_id", "channel", "entered_by_id", "voted_on", "voter_key"
        )
    )


def votes(cycle):
    return dict(Project.objects.filter(cycle=cycle).values_list("pk", "votes"))


def unmixed():
    return BudgetBallot.objects.filter(mixed=False).count(), BudgetParticipation.objects.filter(mixed=False).count()


def test_mixing_keeps_every_ballot_and_participation_as_they_were_and_marks_them_mixed(
    vote_cycle, projects, make_voter
):
    receipts = cast(vote_cycle, [make_voter() for _ in PICKS], projects, PICKS)
    before = ballots(vote_cycle), participations(vote_cycle), votes(vote_cycle)
    assert unmixed() == (6, 6)

    assert budget_ballots_mix() == 6

    assert (ballots(vote_cycle), participations(vote_cycle), votes(vote_cycle)) == before
    assert unmixed() == (0, 0)
    assert Counter(BudgetBallot.objects.values_list("mixed", flat=True)) == {True: 6}
    assert votes(vote_cycle)[projects[0].pk] == 3
    # The books still balance: the recount, the ledger's commitments, every voter's receipt.
    assert cycle_count_problems(vote_cycle.ledger_scope) == []
    ledger_seal()
    report = ledger_verify()
    assert report.ok, report.problems
    assert all(cycle_receipt_check(vote_cycle, receipt).counted for receipt in receipts)


def test_a_second_run_mixes_nothing(vote_cycle, projects, make_voter):
    cast(vote_cycle, [make_voter() for _ in range(3)], projects, PICKS[:3])
    assert budget_ballots_mix() == 3
    rows = ballots(vote_cycle)

    assert budget_mix() == MixReport(ballots=0, participations=0, projects=0, imported=0)
    assert budget_ballots_mix() == 0
    assert ballots(vote_cycle) == rows


def test_ballots_cast_after_a_run_are_mixed_by_the_next(vote_cycle, projects, make_voter):
    cast(vote_cycle, [make_voter() for _ in range(3)], projects, PICKS[:3])
    budget_ballots_mix()
    cast(vote_cycle, [make_voter() for _ in range(2)], projects, PICKS[3:5])
    assert unmixed() == (2, 2)

    report = budget_mix()

    # Only the new ballots, and only the counters they touched.
    assert (report.ballots, report.participations, report.projects) == (2, 2, 3)
    assert unmixed() == (0, 0)
    assert cycle_count_problems(vote_cycle.ledger_scope) == []


def test_mixing_works_in_batches(vote_cycle, projects, make_voter):
    cast(vote_cycle, [make_voter() for _ in range(5)], projects, PICKS[:5])
    before = ballots(vote_cycle), participations(vote_cycle)

    report = budget_mix(batch_size=2)

    assert (report.ballots, report.participations) == (5, 5)
    assert (ballots(vote_cycle), participations(vote_cycle)) == before
    assert unmixed() == (0, 0)


def test_a_paper_ballot_is_mixed_and_its_audit_event_still_names_its_participation(
    vote_cycle, projects, make_voter, official
):
    """The admin's paper-ballot entry calls ballot_enter_paper: the same rows, mixed the same way."""
    cast(vote_cycle, [make_voter()], projects, PICKS[:1])
    paper = ballot_enter_paper(actor=official, cycle=vote_cycle, citizen=make_voter(), project_ids=[projects[3].pk])
    before = participations(vote_cycle)

    assert budget_ballots_mix() == 2

    assert participations(vote_cycle) == before
    mixed = BudgetParticipation.objects.get(pk=paper.participation_id)
    assert (mixed.channel, mixed.entered_by_id, mixed.mixed) == (BudgetParticipation.Channel.PAPER, official.pk, True)
    event = AuditEvent.objects.get(action="budgeting.ballot.enter_paper")
    assert event.target_id == str(paper.participation_id)
    assert cycle_count_problems(vote_cycle.ledger_scope) == []


def test_ballots_of_an_imported_cycle_are_marked_not_rewritten(make_cycle):
    """A pabulib file's ballots have no voter to hide: marked mixed where they lie, not counted."""
    simulation = make_cycle("after", year=2019, is_simulation=True)
    project = Project.objects.create(
        cycle=simulation, pot=simulation.pots.get(district__isnull=True), title="사업", summary="요약",
        estimated_cost=10_000_000, status=Project.Status.FEASIBLE, submitted_at=timezone.now(),
        checked_at=timezone.now(), votes=2,
    )  # fmt: skip
    BudgetBallot.objects.bulk_create(
        BudgetBallot(cycle=simulation, projects=[project.pk], salt=f"{number:032x}", receipt_digest=f"{number:064x}",
                     external_id=str(number))
        for number in (1, 2)
    )  # fmt: skip
    before = ballots(simulation)

    report = budget_mix()

    assert (report.ballots, report.projects, report.imported) == (0, 0, 2)
    assert ballots(simulation) == before
    assert not BudgetBallot.objects.filter(mixed=False).exists()
    assert budget_mix().imported == 0
