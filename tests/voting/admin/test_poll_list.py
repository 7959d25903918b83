"""The polls' list in the back office: who sees which polls, filters, the screeners' queue first,
the ballots so far from the counters, and a query count that does not grow with the polls."""

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from citizens.backends import PHONE_CODE_BACKEND
from voting.models import Ballot, Participation, Poll
from voting.services import ballot_cast

from .conftest import admin_login

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:voting_poll_changelist")


def titles(response):
    return [poll.title for poll in response.context["cl"].result_list]


@pytest.fixture
def every_state(states):
    return {
        state: states.make(state, title=state)
        for state in [
            "policy_draft", "policy_open", "policy_closed", "policy_hidden", "citizen_pending", "citizen_rejected",
            "citizen_open",
        ]
    }


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        # The division's bureau: every policy vote of the division, drafts included.
        ("official", ["policy_closed", "policy_draft", "policy_hidden", "policy_open"]),
        ("division_official", ["policy_closed", "policy_draft", "policy_hidden", "policy_open"]),
        ("other_official", []),
        ("screener", ["citizen_open", "citizen_pending", "citizen_rejected"]),
        ("moderator", ["citizen_open", "policy_closed", "policy_hidden", "policy_open"]),
        (
            "superuser",
            [
                "citizen_open", "citizen_pending", "citizen_rejected", "policy_closed", "policy_draft",
                "policy_hidden", "policy_open",
            ],
        ),
    ],
)
def test_each_official_sees_the_polls_of_their_role(client, every_state, role, expected, request):
    admin_login(client, request.getfixturevalue(role))
    response = client.get(CHANGELIST)
    assert response.status_code == 200
    assert sorted(titles(response)) == expected


def test_polls_awaiting_screening_come_first(client, states, screener):
    states.make("citizen_open", title="open")
    states.make("citizen_pending", title="pending")
    states.make("citizen_closed", title="closed")
    admin_login(client, screener)
    assert titles(client.get(CHANGELIST))[0] == "pending"


def test_the_list_filters_and_searches(client, states, superuser):
    states.make("policy_open", title="심야 버스 노선")
    states.make("citizen_open", title="동네 축제 메뉴", access="room")
    states.make("policy_hidden", title="가려진 투표")
    states.make("policy_open", title="순위 투표", question_type="ranked", max_choices=2)
    admin_login(client, superuser)
    assert titles(client.get(CHANGELIST, {"kind__exact": "citizen"})) == ["동네 축제 메뉴"]
    assert sorted(titles(client.get(CHANGELIST, {"status__exact": "open"}))) == sorted(
        ["심야 버스 노선", "동네 축제 메뉴", "가려진 투표", "순위 투표"]
    )
    assert titles(client.get(CHANGELIST, {"access__exact": "room"})) == ["동네 축제 메뉴"]
    assert titles(client.get(CHANGELIST, {"hidden": "yes"})) == ["가려진 투표"]
    assert len(titles(client.get(CHANGELIST, {"hidden": "no"}))) == 3
    assert titles(client.get(CHANGELIST, {"question_type__exact": "ranked"})) == ["순위 투표"]
    assert titles(client.get(CHANGELIST, {"q": "버스"})) == ["심야 버스 노선"]
    assert client.get(CHANGELIST, {"hidden": "maybe"}).status_code == 200


def test_the_ballots_column_reads_the_counters(client, states, superuser, make_citizen):
    poll = states.make("policy_open", title="counted")
    for _ in range(3):
        ballot_cast(citizen=make_citizen(), poll=poll, choices=["1"])
    admin_login(client, superuser)
    cl = client.get(CHANGELIST).context["cl"]
    [row] = [row for row in cl.result_list if row.title == "counted"]
    assert cl.model_admin.ballots(row) == 3


def test_ballots_and_participations_are_not_in_the_back_office():
    assert Ballot not in admin.site._registry
    assert Participation not in admin.site._registry
    assert Poll in admin.site._registry


def test_who_may_not_open_the_list(client, make_citizen, official):
    admin_login(client, make_citizen(is_staff=True))  # staff of no unit, no permission
    assert client.get(CHANGELIST).status_code == 403
    admin_login(client, make_citizen())
    assert client.get(CHANGELIST).status_code == 302
    client.logout()
    client.force_login(official, backend=PHONE_CODE_BACKEND)  # a code alone never opens the back office
    response = client.get(CHANGELIST)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_back_office_index_lists_polls_for_each_role(client, official, screener, moderator, make_citizen):
    for user in (official, screener, moderator):
        admin_login(client, user)
        assert CHANGELIST in client.get(reverse("admin:index")).content.decode()
    admin_login(client, make_citizen(is_staff=True))
    assert CHANGELIST not in client.get(reverse("admin:index")).content.decode()


def _count_queries(client, url, params=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("role", ["superuser", "official", "screener", "moderator"])
def test_the_list_costs_the_same_for_few_and_many_polls(client, states, make_citizen, role, request):
    def add(count):
        for number in range(count):
            poll = states.make(["policy_open", "citizen_open", "citizen_pending", "policy_draft"][number % 4])
            if poll.status == Poll.Status.OPEN:
                ballot_cast(citizen=make_citizen(), poll=poll, choices=["2"])

    admin_login(client, request.getfixturevalue(role))
    add(4)
    client.get(CHANGELIST)  # warm the session and the content types
    few = _count_queries(client, CHANGELIST)
    add(16)
    assert _count_queries(client, CHANGELIST) == few
