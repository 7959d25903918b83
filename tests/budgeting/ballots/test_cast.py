"""Casting a ballot and entering a paper one: what is written (participation, anonymous ballot,
votes, ledger entry), and every refusal with its message and nothing written."""

from datetime import timedelta

import pytest
from django.utils import timezone

from audit import ledger
from audit.models import AuditEvent, LedgerEntry
from budgeting.errors import BudgetingError
from budgeting.models import BudgetBallot, BudgetParticipation, Cycle, EligibilityDeclaration, Project
from budgeting.services import eligibility
from budgeting.services.ballots import LEDGER_KIND, ballot_cast, ballot_commitment, ballot_enter_paper, voter_key

from ..conftest import shift_to_phase
from .conftest import books

pytestmark = pytest.mark.django_db


@pytest.fixture
def city(vote_cycle, make_project):
    return [make_project(vote_cycle, cost=100_000_000) for _ in range(6)]


@pytest.fixture
def gangnam(vote_cycle, make_project):
    return [make_project(vote_cycle, district="11680", cost=50_000_000) for _ in range(6)]


@pytest.fixture
def jongno(vote_cycle, make_project):
    return [make_project(vote_cycle, district="11110", cost=50_000_000)]


def ids(projects):
    return [project.pk for project in projects]


def refused(cycle, citizen, project_ids, **kwargs):
    """The refusal of a ballot, checking that it wrote nothing."""
    before = books(cycle)
    with pytest.raises(BudgetingError) as error:
        ballot_cast(citizen=citizen, cycle=cycle, project_ids=project_ids, **kwargs)
    assert books(cycle) == before
    return error.value


# --- What a ballot writes ---------------------------------------------------------------------------


def test_a_ballot_writes_the_participation_the_anonymous_ballot_the_votes_and_the_ledger_entry(
    vote_cycle, voter, city, gangnam
):
    picks = [gangnam[1].pk, city[2].pk, str(city[0].pk)]
    cast = ballot_cast(citizen=voter, cycle=vote_cycle, project_ids=picks)

    participation = BudgetParticipation.objects.get()
    assert (participation.cycle_id, participation.citizen_id, participation.channel) == (
        vote_cycle.pk,
        voter.pk,
        "online",
    )
    assert participation.entered_by is None and participation.voted_on == timezone.localdate()
    assert participation.voter_key == voter_key(vote_cycle.pk, voter)
    ballot = BudgetBallot.objects.get()
    assert ballot.projects == sorted([gangnam[1].pk, city[2].pk, city[0].pk])
    assert (ballot.age, ballot.district_code, ballot.gender) == (voter.age_on(timezone.localdate()), "11680", "female")
    assert ballot.receipt_digest == ledger.receipt_digest(cast.receipt)
    entry = LedgerEntry.objects.get(scope=vote_cycle.ledger_scope)
    assert entry.kind == LEDGER_KIND
    assert entry.receipt_digest == ballot.receipt_digest
    assert entry.commitment == ballot_commitment(salt=ballot.salt, cycle_id=vote_cycle.pk, projects=ballot.projects)
    votes = dict(Project.objects.values_list("pk", "votes"))
    assert {pk for pk, count in votes.items() if count} == set(ballot.projects)
    assert all(votes[pk] == 1 for pk in ballot.projects)
    # No audit event: next to the ledger it would tell when, hence how, someone voted.
    assert not AuditEvent.objects.filter(action__startswith="budgeting.ballot").exists()


def test_the_declared_district_decides_the_district_pot(vote_cycle, participant, declare, jongno, gangnam):
    citizen = participant(district="11680")  # lives in Gangnam, works in Jongno
    declare(citizen, vote_cycle, basis="worker", district="11110", place="종로구청 앞 회사")
    ballot_cast(citizen=citizen, cycle=vote_cycle, project_ids=ids(jongno))
    assert BudgetBallot.objects.get().district_code == "11110"
    other = participant()
    declare(other, vote_cycle)
    error = refused(vote_cycle, other, ids(jongno))
    assert "is in another district's pot" in error.message


# --- Approval ballots ---------------------------------------------------------------------------------


def test_up_to_k_picks_per_pot(vote_cycle, voter, city, gangnam):
    ballot_cast(citizen=voter, cycle=vote_cycle, project_ids=ids(city[:5]) + ids(gangnam[:5]))
    assert len(BudgetBallot.objects.get().projects) == 10


def test_k_plus_one_picks_in_a_pot_are_refused(vote_cycle, voter, city, gangnam):
    error = refused(vote_cycle, voter, ids(gangnam) + ids(city[:1]))
    assert error.message == "You picked 6 projects in Gangnam-gu; you may pick at most 5."
    assert (error.field, error.code) == ("projects", "invalid")


def test_at_least_one_pick(vote_cycle, voter, city):
    for nothing in ([], None, [""], ["  "]):
        assert refused(vote_cycle, voter, nothing).message == "Pick at least one project."


# --- Knapsack ballots ---------------------------------------------------------------------------------


@pytest.fixture
def knapsack_cycle(make_cycle):
    return make_cycle("vote", ballot_kind=Cycle.BallotKind.KNAPSACK)


def test_a_knapsack_ballot_fits_each_pot(knapsack_cycle, participant, declare, make_project):
    voter = participant()
    declare(voter, knapsack_cycle)
    projects = [make_project(knapsack_cycle, cost=250_000_000) for _ in range(4)]
    ballot_cast(citizen=voter, cycle=knapsack_cycle, project_ids=ids(projects))  # 1,000,000,000: the pot, exactly
    assert len(BudgetBallot.objects.get().projects) == 4


def test_knapsack_overflow_is_refused(knapsack_cycle, participant, declare, make_project):
    voter = participant()
    declare(voter, knapsack_cycle)
    projects = [make_project(knapsack_cycle, cost=300_000_000) for _ in range(4)]
    error = refused(knapsack_cycle, voter, ids(projects))
    assert error.message == (
        "The projects you picked in City-wide cost KRW 1,200,000,000; the pot holds KRW 1,000,000,000."
    )


def test_knapsack_overflow_in_korean(knapsack_cycle, participant, declare, make_project):
    from django.utils import translation

    voter = participant()
    declare(voter, knapsack_cycle)
    projects = [make_project(knapsack_cycle, district="11680", cost=100_000_000) for _ in range(4)]
    with translation.override("ko"):
        error = refused(knapsack_cycle, voter, ids(projects))
    assert "400,000,000" in error.message and "300,000,000" in error.message and "강남구" in error.message


# --- Picks the ballot does not hold -------------------------------------------------------------------


@pytest.mark.parametrize("status", ["draft", "submitted", "withdrawn", "not_feasible"])
def test_a_project_that_is_not_feasible_is_refused(vote_cycle, voter, make_project, city, status):
    project = make_project(vote_cycle, status=status, title="불가 사업")
    error = refused(vote_cycle, voter, [city[0].pk, project.pk])
    assert error.message == "“불가 사업” is not on the ballot: only projects found feasible are."


def test_a_project_of_another_districts_pot_is_refused(vote_cycle, voter, jongno, city):
    error = refused(vote_cycle, voter, [city[0].pk, jongno[0].pk])
    assert error.message.startswith(f"“{jongno[0].title}” is in another district's pot")


def test_a_project_picked_twice_is_refused(vote_cycle, voter, city):
    error = refused(vote_cycle, voter, [city[0].pk, city[1].pk, str(city[0].pk)])
    assert error.message == f"You picked “{city[0].title}” twice: each project can be picked once."


@pytest.mark.parametrize(
    ("garbage", "message"),
    [
        ("abc", "The form was changed: “abc” is not a project on this ballot."),
        ("-3", "The form was changed: “-3” is not a project on this ballot."),
        ("0", "The form was changed: “0” is not a project on this ballot."),
        ("1.5", "The form was changed: “1.5” is not a project on this ballot."),
        ("٣", "The form was changed: “٣” is not a project on this ballot."),
        ("9" * 40, "The form was changed: “99999999999999999999…” is not a project on this ballot."),
        (str(2**63), f"The form was changed: “{2**63}” is not a project on this ballot."),
        (str(2**63 - 1), f"Project no. {2**63 - 1} is not on this cycle's ballot."),
        ("123456789", "Project no. 123456789 is not on this cycle's ballot."),
    ],
)
def test_garbage_ids_get_a_clear_message(vote_cycle, voter, city, garbage, message):
    error = refused(vote_cycle, voter, [city[0].pk, garbage])
    assert error.message == message
    assert error.field == "projects"


def test_a_project_of_another_cycle_is_refused(vote_cycle, voter, make_cycle, make_project, city):
    other = make_cycle("vote", year=vote_cycle.year - 1)
    foreign = make_project(other)
    error = refused(vote_cycle, voter, [city[0].pk, foreign.pk])
    assert error.message == f"Project no. {foreign.pk} is not on this cycle's ballot."


# --- Once only, and only during the vote ---------------------------------------------------------------


def test_a_second_ballot_is_refused(vote_cycle, voter, city):
    ballot_cast(citizen=voter, cycle=vote_cycle, project_ids=[city[0].pk])
    error = refused(vote_cycle, voter, [city[1].pk])
    assert error.code == eligibility.ALREADY_VOTED
    assert error.message == "You have already voted in this cycle. A ballot cannot be changed."


def test_a_second_ballot_with_bad_picks_is_still_already_voted(vote_cycle, voter, city):
    ballot_cast(citizen=voter, cycle=vote_cycle, project_ids=[city[0].pk])
    assert refused(vote_cycle, voter, ids(city)).code == eligibility.ALREADY_VOTED


def test_the_same_phone_on_a_new_account_is_already_voted(vote_cycle, voter, city, participant, declare):
    """The participation's phone key refuses a second account of the same verified phone (an
    erased account re-created, say); the constraint answers even without the citizen's row."""
    ballot_cast(citizen=voter, cycle=vote_cycle, project_ids=[city[0].pk])
    twin = participant()
    declare(twin, vote_cycle)
    twin.phone_index = voter.phone_index  # as seen by the service: the same verified phone
    assert refused(vote_cycle, twin, [city[1].pk]).code == eligibility.ALREADY_VOTED


def test_no_ballot_after_the_vote_ends(vote_cycle, voter, city):
    vote = vote_cycle.vote_phase()
    assert refused(vote_cycle, voter, [city[0].pk], now=vote.ends_at).code == eligibility.CLOSED
    assert refused(vote_cycle, voter, [city[0].pk], now=vote.starts_at - timedelta(seconds=1)).code == (
        eligibility.NOT_OPEN_YET
    )
    ended = shift_to_phase(vote_cycle, "assembly")
    assert refused(ended, voter, [city[0].pk]).code == eligibility.CLOSED


def test_the_phase_is_read_again_in_the_transaction(vote_cycle, voter, city):
    """The page's cycle (with its phases prefetched) may be older than the vote's end."""
    stale = vote_cycle  # prefetched while the vote ran
    vote_cycle.phases.filter(kind="vote").update(
        ends_at=timezone.now() - timedelta(seconds=1), starts_at=timezone.now() - timedelta(days=3)
    )
    assert refused(stale, voter, [city[0].pk]).code == eligibility.CLOSED


def test_a_simulation_is_refused(make_cycle, voter, make_project, declare):
    cycle = make_cycle("vote", year=1999)
    Cycle.objects.filter(pk=cycle.pk).update(is_simulation=True)
    cycle.refresh_from_db()
    declare(voter, cycle)
    project = make_project(cycle)
    assert refused(cycle, voter, [project.pk]).code == eligibility.SIMULATION


@pytest.mark.parametrize("who", ["official", "unverified", "undeclared", "young"])
def test_eligibility_is_checked_at_submission(vote_cycle, city, official, make_citizen, declare, who):
    citizen = {
        "official": lambda: official,
        "unverified": lambda: make_citizen(verified=False),
        "undeclared": lambda: make_citizen(),
        "young": lambda: make_citizen(birth_date=timezone.localdate() - timedelta(days=365 * 10)),
    }[who]()
    if who != "undeclared":
        declare(citizen, vote_cycle)
    error = refused(vote_cycle, citizen, [city[0].pk])
    expected = {
        "official": eligibility.OFFICIAL,
        "unverified": eligibility.UNVERIFIED,
        "undeclared": eligibility.NO_DECLARATION,
        "young": eligibility.TOO_YOUNG,
    }[who]
    assert error.code == expected


def test_receipts_differ_and_verify_in_the_ledger(vote_cycle, participant, declare, city):
    from audit.selectors import ReceiptStatus, receipt_status

    receipts = []
    for _ in range(3):
        citizen = participant()
        declare(citizen, vote_cycle)
        receipts.append(ballot_cast(citizen=citizen, cycle=vote_cycle, project_ids=[city[0].pk]).receipt)
    assert len(set(receipts)) == 3
    for receipt in receipts:
        status = receipt_status(ledger.normalize_receipt(receipt))
        assert status.state in (ReceiptStatus.PENDING, ReceiptStatus.SEALED)
        assert status.scope == vote_cycle.ledger_scope


# --- Paper ballots ------------------------------------------------------------------------------------


def test_an_official_enters_a_paper_ballot(vote_cycle, voter, official, city):
    cast = ballot_enter_paper(actor=official, cycle=vote_cycle, citizen=voter, project_ids=[city[0].pk])
    participation = BudgetParticipation.objects.get()
    assert (participation.channel, participation.entered_by_id, participation.citizen_id) == (
        "paper",
        official.pk,
        voter.pk,
    )
    assert BudgetBallot.objects.get().receipt_digest == ledger.receipt_digest(cast.receipt)
    event = AuditEvent.objects.get(action="budgeting.ballot.enter_paper")
    assert event.actor_id == official.pk
    assert event.target_id == str(participation.pk)
    assert event.summary == {"cycle": vote_cycle.pk, "channel": "paper"}  # never the picks


def test_online_then_paper_is_refused(vote_cycle, voter, official, city):
    ballot_cast(citizen=voter, cycle=vote_cycle, project_ids=[city[0].pk])
    before = books(vote_cycle)
    with pytest.raises(BudgetingError) as error:
        ballot_enter_paper(actor=official, cycle=vote_cycle, citizen=voter, project_ids=[city[1].pk])
    assert error.value.code == eligibility.ALREADY_VOTED
    assert books(vote_cycle) == before
    assert not AuditEvent.objects.filter(action="budgeting.ballot.enter_paper").exists()


def test_paper_then_online_is_refused(vote_cycle, voter, official, city):
    ballot_enter_paper(actor=official, cycle=vote_cycle, citizen=voter, project_ids=[city[0].pk])
    assert refused(vote_cycle, voter, [city[1].pk]).code == eligibility.ALREADY_VOTED


def test_the_official_records_a_missing_declaration_in_the_same_step(vote_cycle, participant, official, city):
    citizen = participant()
    declaration = {"basis": "student", "district": "11680", "place": "서울고등학교", "not_public_official": True}
    ballot_enter_paper(
        actor=official, cycle=vote_cycle, citizen=citizen, project_ids=[city[0].pk], declaration=declaration
    )
    assert EligibilityDeclaration.objects.get(citizen=citizen).basis == "student"
    assert BudgetParticipation.objects.get().channel == "paper"


def test_a_refused_paper_ballot_leaves_no_declaration(vote_cycle, participant, official, city, jongno):
    citizen = participant()
    declaration = {"basis": "resident", "district": "11680", "place": "", "not_public_official": True}
    with pytest.raises(BudgetingError) as error:
        ballot_enter_paper(
            actor=official, cycle=vote_cycle, citizen=citizen, project_ids=ids(jongno), declaration=declaration
        )
    assert "another district's pot" in error.value.message
    assert not EligibilityDeclaration.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="budgeting.").exists()


def test_a_paper_ballot_needs_a_declaration(vote_cycle, participant, official, city):
    with pytest.raises(BudgetingError) as error:
        ballot_enter_paper(actor=official, cycle=vote_cycle, citizen=participant(), project_ids=[city[0].pk])
    assert error.value.code == eligibility.NO_DECLARATION


def test_only_the_cycles_officials_enter_paper_ballots(vote_cycle, voter, make_citizen, department_official, city):
    for actor in (make_citizen(), department_official, voter):
        with pytest.raises(BudgetingError) as error:
            ballot_enter_paper(actor=actor, cycle=vote_cycle, citizen=voter, project_ids=[city[0].pk])
        assert error.value.code == "forbidden"
    assert books(vote_cycle)["participations"] == 0


def test_a_paper_ballot_for_an_unverified_citizen_is_refused(vote_cycle, make_citizen, declare, official, city):
    citizen = make_citizen(verified=False)
    declare(citizen, vote_cycle)
    with pytest.raises(BudgetingError) as error:
        ballot_enter_paper(actor=official, cycle=vote_cycle, citizen=citizen, project_ids=[city[0].pk])
    assert error.value.code == eligibility.UNVERIFIED
