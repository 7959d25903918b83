"""Who may do what in which phase: every permission asked of every role in every phase.

The expectations are written out as a table here (not derived from budgeting/rules.py), so that a
change of the predicates that changes who may act fails this test.
"""

import pytest
import rules
from django.contrib.auth.models import AnonymousUser

from budgeting.models import PHASE_ORDER, Project

from .conftest import shift_to_phase

PHASES = ["before", *PHASE_ORDER, "after"]
ROLES = ["anonymous", "unverified", "citizen", "proposer", "staff_elsewhere", "cycle_official",
         "department_official", "committee_member", "superuser"]

RUNS_CYCLE = {"cycle_official", "superuser"}
CHECKS = {"cycle_official", "department_official", "superuser"}
CITIZENS = {"citizen", "proposer", "committee_member"}  # a committee member is a citizen too

# permission → (roles allowed, phases in which they are)
EXPECTED = {
    "budgeting.propose_project": (CITIZENS, {"proposal"}),
    "budgeting.edit_project_draft": ({"proposer"}, {"proposal"}),
    "budgeting.withdraw_project": ({"proposer"}, {"proposal", "feasibility"}),
    "budgeting.check_feasibility": (CHECKS, {"feasibility"}),
    "budgeting.send_to_committee": (RUNS_CYCLE, {"deliberation"}),
    "budgeting.cast_ballot": (CITIZENS, {"vote"}),
    "budgeting.enter_paper_ballot": (RUNS_CYCLE, {"vote"}),
    "budgeting.edit_cycle_rules": (RUNS_CYCLE, {"before", "proposal", "feasibility", "deliberation"}),
    "budgeting.count_votes": (RUNS_CYCLE, {"assembly", "council", "implementation", "after"}),
    "budgeting.record_assembly": (RUNS_CYCLE, {"assembly"}),
    "budgeting.record_council": (RUNS_CYCLE, {"council"}),
    "budgeting.record_milestone": (CHECKS, {"implementation"}),
    "budgeting.follow_implementation": (RUNS_CYCLE | {"committee_member"}, set(PHASES)),
    "budgeting.write_implementation_note": (RUNS_CYCLE | {"committee_member"}, {"implementation"}),
    "budgeting.answer_implementation_note": (CHECKS, set(PHASES)),
}


@pytest.fixture
def people(make_citizen, official, department_official, superuser, committee, make_member, db):
    staff_elsewhere = make_citizen(is_staff=True)
    return {
        "anonymous": AnonymousUser(),
        "unverified": make_citizen(verified=False),
        "citizen": make_citizen(),
        "proposer": make_citizen(),
        "staff_elsewhere": staff_elsewhere,
        "cycle_official": official,
        "department_official": department_official,
        "committee_member": make_member(committee.subcommittees.get(slug="pb-welfare")),
        "superuser": superuser,
    }


def test_the_grid_of_roles_and_phases(make_cycle, people, department, city_pot):
    cycle = make_cycle("proposal")
    project = Project.objects.create(
        cycle=cycle, pot=city_pot(cycle), proposer=people["proposer"], title="마을 쉼터", estimated_cost=50_000_000,
        department=department,
    )
    mismatches = []
    for phase in PHASES:
        cycle = shift_to_phase(cycle, phase)
        project.cycle = cycle
        for permission, (roles, phases) in EXPECTED.items():
            for role in ROLES:
                # Fresh objects per question: the predicates keep the official's units on the user.
                allowed = rules.has_perm(permission, people[role], project)
                expected = role in roles and phase in phases
                if allowed != expected:
                    mismatches.append((permission, role, phase, allowed))
    assert mismatches == []


def test_an_imported_cycle_allows_no_write(make_cycle, people, city_pot):
    cycle = make_cycle("vote")
    cycle.is_simulation = True
    cycle.save()
    for permission in EXPECTED:
        if permission == "budgeting.follow_implementation":
            continue
        for role in ROLES:
            assert not rules.has_perm(permission, people[role], cycle), (permission, role)
