"""Who may vote in a cycle (each reason of why_cannot_vote, in its order) and the eligibility
declaration (what it accepts, its default district, its audit, and that it is final once voted)."""

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from audit.models import AuditEvent
from budgeting.errors import BudgetingError
from budgeting.models import Cycle, EligibilityDeclaration
from budgeting.services import eligibility
from budgeting.services.ballots import ballot_cast
from budgeting.services.eligibility import declaration_record, why_cannot_vote

from ..conftest import shift_to_phase

pytestmark = pytest.mark.django_db


def reason_code(cycle, citizen, now=None):
    reason = why_cannot_vote(cycle, citizen, now)
    return reason.code if reason else None


def test_a_declared_verified_adult_may_vote(vote_cycle, voter):
    assert why_cannot_vote(vote_cycle, voter) is None


def test_not_signed_in(vote_cycle):
    assert reason_code(vote_cycle, AnonymousUser()) == eligibility.SIGN_IN
    assert reason_code(vote_cycle, None) == eligibility.SIGN_IN


def test_not_verified(vote_cycle, make_citizen, declare):
    citizen = make_citizen(verified=False)
    declare(citizen, vote_cycle)
    assert reason_code(vote_cycle, citizen) == eligibility.UNVERIFIED


def test_an_inactive_account_is_not_verified(vote_cycle, voter):
    voter.is_active = False
    assert reason_code(vote_cycle, voter) == eligibility.UNVERIFIED


def test_officials_are_excluded(vote_cycle, official, superuser, declare):
    declare(official, vote_cycle)
    assert reason_code(vote_cycle, official) == eligibility.OFFICIAL
    superuser.phone_verified_at = timezone.now()
    assert reason_code(vote_cycle, superuser) == eligibility.OFFICIAL


def test_no_declaration(vote_cycle, citizen):
    assert reason_code(vote_cycle, citizen) == eligibility.NO_DECLARATION


def test_a_basis_the_cycle_does_not_accept(make_cycle, citizen, declare):
    cycle = make_cycle("vote", accepts_workers=False)
    declare(citizen, cycle, basis="worker", place="서울시청")
    reason = why_cannot_vote(cycle, citizen)
    assert reason.code == eligibility.BASIS_NOT_ACCEPTED
    assert "residents of Seoul, students at Seoul schools" in str(reason.message)


def test_under_the_minimum_age_on_the_vote_date(make_cycle, make_citizen, declare):
    cycle = make_cycle("vote", minimum_age=14)
    today = timezone.localdate()
    young = make_citizen(birth_date=date(today.year - 14, today.month, today.day) + timedelta(days=1))
    declare(young, cycle)
    assert reason_code(cycle, young) == eligibility.TOO_YOUNG
    # The day they turn 14 they may.
    assert reason_code(cycle, young, timezone.now() + timedelta(days=1)) is None


def test_no_birth_date_asks_to_complete_the_profile(vote_cycle, make_citizen, declare):
    citizen = make_citizen(birth_date=None)
    declare(citizen, vote_cycle)
    reason = why_cannot_vote(vote_cycle, citizen)
    assert reason.code == eligibility.NO_BIRTH_DATE
    assert "add your birth date to your profile" in str(reason.message)


@pytest.mark.parametrize(
    ("phase", "code"),
    [("deliberation", eligibility.NOT_OPEN_YET), ("assembly", eligibility.CLOSED), ("after", eligibility.CLOSED)],
)
def test_outside_the_vote_phase(vote_cycle, voter, phase, code):
    cycle = shift_to_phase(vote_cycle, phase)
    assert reason_code(cycle, voter) == code


def test_a_cycle_without_a_vote(vote_cycle, voter):
    vote_cycle.phases.filter(kind="vote").delete()
    cycle = Cycle.objects.prefetch_related("phases").get(pk=vote_cycle.pk)
    assert reason_code(cycle, voter) == eligibility.NO_VOTE


def test_a_simulation_takes_no_ballots(make_cycle, voter, declare):
    cycle = make_cycle("vote", year=1999)
    Cycle.objects.filter(pk=cycle.pk).update(is_simulation=True)
    cycle.refresh_from_db()
    declare(voter, cycle)
    assert reason_code(cycle, voter) == eligibility.SIMULATION


def test_already_voted(vote_cycle, voter, make_project):
    project = make_project(vote_cycle)
    ballot_cast(citizen=voter, cycle=vote_cycle, project_ids=[project.pk])
    assert reason_code(vote_cycle, voter) == eligibility.ALREADY_VOTED


def test_the_window_comes_before_who_asks(make_cycle):
    cycle = make_cycle("deliberation")
    assert reason_code(cycle, AnonymousUser()) == eligibility.NOT_OPEN_YET


# --- The declaration ----------------------------------------------------------------------------


def declare_now(citizen, cycle, **fields):
    arguments = {"basis": "resident", "district": None, "place": "", "not_public_official": True, **fields}
    return declaration_record(actor=citizen, cycle=cycle, **arguments)


def test_a_resident_declares_and_their_profile_district_is_the_default(vote_cycle, citizen):
    declaration = declare_now(citizen, vote_cycle)
    assert (declaration.basis, declaration.district_id, declaration.place) == ("resident", "11680", "")
    event = AuditEvent.objects.get(action="budgeting.eligibility.declare")
    assert event.actor_id == citizen.pk
    assert event.summary == {
        "cycle": vote_cycle.pk,
        "basis": "resident",
        "district": "11680",
        "changed": False,
        "on_behalf": False,
    }


def test_a_worker_names_the_workplace_which_the_audit_does_not_keep(vote_cycle, citizen):
    declaration = declare_now(citizen, vote_cycle, basis="worker", district="11110", place="  종로 세무서  ")
    assert (declaration.basis, declaration.district_id, declaration.place) == ("worker", "11110", "종로 세무서")
    event = AuditEvent.objects.get(action="budgeting.eligibility.declare")
    assert "종로 세무서" not in str(event.summary)


def test_the_declaration_changes_until_the_citizen_votes(vote_cycle, citizen, make_project):
    declare_now(citizen, vote_cycle)
    changed = declare_now(citizen, vote_cycle, basis="student", district="11110", place="서울고등학교")
    assert EligibilityDeclaration.objects.filter(citizen=citizen).count() == 1
    assert (changed.basis, changed.district_id) == ("student", "11110")
    assert AuditEvent.objects.filter(action="budgeting.eligibility.declare").latest("pk").summary["changed"] is True
    ballot_cast(citizen=citizen, cycle=vote_cycle, project_ids=[make_project(vote_cycle).pk])
    with pytest.raises(BudgetingError) as refused:
        declare_now(citizen, vote_cycle)
    assert refused.value.code == eligibility.ALREADY_VOTED
    assert EligibilityDeclaration.objects.get(citizen=citizen).basis == "student"


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"not_public_official": False}, "not_public_official", "Confirm that you are not a public official"),
        ({"basis": "tourist"}, "basis", "Choose on what basis you take part."),
        ({"basis": "worker", "district": "11680", "place": " "}, "place", "Name your workplace."),
        ({"basis": "student", "district": "11680"}, "place", "Name your school."),
        ({"basis": "worker", "district": "11680", "place": "가" * 101}, "place", "at most 100 characters"),
        ({"basis": "worker", "place": "서울시청"}, "district", "Choose the district you live, work or study in."),
        ({"district": "99999"}, "district", "Choose one of Seoul's 25 districts."),
    ],
)
def test_a_declaration_that_does_not_hold_is_refused(vote_cycle, citizen, fields, field, message):
    with pytest.raises(BudgetingError) as refused:
        declare_now(citizen, vote_cycle, **fields)
    assert refused.value.field == field
    assert message in str(refused.value.message)
    assert not EligibilityDeclaration.objects.exists()
    assert not AuditEvent.objects.filter(action="budgeting.eligibility.declare").exists()


def test_only_the_bases_the_cycle_accepts(make_cycle, citizen):
    cycle = make_cycle("vote", accepts_students=False)
    with pytest.raises(BudgetingError) as refused:
        declare_now(citizen, cycle, basis="student", place="서울고등학교")
    assert refused.value.field == "basis" and "people working in Seoul" in str(refused.value.message)


def test_officials_and_unverified_citizens_cannot_declare(vote_cycle, official, make_citizen):
    with pytest.raises(BudgetingError) as refused:
        declare_now(official, vote_cycle)
    assert refused.value.code == eligibility.OFFICIAL
    with pytest.raises(BudgetingError) as refused:
        declare_now(make_citizen(verified=False), vote_cycle)
    assert refused.value.code == eligibility.UNVERIFIED
    assert not EligibilityDeclaration.objects.exists()


def test_no_declaration_after_the_vote_nor_in_a_simulation(make_cycle, citizen):
    over = make_cycle("assembly")
    with pytest.raises(BudgetingError) as refused:
        declare_now(citizen, over)
    assert refused.value.code == eligibility.CLOSED
    simulation = make_cycle("vote", year=1999)
    Cycle.objects.filter(pk=simulation.pk).update(is_simulation=True)
    simulation.refresh_from_db()
    with pytest.raises(BudgetingError) as refused:
        declare_now(citizen, simulation)
    assert refused.value.code == eligibility.SIMULATION


def test_declaring_before_the_vote_opens_is_allowed(make_cycle, citizen):
    cycle = make_cycle("deliberation")
    assert declare_now(citizen, cycle).pk


def test_only_an_official_of_the_cycle_declares_for_someone_else(vote_cycle, citizen, official, make_citizen):
    with pytest.raises(BudgetingError) as refused:
        declaration_record(
            actor=make_citizen(),
            citizen=citizen,
            cycle=vote_cycle,
            basis="resident",
            district=None,
            not_public_official=True,
        )
    assert refused.value.code == "forbidden"
    declaration = declaration_record(
        actor=official, citizen=citizen, cycle=vote_cycle, basis="resident", district=None, not_public_official=True
    )
    assert declaration.citizen_id == citizen.pk
    event = AuditEvent.objects.get(action="budgeting.eligibility.declare")
    assert event.actor_id == official.pk and event.summary["on_behalf"] is True
