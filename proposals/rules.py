"""Who may do what on a proposal: predicates of the `rules` package.

- Answering and reassigning belong to an official serving today in the assigned unit, or a
  superuser. Reassigning an unassigned proposal needs the back-office permission to change
  proposals (the office that routes them).
- The citizen panel's promotion (우수제안) is done by officials acting for it: the same permission.
- The back office (the admin) shows an official the proposals of the units they serve in today;
  the proposals office (staff with the permission to change proposals) sees every published one.
  Drafts are the citizen's private work: only a superuser sees them.

The predicates say who; the services also check the state a proposal is in (see the permission
grid in tests/proposals/test_permissions_grid.py).
"""

import rules
from django.db.models import Q
from django.utils import timezone

from governance.models import OrgAssignment


def current_assignments(today=None):
    """The official–unit assignments in force today (started, not ended)."""
    today = today or timezone.localdate()
    return OrgAssignment.objects.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today), started_on__lte=today)


def current_unit_ids(user) -> frozenset[int]:
    """Ids of the units `user` serves in today (empty for anyone else)."""
    if not (user.is_authenticated and user.is_active):
        return frozenset()
    return frozenset(current_assignments().filter(official_id=user.pk).values_list("unit_id", flat=True))


@rules.predicate
def is_superuser(user):
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


@rules.predicate
def is_official_of_assigned_unit(user, proposal):
    if not (user.is_authenticated and user.is_active) or proposal is None or proposal.assigned_unit_id is None:
        return False
    return current_assignments().filter(unit_id=proposal.assigned_unit_id, official_id=user.pk).exists()


@rules.predicate
def is_proposals_office(user):
    return bool(user.is_authenticated and user.is_active and user.is_staff) and user.has_perm(
        "proposals.change_proposal"
    )


@rules.predicate
def is_serving_official(user):
    """Staff serving today in some unit: they may open the back office's list of proposals
    (which then shows only their units' proposals)."""
    return (
        bool(user.is_authenticated and user.is_active and user.is_staff)
        and current_assignments().filter(official_id=user.pk).exists()
    )


can_answer = is_superuser | is_official_of_assigned_unit
can_assign = is_superuser | is_official_of_assigned_unit | is_proposals_office
can_promote = is_superuser | is_proposals_office
can_open_back_office = is_superuser | is_proposals_office | is_serving_official

rules.add_perm("proposals.answer_proposal", can_answer)
rules.add_perm("proposals.assign_proposal", can_assign)
rules.add_perm("proposals.promote_proposal", can_promote)
rules.add_perm("proposals.record_mayor_answer", can_promote)
