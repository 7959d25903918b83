"""The predicates of complaints/rules.py as a grid: roles × states × permissions, against a
truth table written out below. The complaint belongs to the roads division (a transferred one
waits at the parks division, which it was passed to); the filer is a signed-in citizen, or a guest
who proved the filing on the tracking page (guest_proof)."""

import pytest
import rules
from django.contrib.auth.models import AnonymousUser

from complaints.proofs import FilingProof
from complaints.services.handling import complaint_answer
from complaints.states import IllegalMove, Status
from governance.models import OrgAssignment

from .complaint_states import complaint_in_state

pytestmark = pytest.mark.django_db

STATES = [Status.RECEIVED, Status.ASSIGNED, Status.IN_PROGRESS, Status.TRANSFERRED, Status.ANSWERED,
          Status.REOPENED, Status.CLOSED, Status.REJECTED, Status.DUPLICATE]  # fmt: skip

# x: allowed, .: refused.   rec asg inp trf ans reo clo rej dup
TRUTH_TABLE = """
view_in_queue     anonymous      .   .   .   .   .   .   .   .   .
view_in_queue     filer          .   .   .   .   .   .   .   .   .
view_in_queue     other_citizen  .   .   .   .   .   .   .   .   .
view_in_queue     roads          x   x   x   .   x   x   x   x   x
view_in_queue     parks          .   .   .   x   .   .   .   .   .
view_in_queue     intake_desk    x   x   x   x   x   x   x   x   x
view_in_queue     coordinator    .   .   .   .   .   .   .   .   .
view_in_queue     superuser      x   x   x   x   x   x   x   x   x
view_in_queue     inactive       .   .   .   .   .   .   .   .   .
view_in_queue     guest_proof    .   .   .   .   .   .   .   .   .
view_in_queue     other_proof    .   .   .   .   .   .   .   .   .

assign            anonymous      .   .   .   .   .   .   .   .   .
assign            filer          .   .   .   .   .   .   .   .   .
assign            other_citizen  .   .   .   .   .   .   .   .   .
assign            roads          x   .   .   .   .   .   .   .   .
assign            parks          .   .   .   .   .   .   .   .   .
assign            intake_desk    x   .   .   .   .   .   .   .   .
assign            coordinator    .   .   .   .   .   .   .   .   .
assign            superuser      x   .   .   .   .   .   .   .   .
assign            inactive       .   .   .   .   .   .   .   .   .
assign            guest_proof    .   .   .   .   .   .   .   .   .
assign            other_proof    .   .   .   .   .   .   .   .   .

start             anonymous      .   .   .   .   .   .   .   .   .
start             filer          .   .   .   .   .   .   .   .   .
start             other_citizen  .   .   .   .   .   .   .   .   .
start             roads          .   x   .   .   .   x   .   .   .
start             parks          .   .   .   .   .   .   .   .   .
start             intake_desk    .   x   .   .   .   x   .   .   .
start             coordinator    .   .   .   .   .   .   .   .   .
start             superuser      .   x   .   .   .   x   .   .   .
start             inactive       .   .   .   .   .   .   .   .   .
start             guest_proof    .   .   .   .   .   .   .   .   .
start             other_proof    .   .   .   .   .   .   .   .   .

transfer          anonymous      .   .   .   .   .   .   .   .   .
transfer          filer          .   .   .   .   .   .   .   .   .
transfer          other_citizen  .   .   .   .   .   .   .   .   .
transfer          roads          x   x   x   .   .   x   .   .   .
transfer          parks          .   .   .   .   .   .   .   .   .
transfer          intake_desk    x   x   x   .   .   x   .   .   .
transfer          coordinator    .   .   .   .   .   .   .   .   .
transfer          superuser      x   x   x   .   .   x   .   .   .
transfer          inactive       .   .   .   .   .   .   .   .   .
transfer          guest_proof    .   .   .   .   .   .   .   .   .
transfer          other_proof    .   .   .   .   .   .   .   .   .

accept_transfer   anonymous      .   .   .   .   .   .   .   .   .
accept_transfer   filer          .   .   .   .   .   .   .   .   .
accept_transfer   other_citizen  .   .   .   .   .   .   .   .   .
accept_transfer   roads          .   .   .   .   .   .   .   .   .
accept_transfer   parks          .   .   .   x   .   .   .   .   .
accept_transfer   intake_desk    .   .   .   x   .   .   .   .   .
accept_transfer   coordinator    .   .   .   .   .   .   .   .   .
accept_transfer   superuser      .   .   .   x   .   .   .   .   .
accept_transfer   inactive       .   .   .   .   .   .   .   .   .
accept_transfer   guest_proof    .   .   .   .   .   .   .   .   .
accept_transfer   other_proof    .   .   .   .   .   .   .   .   .

dispute_transfer  anonymous      .   .   .   .   .   .   .   .   .
dispute_transfer  filer          .   .   .   .   .   .   .   .   .
dispute_transfer  other_citizen  .   .   .   .   .   .   .   .   .
dispute_transfer  roads          .   .   .   .   .   .   .   .   .
dispute_transfer  parks          .   .   .   x   .   .   .   .   .
dispute_transfer  intake_desk    .   .   .   .   .   .   .   .   .
dispute_transfer  coordinator    .   .   .   .   .   .   .   .   .
dispute_transfer  superuser      .   .   .   .   .   .   .   .   .
dispute_transfer  inactive       .   .   .   .   .   .   .   .   .
dispute_transfer  guest_proof    .   .   .   .   .   .   .   .   .
dispute_transfer  other_proof    .   .   .   .   .   .   .   .   .

coordinate        anonymous      .   .   .   .   .   .   .   .   .
coordinate        filer          .   .   .   .   .   .   .   .   .
coordinate        other_citizen  .   .   .   .   .   .   .   .   .
coordinate        roads          .   .   .   .   .   .   .   .   .
coordinate        parks          .   .   .   .   .   .   .   .   .
coordinate        intake_desk    .   .   .   .   .   .   .   .   .
coordinate        coordinator    .   .   .   x   .   .   .   .   .
coordinate        superuser      .   .   .   x   .   .   .   .   .
coordinate        inactive       .   .   .   .   .   .   .   .   .
coordinate        guest_proof    .   .   .   .   .   .   .   .   .
coordinate        other_proof    .   .   .   .   .   .   .   .   .

answer            anonymous      .   .   .   .   .   .   .   .   .
answer            filer          .   .   .   .   .   .   .   .   .
answer            other_citizen  .   .   .   .   .   .   .   .   .
answer            roads          x   x   x   .   .   x   .   .   .
answer            parks          .   .   .   .   .   .   .   .   .
answer            intake_desk    x   x   x   .   .   x   .   .   .
answer            coordinator    .   .   .   .   .   .   .   .   .
answer            superuser      x   x   x   .   .   x   .   .   .
answer            inactive       .   .   .   .   .   .   .   .   .
answer            guest_proof    .   .   .   .   .   .   .   .   .
answer            other_proof    .   .   .   .   .   .   .   .   .

reject            anonymous      .   .   .   .   .   .   .   .   .
reject            filer          .   .   .   .   .   .   .   .   .
reject            other_citizen  .   .   .   .   .   .   .   .   .
reject            roads          x   x   x   .   .   .   .   .   .
reject            parks          .   .   .   x   .   .   .   .   .
reject            intake_desk    x   x   x   x   .   .   .   .   .
reject            coordinator    .   .   .   .   .   .   .   .   .
reject            superuser      x   x   x   x   .   .   .   .   .
reject            inactive       .   .   .   .   .   .   .   .   .
reject            guest_proof    .   .   .   .   .   .   .   .   .
reject            other_proof    .   .   .   .   .   .   .   .   .

mark_duplicate    anonymous      .   .   .   .   .   .   .   .   .
mark_duplicate    filer          .   .   .   .   .   .   .   .   .
mark_duplicate    other_citizen  .   .   .   .   .   .   .   .   .
mark_duplicate    roads          x   x   x   .   .   .   .   .   .
mark_duplicate    parks          .   .   .   x   .   .   .   .   .
mark_duplicate    intake_desk    x   x   x   x   .   .   .   .   .
mark_duplicate    coordinator    .   .   .   .   .   .   .   .   .
mark_duplicate    superuser      x   x   x   x   .   .   .   .   .
mark_duplicate    inactive       .   .   .   .   .   .   .   .   .
mark_duplicate    guest_proof    .   .   .   .   .   .   .   .   .
mark_duplicate    other_proof    .   .   .   .   .   .   .   .   .

close             anonymous      .   .   .   .   .   .   .   .   .
close             filer          .   .   .   .   .   .   .   .   .
close             other_citizen  .   .   .   .   .   .   .   .   .
close             roads          .   .   .   .   x   .   .   .   .
close             parks          .   .   .   .   .   .   .   .   .
close             intake_desk    .   .   .   .   x   .   .   .   .
close             coordinator    .   .   .   .   .   .   .   .   .
close             superuser      .   .   .   .   x   .   .   .   .
close             inactive       .   .   .   .   .   .   .   .   .
close             guest_proof    .   .   .   .   .   .   .   .   .
close             other_proof    .   .   .   .   .   .   .   .   .

triage            anonymous      .   .   .   .   .   .   .   .   .
triage            filer          .   .   .   .   .   .   .   .   .
triage            other_citizen  .   .   .   .   .   .   .   .   .
triage            roads          .   .   .   .   .   .   .   .   .
triage            parks          .   .   .   .   .   .   .   .   .
triage            intake_desk    x   x   x   x   x   x   x   x   x
triage            coordinator    .   .   .   .   .   .   .   .   .
triage            superuser      x   x   x   x   x   x   x   x   x
triage            inactive       .   .   .   .   .   .   .   .   .
triage            guest_proof    .   .   .   .   .   .   .   .   .
triage            other_proof    .   .   .   .   .   .   .   .   .

file_for_caller   anonymous      .   .   .   .   .   .   .   .   .
file_for_caller   filer          .   .   .   .   .   .   .   .   .
file_for_caller   other_citizen  .   .   .   .   .   .   .   .   .
file_for_caller   roads          .   .   .   .   .   .   .   .   .
file_for_caller   parks          .   .   .   .   .   .   .   .   .
file_for_caller   intake_desk    x   x   x   x   x   x   x   x   x
file_for_caller   coordinator    .   .   .   .   .   .   .   .   .
file_for_caller   superuser      x   x   x   x   x   x   x   x   x
file_for_caller   inactive       .   .   .   .   .   .   .   .   .
file_for_caller   guest_proof    .   .   .   .   .   .   .   .   .
file_for_caller   other_proof    .   .   .   .   .   .   .   .   .

reopen            anonymous      .   .   .   .   .   .   .   .   .
reopen            filer          .   .   .   .   x   .   .   .   .
reopen            other_citizen  .   .   .   .   .   .   .   .   .
reopen            roads          .   .   .   .   .   .   .   .   .
reopen            parks          .   .   .   .   .   .   .   .   .
reopen            intake_desk    .   .   .   .   .   .   .   .   .
reopen            coordinator    .   .   .   .   .   .   .   .   .
reopen            superuser      .   .   .   .   .   .   .   .   .
reopen            inactive       .   .   .   .   .   .   .   .   .
reopen            guest_proof    .   .   .   .   x   .   .   .   .
reopen            other_proof    .   .   .   .   .   .   .   .   .

rate              anonymous      .   .   .   .   .   .   .   .   .
rate              filer          .   .   .   .   x   .   x   .   .
rate              other_citizen  .   .   .   .   .   .   .   .   .
rate              roads          .   .   .   .   .   .   .   .   .
rate              parks          .   .   .   .   .   .   .   .   .
rate              intake_desk    .   .   .   .   .   .   .   .   .
rate              coordinator    .   .   .   .   .   .   .   .   .
rate              superuser      .   .   .   .   .   .   .   .   .
rate              inactive       .   .   .   .   .   .   .   .   .
rate              guest_proof    .   .   .   .   x   .   x   .   .
rate              other_proof    .   .   .   .   .   .   .   .   .
"""


def parse_table(text):
    table = {}
    for line in text.strip().splitlines():
        if not line.strip():
            continue
        permission, role, *marks = line.split()
        assert len(marks) == len(STATES), line
        assert set(marks) <= {"x", "."}, line
        table[permission, role] = dict(zip(STATES, (mark == "x" for mark in marks), strict=True))
    return table


EXPECTED = parse_table(TRUTH_TABLE)
ROLES = ["anonymous", "filer", "other_citizen", "roads", "parks", "intake_desk", "coordinator", "superuser",
         "inactive", "guest_proof", "other_proof"]  # fmt: skip
PERMISSIONS = ["view_in_queue", "assign", "start", "transfer", "accept_transfer", "dispute_transfer", "coordinate",
               "answer", "reject", "mark_duplicate", "close", "triage", "file_for_caller", "reopen", "rate"]  # fmt: skip


def test_the_table_is_complete_and_every_permission_is_registered():
    assert set(EXPECTED) == {(permission, role) for permission in PERMISSIONS for role in ROLES}
    for permission in PERMISSIONS:
        assert rules.perm_exists(f"complaints.{permission}"), permission


@pytest.fixture
def people(citizen, make_citizen, roads_official, parks_official, intake_desk, coordinator, make_official, roads):
    return {
        "anonymous": AnonymousUser(),
        "filer": citizen,
        "other_citizen": make_citizen(),
        "roads": roads_official,
        "parks": parks_official,
        "intake_desk": intake_desk,
        "coordinator": coordinator,
        "superuser": make_citizen(is_staff=True, is_superuser=True),
        # A roads official who left (deactivated; the assignment still current on paper).
        "inactive": make_official(roads, is_active=False),
        # A visitor who proved on the tracking page that they filed the complaint (or another one).
        "guest_proof": lambda complaint: FilingProof(complaint.pk),
        "other_proof": lambda complaint: FilingProof(complaint.pk + 100_000),
    }


@pytest.fixture
def complaints_by_state(file_complaint, make_citizen, parks):
    other = make_citizen()
    return {
        state: complaint_in_state(state, file_complaint=file_complaint, transfer_to=parks, other_filer=other)
        for state in STATES
    }


@pytest.mark.parametrize("role", ROLES)
def test_the_rules_match_the_truth_table(role, people, complaints_by_state):
    def person_for(complaint):
        person = people[role]
        return person(complaint) if callable(person) else person

    wrong = [
        f"{permission} / {state}: expected {EXPECTED[permission, role][state]}"
        for permission in PERMISSIONS
        for state, complaint in complaints_by_state.items()
        if rules.has_perm(f"complaints.{permission}", person_for(complaint), complaint) != EXPECTED[permission, role][state]
    ]
    assert wrong == []


def test_an_ended_assignment_no_longer_gives_the_unit(roads_official, complaints_by_state):
    from datetime import date

    OrgAssignment.objects.filter(official=roads_official).update(ended_on=date(2025, 1, 1))
    assert not rules.has_perm("complaints.view_in_queue", roads_official, complaints_by_state[Status.RECEIVED])


def test_the_head_of_a_bureau_handles_its_divisions_complaints(make_official, roads, complaints_by_state):
    bureau_head = make_official(roads.parent, role=OrgAssignment.Role.HEAD)
    assert rules.has_perm("complaints.assign", bureau_head, complaints_by_state[Status.RECEIVED])


def test_the_services_keep_to_the_states_even_for_a_superuser(people, complaints_by_state):
    """Django lets a superuser pass every `user.has_perm`; the services ask the rules, which
    still hold the complaint to its state."""
    superuser, closed = people["superuser"], complaints_by_state[Status.CLOSED]
    assert superuser.has_perm("complaints.answer", closed)  # Django's shortcut
    with pytest.raises(IllegalMove):
        complaint_answer(actor=superuser, complaint=closed, answer="다시 답변합니다.")
