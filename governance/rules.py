"""Who may do what in the review workspace: predicates (the `rules` package) composed into
permissions. The object is always an AgendaItem, except for governance.access_workspace.

Decisions:
- Members serve "today": an ended membership, or a term that is over or not begun, gives nothing.
- A review is written and edited while the item is open and its deadline has not passed; after
  the deadline, or once closed, it stands as submitted. A conflict is declared under the same
  condition, and excludes the member for good (no review, not counted, no view of the others').
- Others' reviews are shown to a member who has submitted their own, or once the deadline has
  passed or the item is closed. The secretary is no exception: they read them on the same terms.
- The secretary (without a conflict on the item) closes it while it is open, at any time; so may
  an official who may change agenda items in the back office.

Code in governance tests these with `rules.has_perm(name, user, item)`, which, unlike
`user.has_perm`, does not let a superuser through everything.
"""

import rules
from django.utils import timezone

from .models import AgendaItem, Membership
from .selectors.reviews import active_memberships, member_standing


@rules.predicate
def is_committee_member(user):
    return bool(user.is_authenticated) and active_memberships().filter(person_id=user.pk).exists()


@rules.predicate
def is_active_member_of_item_committee(user, item):
    return member_standing(user, item).is_member


@rules.predicate
def is_secretary(user, item):
    return member_standing(user, item).role == Membership.Role.SECRETARY


@rules.predicate
def has_conflict(user, item):
    return member_standing(user, item).has_conflict


@rules.predicate
def has_reviewed(user, item):
    return member_standing(user, item).has_reviewed


@rules.predicate
def item_is_open(user, item):
    return item.status == AgendaItem.Status.OPEN


@rules.predicate
def deadline_passed(user, item):
    return item.review_deadline is not None and timezone.now() >= item.review_deadline


@rules.predicate
def is_governance_official(user):
    return bool(user.is_authenticated and user.is_active and user.is_staff) and user.has_perm(
        "governance.change_agendaitem"
    )


can_review = is_active_member_of_item_committee & ~has_conflict & item_is_open & ~deadline_passed

rules.add_perm("governance.access_workspace", is_committee_member)
rules.add_perm("governance.view_item", is_active_member_of_item_committee)
rules.add_perm("governance.review_item", can_review)
rules.add_perm("governance.declare_conflict", can_review)
rules.add_perm(
    "governance.view_reviews",
    is_active_member_of_item_committee & ~has_conflict & (has_reviewed | deadline_passed | ~item_is_open),
)
rules.add_perm("governance.close_item", item_is_open & ((is_secretary & ~has_conflict) | is_governance_official))
