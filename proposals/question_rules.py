"""Who may do what in implementation tracking (lifecycle point 7) and in Seoul asks (point 8).

- A proposal's milestones are kept by an official serving today in its assigned unit, or a superuser
  (the same people who answered it).
- A question is asked, edited while a draft, published, closed and concluded by an official serving
  today in the question's unit, or a superuser. Creating one asks the same of the unit it is asked in.
- Citizens with a verified phone vote on an open yes/no question and give an opinion on an open
  discussion, once each. The predicates read the clock; the services check the same states again
  at the moment of the write (with the `now` they are given).

Imported by the services; the app's ready() imports it too so that the permissions exist early.
"""

import rules
from django.utils import timezone

from .models import Question
from .rules import current_assignments, is_official_of_assigned_unit, is_superuser


def serves_in_unit(user, unit_id) -> bool:
    """True when the user is active and holds a current assignment in the unit (not its parents)."""
    if not (user.is_authenticated and user.is_active) or unit_id is None:
        return False
    return current_assignments().filter(unit_id=unit_id, official_id=user.pk).exists()


@rules.predicate
def is_official_of_unit(user, unit):
    return unit is not None and serves_in_unit(user, unit.pk)


@rules.predicate
def is_official_of_question_unit(user, question):
    return question is not None and serves_in_unit(user, question.unit_id)


@rules.predicate
def is_verified_citizen(user):
    return bool(user.is_authenticated and user.is_active and user.phone_verified_at is not None)


@rules.predicate
def question_is_open(user, question):
    if question is None or question.status != Question.Status.OPEN:
        return False
    now = timezone.now()
    return question.opens_at <= now < question.closes_at


@rules.predicate
def question_takes_votes(user, question):
    return question is not None and question.kind == Question.Kind.YES_NO


@rules.predicate
def question_takes_opinions(user, question):
    return question is not None and question.kind == Question.Kind.DISCUSSION


can_update_implementation = is_superuser | is_official_of_assigned_unit
can_ask_in_unit = is_superuser | is_official_of_unit
can_manage_question = is_superuser | is_official_of_question_unit
can_vote_on_question = is_verified_citizen & question_takes_votes & question_is_open
can_opine_on_question = is_verified_citizen & question_takes_opinions & question_is_open

rules.add_perm("proposals.update_implementation", can_update_implementation)
rules.add_perm("proposals.ask_question", can_ask_in_unit)
rules.add_perm("proposals.manage_question", can_manage_question)
rules.add_perm("proposals.vote_question", can_vote_on_question)
rules.add_perm("proposals.opine_question", can_opine_on_question)
