"""The permission grid of the back office's moves on a poll: roles × states × actions.

Each cell is checked three ways: the predicate (`user.has_perm("voting.<perm>", poll)`, which says
who, whatever the state), the service (which checks the state: an allowed move changes the poll,
any other raises VotingError and changes nothing), and the poll's page in the admin (a button shows
exactly when the predicate allows the move and the poll is in a state the move starts from). The
expected tables are written out by hand, not computed from the predicates.

The policy votes belong to a division; "unit official" serves in it, "bureau official" in the
bureau above it (and so sees and runs its division's votes), "other official" in another bureau.
"""

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import AnonymousUser, Permission
from django.urls import reverse

from audit.models import AuditEvent
from citizens.backends import PASSWORD_BACKEND
from citizens.models import Citizen
from governance.models import OrgAssignment, OrgUnit
from voting.errors import VotingError
from voting.models import PolicyReflection, Poll
from voting.services import (
    poll_approve,
    poll_close_early,
    poll_hide,
    poll_publish,
    poll_reject,
    poll_unhide,
    reflection_record,
)
from voting.services.polls import poll_update_draft

from .admin.states import OPTIONS, STATES, PollStates

pytestmark = pytest.mark.django_db

Y, N = True, False
ROLES = [
    "anonymous",
    "citizen",
    "proposer",
    "staff_without_role",
    "other_official",
    "unit_official",
    "bureau_official",
    "screener",
    "moderator",
    "superuser",
]
PERMS = {
    "edit_draft": "voting.edit_poll_draft",
    "publish": "voting.publish_poll",
    "approve": "voting.approve_poll",
    "reject": "voting.reject_poll",
    "close_early": "voting.close_poll_early",
    "reflect": "voting.record_reflection",
    "hide": "voting.hide_poll",
    "unhide": "voting.unhide_poll",
}

# fmt: off
# user.has_perm(perm, poll)
#      states:              policy: draft sched open closed hidden  citizen: pending rejected open closed
POLICY_UNIT = (Y, Y, Y, Y, Y, N, N, N, N)
CITIZEN_POLLS = (N, N, N, N, N, Y, Y, Y, Y)
EVERY = (Y, Y, Y, Y, Y, Y, Y, Y, Y)
NONE = (N, N, N, N, N, N, N, N, N)

HAS_PERM = {
    "edit_draft": {
        "anonymous": NONE, "citizen": NONE, "proposer": NONE, "staff_without_role": NONE, "other_official": NONE,
        "unit_official": POLICY_UNIT, "bureau_official": POLICY_UNIT, "screener": NONE, "moderator": NONE,
        "superuser": EVERY,
    },
    "publish": {
        "anonymous": NONE, "citizen": NONE, "proposer": NONE, "staff_without_role": NONE, "other_official": NONE,
        "unit_official": POLICY_UNIT, "bureau_official": POLICY_UNIT, "screener": NONE, "moderator": NONE,
        "superuser": EVERY,
    },
    "approve": {
        "anonymous": NONE, "citizen": NONE, "proposer": NONE, "staff_without_role": NONE, "other_official": NONE,
        "unit_official": NONE, "bureau_official": NONE, "screener": CITIZEN_POLLS, "moderator": NONE,
        "superuser": EVERY,
    },
    "reject": {
        "anonymous": NONE, "citizen": NONE, "proposer": NONE, "staff_without_role": NONE, "other_official": NONE,
        "unit_official": NONE, "bureau_official": NONE, "screener": CITIZEN_POLLS, "moderator": NONE,
        "superuser": EVERY,
    },
    "close_early": {
        "anonymous": NONE, "citizen": NONE, "proposer": NONE, "staff_without_role": NONE, "other_official": NONE,
        "unit_official": POLICY_UNIT, "bureau_official": POLICY_UNIT, "screener": CITIZEN_POLLS, "moderator": NONE,
        "superuser": EVERY,
    },
    "reflect": {
        "anonymous": NONE, "citizen": NONE, "proposer": NONE, "staff_without_role": NONE, "other_official": NONE,
        "unit_official": POLICY_UNIT, "bureau_official": POLICY_UNIT, "screener": CITIZEN_POLLS, "moderator": NONE,
        "superuser": EVERY,
    },
    "hide": {
        "anonymous": NONE, "citizen": NONE, "proposer": NONE, "staff_without_role": NONE, "other_official": NONE,
        "unit_official": NONE, "bureau_official": NONE, "screener": NONE, "moderator": EVERY,
        "superuser": EVERY,
    },
    "unhide": {
        "anonymous": NONE, "citizen": NONE, "proposer": NONE, "staff_without_role": NONE, "other_official": NONE,
        "unit_official": NONE, "bureau_official": NONE, "screener": NONE, "moderator": EVERY,
        "superuser": EVERY,
    },
}

# The service succeeds (Y) or raises VotingError (N), whoever calls it: it checks the state.
#      states:         policy: draft sched open closed hidden  citizen: pending rejected open closed
SERVICE = {
    "edit_draft":  (Y, N, N, N, N, N, N, N, N),
    "publish":     (Y, N, N, N, N, N, N, N, N),
    "approve":     (N, N, N, N, N, Y, N, N, N),
    "reject":      (N, N, N, N, N, Y, N, N, N),
    "close_early": (N, Y, Y, N, Y, N, N, Y, N),
    "reflect":     (N, N, N, Y, N, N, N, N, Y),
    "hide":        (Y, Y, Y, Y, N, Y, Y, Y, Y),
    "unhide":      (N, N, N, N, Y, N, N, N, N),
}

# The poll's page offers the move (when the predicate allows it) in these states. Hiding is offered
# for published polls only: a draft or a poll awaiting screening is not public to begin with.
OFFERED = {
    "edit_draft":  (Y, N, N, N, N, N, N, N, N),
    "publish":     (Y, N, N, N, N, N, N, N, N),
    "approve":     (N, N, N, N, N, Y, N, N, N),
    "reject":      (N, N, N, N, N, Y, N, N, N),
    "close_early": (N, Y, Y, N, Y, N, N, Y, N),
    "reflect":     (N, N, N, Y, N, N, N, N, Y),
    "hide":        (N, Y, Y, Y, N, N, N, Y, Y),
    "unhide":      (N, N, N, N, Y, N, N, N, N),
}
# fmt: on

# The admin's URL name of each move (edit_draft is the page's own form: its save button).
MOVE_URLS = {
    "publish": "publish",
    "approve": "approve",
    "reject": "reject",
    "close_early": "close_early",
    "reflect": "reflect",
    "hide": "hide",
    "unhide": "unhide",
}


def _staff(make_citizen, unit=None, *perms, **fields):
    person = make_citizen(is_staff=True, **fields)
    if unit is not None:
        OrgAssignment.objects.create(unit=unit, official=person, started_on=date(2020, 1, 1))
    for codename in perms:
        person.user_permissions.add(Permission.objects.get(content_type__app_label="voting", codename=codename))
    return Citizen.objects.get(pk=person.pk)


@pytest.fixture
def division(unit):
    return OrgUnit.objects.create(
        code="smart-city-division", kind=OrgUnit.Kind.DIVISION, parent=unit, name_ko="스마트도시정책과",
        name_en="Smart City Policy Division",
    )


@pytest.fixture
def proposer(make_citizen):
    return make_citizen()


@pytest.fixture
def people(make_citizen, official, superuser, division, proposer):
    other_unit = OrgUnit.objects.create(code="transport", kind=OrgUnit.Kind.BUREAU, name_ko="교통실", name_en="Transport")
    return {
        "anonymous": AnonymousUser(),
        "citizen": make_citizen(),
        "proposer": proposer,
        "staff_without_role": _staff(make_citizen),
        "other_official": _staff(make_citizen, other_unit),
        "unit_official": _staff(make_citizen, division),
        "bureau_official": official,  # serves in `unit`, the division's bureau
        "screener": _staff(make_citizen, None, "screen_poll"),
        "moderator": _staff(make_citizen, None, "moderate_poll"),
        "superuser": superuser,
    }


@pytest.fixture
def poll_in(official, proposer, division, now):
    states = PollStates(official=official, proposer=proposer, unit=division, now=now)
    return states.make


def run(action, *, actor, poll, now):
    if action == "edit_draft":
        return poll_update_draft(
            actor=actor, poll=poll, title="고친 제목", options=OPTIONS, opens_at=poll.opens_at,
            closes_at=poll.closes_at, org_unit=poll.org_unit, now=now,
        )
    if action == "publish":
        return poll_publish(actor=actor, poll=poll, now=now)
    if action == "approve":
        return poll_approve(actor=actor, poll=poll, now=now)
    if action == "reject":
        return poll_reject(actor=actor, poll=poll, reason="광고입니다.", now=now)
    if action == "close_early":
        return poll_close_early(actor=actor, poll=poll, reason="행사가 취소되었습니다.", now=now)
    if action == "reflect":
        return reflection_record(actor=actor, poll=poll, outcome="reflected", note="예산에 반영했습니다.", now=now)
    if action == "hide":
        return poll_hide(actor=actor, poll=poll, reason="욕설이 포함되어 있습니다.", now=now)
    return poll_unhide(actor=actor, poll=poll)


def test_the_tables_cover_every_cell():
    for table in (HAS_PERM,):
        assert set(table) == set(PERMS)
        for rows in table.values():
            assert set(rows) == set(ROLES)
            assert all(len(row) == len(STATES) for row in rows.values())
    for table in (SERVICE, OFFERED):
        assert set(table) == set(PERMS)
        assert all(len(row) == len(STATES) for row in table.values())
    # The page never offers a move its service would refuse.
    for action, row in OFFERED.items():
        assert all(SERVICE[action][index] for index, offered in enumerate(row) if offered)


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", ROLES)
def test_has_perm(role, state, people, poll_in):
    poll = poll_in(state)
    user = people[role]
    got = {action: user.has_perm(perm, poll) for action, perm in PERMS.items()}
    expected = {action: HAS_PERM[action][role][STATES.index(state)] for action in PERMS}
    assert got == expected


@pytest.mark.parametrize("role", ROLES)
def test_who_may_start_a_policy_vote_and_open_the_back_office(role, people):
    user = people[role]
    starts = role in {"other_official", "unit_official", "bureau_official", "superuser"}
    opens = starts or role in {"screener", "moderator"}
    assert user.has_perm("voting.create_policy_poll") is starts
    assert user.has_perm("voting.open_back_office") is opens
    assert user.has_perm("voting.resolve_report") is (role in {"moderator", "superuser"})


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("action", sorted(PERMS))
def test_service(action, state, people, poll_in, now):
    poll = poll_in(state)
    before = Poll.objects.values().get(pk=poll.pk)
    events = AuditEvent.objects.count()
    if SERVICE[action][STATES.index(state)]:
        run(action, actor=people["superuser"], poll=poll, now=now)
        after = Poll.objects.values().get(pk=poll.pk)
        changed = after != before or PolicyReflection.objects.filter(poll=poll).exists()
        assert changed and AuditEvent.objects.count() == events + 1
    else:
        with pytest.raises(VotingError):
            run(action, actor=people["superuser"], poll=poll, now=now)
        assert Poll.objects.values().get(pk=poll.pk) == before
        assert not PolicyReflection.objects.filter(poll=poll).exists()
        assert AuditEvent.objects.count() == events


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", ROLES)
def test_the_page_offers_exactly_the_allowed_moves(client, role, state, people, poll_in):
    poll = poll_in(state)
    user = people[role]
    index = STATES.index(state)
    if role != "anonymous":
        client.force_login(user, backend=PASSWORD_BACKEND)
    response = client.get(reverse("admin:voting_poll_change", args=[poll.pk]))
    expected = {
        action for action in PERMS if HAS_PERM[action][role][index] and OFFERED[action][index]
    }
    if response.status_code != 200:
        assert expected == set()
        return
    content = response.content.decode()
    shown = {
        action
        for action, name in MOVE_URLS.items()
        if reverse(f"admin:voting_poll_{name}", args=[poll.pk]) in content
    }
    if 'name="_save"' in content:
        shown.add("edit_draft")
    assert shown == expected


def test_a_move_the_official_may_not_make_is_refused_with_403(client, people, poll_in, now):
    poll = poll_in("citizen_pending")
    client.force_login(people["moderator"], backend=PASSWORD_BACKEND)
    # The moderator sees no poll awaiting screening at all.
    assert client.post(reverse("admin:voting_poll_approve", args=[poll.pk])).status_code == 404
    open_poll = poll_in("citizen_open")
    # The moderator sees the open poll, but closing it is the screeners'.
    url = reverse("admin:voting_poll_close_early", args=[open_poll.pk])
    assert client.post(url, {"reason": "그냥"}).status_code == 403
    assert Poll.objects.get(pk=open_poll.pk).status == Poll.Status.OPEN
    assert open_poll.closes_at > now + timedelta(days=1)
