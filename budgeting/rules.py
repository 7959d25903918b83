"""Who may do what in participatory budgeting, and in which phase: predicates of the `rules`
package, tested as a grid of roles × phases (tests/budgeting/test_permissions_grid.py).

Roles:
- a citizen: signed in with a verified phone (officials are never citizens here: the ordinance
  excludes public officials, and staff accounts are officials);
- the proposer of a project;
- the cycle's officials: staff serving today in the cycle's responsible unit or a unit above it
  (they run the cycle: rules, committee agenda, paper ballots, the count, the assembly and the
  council, milestones);
- a project's department: staff serving in the unit recorded as responsible for the project
  (the feasibility check, milestones), or the cycle's officials;
- committee members: serving today on the cycle's committee or one of its subcommittees (they
  score in governance's review workspace and follow implementation);
- a superuser may do everything an official may.

The object is a Cycle or a Project (its cycle decides the phase). The phase is the one running
now (`Cycle.phase_at`); between phases nothing that needs a phase is allowed. The services check
the same predicates and, besides, the state the record is in.
"""

import rules
from django.utils import timezone

from governance.models import Membership
from governance.selectors.org import visible_unit_ids

from .models import Cycle, PhaseKind, Project


def _active(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def official_unit_ids(user) -> frozenset[int]:
    """The units an official serves in today and those below them, kept on the user for the request."""
    if not (_active(user) and user.is_staff):
        return frozenset()
    cached = getattr(user, "_budgeting_unit_ids", None)
    if cached is None:
        cached = user._budgeting_unit_ids = visible_unit_ids(user)
    return cached


def cycle_of(obj) -> Cycle | None:
    if isinstance(obj, Project):
        return obj.cycle
    return obj if isinstance(obj, Cycle) else None


def phase_kind(obj, now=None) -> str:
    """The kind of the phase running now in the object's cycle ("" between phases)."""
    cycle = cycle_of(obj)
    if cycle is None:
        return ""
    phase = cycle.phase_at(now)
    return phase.kind if phase else ""


def in_phase(*kinds):
    name = "in_" + "_or_".join(kinds)

    @rules.predicate(name=name)
    def predicate(user, obj):
        return phase_kind(obj) in kinds

    return predicate


@rules.predicate
def is_superuser(user):
    return _active(user) and bool(user.is_superuser)


@rules.predicate
def is_citizen(user):
    """Signed in with a verified phone, and not an official."""
    return _active(user) and not user.is_staff and getattr(user, "phone_verified_at", None) is not None


@rules.predicate
def is_proposer(user, project):
    return _active(user) and isinstance(project, Project) and project.proposer_id == user.pk


@rules.predicate
def is_cycle_official(user, obj):
    cycle = cycle_of(obj)
    return cycle is not None and cycle.org_unit_id is not None and cycle.org_unit_id in official_unit_ids(user)


@rules.predicate
def is_project_department(user, project):
    return (
        isinstance(project, Project)
        and project.department_id is not None
        and project.department_id in official_unit_ids(user)
    )


@rules.predicate
def is_committee_member(user, obj):
    cycle = cycle_of(obj)
    if cycle is None or cycle.committee_id is None or not _active(user):
        return False
    today = timezone.localdate()
    return Membership.objects.filter(
        person_id=user.pk, status=Membership.Status.ACTIVE, term_start__lte=today, term_end__gte=today,
        committee__in=[cycle.committee_id, *cycle.committee.subcommittees.values_list("pk", flat=True)],
    ).exists()


@rules.predicate
def is_simulation(user, obj):
    cycle = cycle_of(obj)
    return cycle is not None and cycle.is_simulation


@rules.predicate
def rules_frozen(user, obj):
    cycle = cycle_of(obj)
    return cycle is not None and cycle.rules_frozen()


@rules.predicate
def vote_is_over(user, obj):
    cycle = cycle_of(obj)
    vote = cycle.vote_phase() if cycle is not None else None
    return vote is not None and vote.ends_at <= timezone.now()


@rules.predicate
def council_approved(user, obj):
    """The council approved the cycle's budget (as confirmed or with amendments)."""
    cycle = cycle_of(obj)
    return cycle is not None and cycle.council_decision in (
        Cycle.CouncilDecision.APPROVED, Cycle.CouncilDecision.AMENDED
    )


runs_cycle = is_superuser | is_cycle_official
checks_feasibility = runs_cycle | is_project_department
real_cycle = ~is_simulation

can_propose = real_cycle & is_citizen & in_phase(PhaseKind.PROPOSAL)
can_edit_draft = real_cycle & is_proposer & in_phase(PhaseKind.PROPOSAL)
can_withdraw = real_cycle & is_proposer & in_phase(PhaseKind.PROPOSAL, PhaseKind.FEASIBILITY)
can_check_feasibility = real_cycle & checks_feasibility & in_phase(PhaseKind.FEASIBILITY)
can_send_to_committee = real_cycle & runs_cycle & in_phase(PhaseKind.DELIBERATION)
can_vote = real_cycle & is_citizen & in_phase(PhaseKind.VOTE)
can_enter_paper_ballot = real_cycle & runs_cycle & in_phase(PhaseKind.VOTE)
can_edit_rules = real_cycle & runs_cycle & ~rules_frozen
can_count = real_cycle & runs_cycle & vote_is_over
can_record_assembly = real_cycle & runs_cycle & in_phase(PhaseKind.ASSEMBLY)
can_record_council = real_cycle & runs_cycle & in_phase(PhaseKind.COUNCIL)
can_record_milestone = real_cycle & checks_feasibility & in_phase(PhaseKind.IMPLEMENTATION)
can_follow_implementation = runs_cycle | is_committee_member
# Monitoring notes: from the council's approval on (the implementation may start before its phase),
# or during the implementation phase; the city answers them whenever they come.
can_write_implementation_note = (
    real_cycle & (council_approved | in_phase(PhaseKind.IMPLEMENTATION)) & (runs_cycle | is_committee_member)
)
can_answer_implementation_note = real_cycle & (runs_cycle | is_project_department)

rules.add_perm("budgeting.propose_project", can_propose)
rules.add_perm("budgeting.edit_project_draft", can_edit_draft)
rules.add_perm("budgeting.withdraw_project", can_withdraw)
rules.add_perm("budgeting.check_feasibility", can_check_feasibility)
rules.add_perm("budgeting.send_to_committee", can_send_to_committee)
rules.add_perm("budgeting.cast_ballot", can_vote)
rules.add_perm("budgeting.enter_paper_ballot", can_enter_paper_ballot)
rules.add_perm("budgeting.edit_cycle_rules", can_edit_rules)
rules.add_perm("budgeting.count_votes", can_count)
rules.add_perm("budgeting.record_assembly", can_record_assembly)
rules.add_perm("budgeting.record_council", can_record_council)
rules.add_perm("budgeting.record_milestone", can_record_milestone)
rules.add_perm("budgeting.follow_implementation", can_follow_implementation)
rules.add_perm("budgeting.write_implementation_note", can_write_implementation_note)
rules.add_perm("budgeting.answer_implementation_note", can_answer_implementation_note)
