"""Who may do what in the M-Voting back office: predicates of the `rules` package.

- A policy vote belongs to its responsible unit: officials serving today in that unit or in a unit
  above it (as governance's UnitScopedAdminMixin scopes records) write it while it is a draft,
  publish it, close it early and record its policy follow-up. Any serving official may start one
  (in the name of a unit they serve in).
- Citizens' polls are screened (approved or rejected) by the city's screeners: staff holding the
  permission `voting.screen_poll`. They also close a citizen poll early and record its follow-up.
- Moderators (staff holding `voting.moderate_poll`) hide and unhide polls and handle reports.
- A superuser may do everything.

The predicates say who; the services check the state the poll is in (see the permission grid in
tests/voting/test_permissions_grid.py). Django's model permissions `screen_poll` and
`moderate_poll` are asked of the ordinary backend; the rules registered here have other names, so
that holding one of those permissions never bypasses a predicate.
"""

import rules

from governance.selectors.org import visible_unit_ids

from .models import Poll

SCREEN_PERMISSION = "voting.screen_poll"
MODERATE_PERMISSION = "voting.moderate_poll"


def _active(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def official_unit_ids(user) -> frozenset[int]:
    """The units an official serves in today and those below them; kept on the user object for the
    rest of the request (the admin asks for every button)."""
    if not (_active(user) and user.is_staff):
        return frozenset()
    cached = getattr(user, "_voting_unit_ids", None)
    if cached is None:
        cached = user._voting_unit_ids = visible_unit_ids(user)
    return cached


@rules.predicate
def is_superuser(user):
    return _active(user) and bool(user.is_superuser)


@rules.predicate
def is_serving_official(user):
    """Staff serving today in some unit of the organisation."""
    return bool(official_unit_ids(user))


@rules.predicate
def is_screener(user):
    return _active(user) and bool(user.is_staff) and user.has_perm(SCREEN_PERMISSION)


@rules.predicate
def is_moderator(user):
    return _active(user) and bool(user.is_staff) and user.has_perm(MODERATE_PERMISSION)


@rules.predicate
def is_policy_poll(user, poll):
    return poll is not None and poll.kind == Poll.Kind.POLICY


@rules.predicate
def is_citizen_poll(user, poll):
    return poll is not None and poll.kind == Poll.Kind.CITIZEN


@rules.predicate
def is_official_of_poll_unit(user, poll):
    return poll is not None and poll.org_unit_id is not None and poll.org_unit_id in official_unit_ids(user)


can_create_policy_poll = is_superuser | is_serving_official
can_manage_policy_poll = is_superuser | (is_policy_poll & is_official_of_poll_unit)
can_screen_poll = is_superuser | (is_citizen_poll & is_screener)
can_run_poll = can_manage_policy_poll | (is_citizen_poll & is_screener)
can_moderate = is_superuser | is_moderator
can_open_back_office = is_superuser | is_serving_official | is_screener | is_moderator

# On a poll (the object), except create_policy_poll, resolve_report (a report) and open_back_office.
rules.add_perm("voting.open_back_office", can_open_back_office)
rules.add_perm("voting.create_policy_poll", can_create_policy_poll)
rules.add_perm("voting.edit_poll_draft", can_manage_policy_poll)
rules.add_perm("voting.publish_poll", can_manage_policy_poll)
rules.add_perm("voting.approve_poll", can_screen_poll)
rules.add_perm("voting.reject_poll", can_screen_poll)
rules.add_perm("voting.close_poll_early", can_run_poll)
rules.add_perm("voting.record_reflection", can_run_poll)
rules.add_perm("voting.hide_poll", can_moderate)
rules.add_perm("voting.unhide_poll", can_moderate)
rules.add_perm("voting.resolve_report", can_moderate)
