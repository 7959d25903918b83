"""The permission grid of the officials' moves: roles × states × actions.

Each cell is checked twice: the predicate (`user.has_perm("proposals.<perm>", proposal)`, which
says who, whatever the state) and the service (which also checks the state: an allowed cell moves
the proposal, any other raises ProposalError and changes nothing). The expected tables are
written out by hand, not computed from the predicates.

From under review on, a proposal is assigned to the official's unit; draft, open and closed
proposals have no unit yet.
"""

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import AnonymousUser, Permission

from governance.models import OrgAssignment
from proposals.errors import ProposalError
from proposals.models import Proposal, StageChange
from proposals.services import proposal_answer, proposal_assign, proposal_mayor_answer, proposal_promote

from .admin.states import put_in
from .conftest import PUBLISHED_AT

pytestmark = pytest.mark.django_db

S = Proposal.Status
Y, N = True, False

STATES = [S.DRAFT, S.OPEN, S.UNDER_REVIEW, S.ANSWERED, S.CLOSED_INSUFFICIENT, S.IN_DEBATE, S.AWAITING_MAYOR]
ROLES = [
    "anonymous",
    "citizen",
    "unverified_citizen",
    "staff_of_another_unit",
    "official_of_assigned_unit",
    "proposals_office",
    "superuser",
]
PERMS = {
    "answer": "proposals.answer_proposal",
    "assign": "proposals.assign_proposal",
    "promote": "proposals.promote_proposal",
    "record_mayor_answer": "proposals.record_mayor_answer",
}

# fmt: off
# user.has_perm(perm, proposal)
#                                 draft open review answered closed debate mayor
HAS_PERM = {
    "answer": {
        "anonymous":                 (N, N, N, N, N, N, N),
        "citizen":                   (N, N, N, N, N, N, N),
        "unverified_citizen":        (N, N, N, N, N, N, N),
        "staff_of_another_unit":     (N, N, N, N, N, N, N),
        "official_of_assigned_unit": (N, N, Y, Y, N, Y, Y),
        "proposals_office":          (N, N, N, N, N, N, N),
        "superuser":                 (Y, Y, Y, Y, Y, Y, Y),
    },
    "assign": {
        "anonymous":                 (N, N, N, N, N, N, N),
        "citizen":                   (N, N, N, N, N, N, N),
        "unverified_citizen":        (N, N, N, N, N, N, N),
        "staff_of_another_unit":     (N, N, N, N, N, N, N),
        "official_of_assigned_unit": (N, N, Y, Y, N, Y, Y),
        "proposals_office":          (Y, Y, Y, Y, Y, Y, Y),
        "superuser":                 (Y, Y, Y, Y, Y, Y, Y),
    },
    "promote": {
        "anonymous":                 (N, N, N, N, N, N, N),
        "citizen":                   (N, N, N, N, N, N, N),
        "unverified_citizen":        (N, N, N, N, N, N, N),
        "staff_of_another_unit":     (N, N, N, N, N, N, N),
        "official_of_assigned_unit": (N, N, N, N, N, N, N),
        "proposals_office":          (Y, Y, Y, Y, Y, Y, Y),
        "superuser":                 (Y, Y, Y, Y, Y, Y, Y),
    },
    "record_mayor_answer": {
        "anonymous":                 (N, N, N, N, N, N, N),
        "citizen":                   (N, N, N, N, N, N, N),
        "unverified_citizen":        (N, N, N, N, N, N, N),
        "staff_of_another_unit":     (N, N, N, N, N, N, N),
        "official_of_assigned_unit": (N, N, N, N, N, N, N),
        "proposals_office":          (Y, Y, Y, Y, Y, Y, Y),
        "superuser":                 (Y, Y, Y, Y, Y, Y, Y),
    },
}

# The service succeeds (Y) or raises ProposalError (N)
#                                 draft open review answered closed debate mayor
SERVICE = {
    "answer": {
        "anonymous":                 (N, N, N, N, N, N, N),
        "citizen":                   (N, N, N, N, N, N, N),
        "unverified_citizen":        (N, N, N, N, N, N, N),
        "staff_of_another_unit":     (N, N, N, N, N, N, N),
        "official_of_assigned_unit": (N, N, Y, N, N, N, N),
        "proposals_office":          (N, N, N, N, N, N, N),
        "superuser":                 (N, N, Y, N, N, N, N),
    },
    "assign": {
        "anonymous":                 (N, N, N, N, N, N, N),
        "citizen":                   (N, N, N, N, N, N, N),
        "unverified_citizen":        (N, N, N, N, N, N, N),
        "staff_of_another_unit":     (N, N, N, N, N, N, N),
        "official_of_assigned_unit": (N, N, Y, N, N, N, N),
        "proposals_office":          (N, N, Y, N, N, N, N),
        "superuser":                 (N, N, Y, N, N, N, N),
    },
    "promote": {
        "anonymous":                 (N, N, N, N, N, N, N),
        "citizen":                   (N, N, N, N, N, N, N),
        "unverified_citizen":        (N, N, N, N, N, N, N),
        "staff_of_another_unit":     (N, N, N, N, N, N, N),
        "official_of_assigned_unit": (N, N, N, N, N, N, N),
        "proposals_office":          (N, N, N, Y, Y, N, N),
        "superuser":                 (N, N, N, Y, Y, N, N),
    },
    "record_mayor_answer": {
        "anonymous":                 (N, N, N, N, N, N, N),
        "citizen":                   (N, N, N, N, N, N, N),
        "unverified_citizen":        (N, N, N, N, N, N, N),
        "staff_of_another_unit":     (N, N, N, N, N, N, N),
        "official_of_assigned_unit": (N, N, N, N, N, N, N),
        "proposals_office":          (N, N, N, N, N, N, Y),
        "superuser":                 (N, N, N, N, N, N, Y),
    },
}
# fmt: on

# Where an allowed move takes the proposal.
MOVES_TO = {
    "answer": S.ANSWERED,
    "assign": S.UNDER_REVIEW,
    "promote": S.IN_DEBATE,
    "record_mayor_answer": S.MAYOR_ANSWERED,
}
NOW = PUBLISHED_AT + timedelta(days=45)


@pytest.fixture
def people(make_citizen, official, superuser, other_unit):
    elsewhere = make_citizen(is_staff=True)
    OrgAssignment.objects.create(unit=other_unit, official=elsewhere, started_on=date(2020, 1, 1))
    office = make_citizen(is_staff=True)
    office.user_permissions.add(Permission.objects.get(content_type__app_label="proposals", codename="change_proposal"))
    return {
        "anonymous": AnonymousUser(),
        "citizen": make_citizen(),
        "unverified_citizen": make_citizen(verified=False),
        "staff_of_another_unit": elsewhere,
        "official_of_assigned_unit": official,
        "proposals_office": type(office).objects.get(pk=office.pk),
        "superuser": superuser,
    }


@pytest.fixture
def proposal_in(author, category, unit):
    def make(state):
        proposal = Proposal.objects.create(
            author=author, category=category, title="심야 버스 노선 확대", body="심야 버스를 늘려 주세요."
        )
        return put_in(proposal, state, unit)

    return make


def run(action, *, actor, proposal, other_unit):
    if action == "answer":
        return proposal_answer(actor=actor, proposal=proposal, answer_type="not_accepted", reason="예산 부족", now=NOW)
    if action == "assign":
        return proposal_assign(actor=actor, proposal=proposal, unit=other_unit, reason="교통실 소관", now=NOW)
    if action == "promote":
        return proposal_promote(actor=actor, proposal=proposal, reason="시민패널 우수제안", now=NOW)
    return proposal_mayor_answer(actor=actor, proposal=proposal, answer="추진하겠습니다.", now=NOW)


def test_the_tables_cover_every_cell():
    for table in (HAS_PERM, SERVICE):
        assert set(table) == set(PERMS)
        for rows in table.values():
            assert set(rows) == set(ROLES)
            assert all(len(row) == len(STATES) for row in rows.values())


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", sorted(PERMS))
def test_has_perm(action, role, state, people, proposal_in):
    proposal = proposal_in(state)
    expected = HAS_PERM[action][role][STATES.index(state)]
    assert people[role].has_perm(PERMS[action], proposal) is expected


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", sorted(PERMS))
def test_service(action, role, state, people, proposal_in, other_unit):
    proposal = proposal_in(state)
    before = Proposal.objects.values().get(pk=proposal.pk)
    if SERVICE[action][role][STATES.index(state)]:
        moved = run(action, actor=people[role], proposal=proposal, other_unit=other_unit)
        assert Proposal.objects.get(pk=proposal.pk).status == MOVES_TO[action] == moved.status
    else:
        with pytest.raises(ProposalError):
            run(action, actor=people[role], proposal=proposal, other_unit=other_unit)
        after = Proposal.objects.values().get(pk=proposal.pk)
        assert after == before
        assert not StageChange.objects.filter(proposal=proposal).exists()
