"""A committee member finds the review workspace from "My Seoul": a panel with the number of
items waiting for their review; other citizens see no such panel."""

import pytest
from django.urls import reverse

from .test_review_support import add_conflict, add_review, make_committee, make_item, make_membership, make_person

pytestmark = pytest.mark.django_db

PANEL_TITLE = "위원회 심의"


def test_a_member_sees_what_waits_for_them_and_the_way_in(client):
    committee = make_committee()
    member = make_membership(committee)
    colleague = make_membership(committee)
    make_item(committee, title="기다리는 안건")
    reviewed = make_item(committee, title="검토한 안건")
    add_review(reviewed, member)
    conflicted = make_item(committee, title="이해충돌 안건")
    add_conflict(conflicted, member)
    make_item(committee, state="closed")
    add_review(make_item(committee), colleague)  # a colleague's review leaves it waiting for me
    make_item(make_committee("participatory-budget-committee"))  # another committee's

    client.force_login(member.person)
    page = client.get(reverse("citizens:me")).content.decode()
    assert PANEL_TITLE in page
    assert "검토를 기다리는 안건이 2건 있습니다." in page
    assert f'href="{reverse("review:index")}"' in page


def test_nothing_waiting_is_said_so(client):
    member = make_membership(make_committee())
    client.force_login(member.person)
    page = client.get(reverse("citizens:me")).content.decode()
    assert "검토를 기다리는 안건이 없습니다." in page


@pytest.mark.parametrize("ended", [True, False])
def test_no_panel_for_a_citizen_who_does_not_serve(client, ended):
    committee = make_committee()
    make_item(committee)
    person = make_membership(committee, ended=True).person if ended else make_person()
    client.force_login(person)
    page = client.get(reverse("citizens:me")).content.decode()
    assert PANEL_TITLE not in page
    assert reverse("review:index") not in page


def test_the_panel_costs_the_same_whatever_waits(client, django_assert_num_queries, django_assert_max_num_queries):
    committee = make_committee()
    member = make_membership(committee)
    make_item(committee)
    client.force_login(member.person)
    client.get(reverse("citizens:me"))  # the session and caches warm
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("citizens:me"))
    for number in range(8):
        add_review(make_item(committee, title=f"안건 {number}"), make_membership(committee))
    with django_assert_num_queries(len(few.captured_queries)):
        page = client.get(reverse("citizens:me")).content.decode()
    assert "검토를 기다리는 안건이 9건 있습니다." in page
