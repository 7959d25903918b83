"""Who may do what on a proposal: predicates of the `rules` package.

- Answering and reassigning belong to an official serving today in the assigned unit, or a
  superuser. Reassigning an unassigned proposal needs the back-office permission to change
  proposals (the office that routes them).
- The citizen panel's promotion (우수제안) is done by officials acting for it: the same permission.
"""

import rules
from django.db.models import Q
from django.utils import timezone

from governance.models import OrgAssignment


@rules.predicate
def is_superuser(user):
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


@rules.predicate
def is_official_of_assigned_unit(user, proposal):
    if not (user.is_authenticated and user.is_active) or proposal is None or proposal.assigned_unit_id is None:
        return False
    today = timezone.localdate()
    return OrgAssignment.objects.filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=today),
        unit_id=proposal.assigned_unit_id,
        official_id=user.pk,
        started_on__lte=today,
    ).exists()


@rules.predicate
def is_proposals_office(user):
    return bool(user.is_authenticated and user.is_active and user.is_staff) and user.has_perm(
        "proposals.change_proposal"
    )


can_answer = is_superuser | is_official_of_assigned_unit
can_assign = is_superuser | is_official_of_assigned_unit | is_proposals_office
can_promote = is_superuser | is_proposals_office

rules.add_perm("proposals.answer_proposal", can_answer)
rules.add_perm("proposals.assign_proposal", can_assign)
rules.add_perm("proposals.promote_proposal", can_promote)
rules.add_perm("proposals.record_mayor_answer", can_promote)
