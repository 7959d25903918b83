"""Who sees which polls in the back office.

A superuser sees every poll. Otherwise an official sees the union of what their roles give:
- serving in a unit: the policy votes of that unit and of the units below it (governance's
  UnitScopedAdminMixin scope), drafts included;
- a screener (`voting.screen_poll`): every citizen poll, awaiting screening or not;
- a moderator (`voting.moderate_poll`): every published poll (upcoming, open or closed), to hide one.
Drafts of other units, and citizens' polls for those who do not screen them, are not shown.
"""

from django.db.models import Q

from ..models import Poll
from ..rules import can_open_back_office, is_moderator, is_screener, is_superuser, official_unit_ids

Status = Poll.Status
PUBLISHED = frozenset({Status.SCHEDULED, Status.OPEN, Status.CLOSED})


def _cached(request, name, compute):
    if not hasattr(request, name):
        setattr(request, name, compute(request.user))
    return getattr(request, name)


def request_may_open(request) -> bool:
    """Whether the signed-in user may open the M-Voting back office at all (asked on every page
    for the navigation too: computed once per request)."""
    return _cached(request, "_voting_may_open", can_open_back_office.test)


def request_is_superuser(request) -> bool:
    return _cached(request, "_voting_superuser", is_superuser.test)


def request_is_screener(request) -> bool:
    return _cached(request, "_voting_screener", is_screener.test)


def request_is_moderator(request) -> bool:
    return _cached(request, "_voting_moderator", is_moderator.test)


def request_unit_ids(request) -> frozenset[int]:
    return official_unit_ids(request.user)


def scope_polls(queryset, request):
    """The polls of `queryset` the signed-in official may see."""
    if request_is_superuser(request):
        return queryset
    visible = Q(pk__in=[])
    units = request_unit_ids(request)
    if units:
        visible |= Q(kind=Poll.Kind.POLICY, org_unit_id__in=sorted(units))
    if request_is_screener(request):
        visible |= Q(kind=Poll.Kind.CITIZEN)
    if request_is_moderator(request):
        visible |= Q(status__in=sorted(PUBLISHED))
    return queryset.filter(visible)


def poll_in_scope(request, poll) -> bool:
    """Whether `scope_polls` lets the official see this poll (no query beyond the cached roles)."""
    if request_is_superuser(request):
        return True
    if poll.kind == Poll.Kind.POLICY and poll.org_unit_id in request_unit_ids(request):
        return True
    if poll.kind == Poll.Kind.CITIZEN and request_is_screener(request):
        return True
    return poll.status in PUBLISHED and request_is_moderator(request)
