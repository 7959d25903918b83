"""The workspace pages issue the same number of queries whatever the number of items and reviews."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from .test_review_support import add_conflict, add_review, make_committee, make_item, make_membership

pytestmark = pytest.mark.django_db


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_list_page_is_constant(client):
    committee = make_committee()
    other = make_committee("participatory-budget-committee")
    me = make_membership(committee)
    make_membership(other, person=me.person)
    client.force_login(me.person)

    def grow(count):
        for index in range(count):
            item = make_item(committee if index % 2 else other, title=f"안건 {index}")
            add_review(item, make_membership(item.committee))
            if index % 3 == 0:
                add_review(item, me if item.committee == committee else me.person.committee_memberships.get(
                    committee=other))
            closed = make_item(committee, state="closed", title=f"지난 안건 {index}")
            add_review(closed, make_membership(committee))

    grow(2)
    small = count_queries(client, reverse("review:index"))
    grow(12)
    assert count_queries(client, reverse("review:index")) == small


@pytest.mark.parametrize("asks_score", [False, True])
def test_the_item_page_is_constant(client, asks_score):
    committee = make_committee()
    me = make_membership(committee)
    item = make_item(committee, asks_score=asks_score)
    add_review(item, me, score=50 if asks_score else None)
    client.force_login(me.person)
    url = reverse("review:item", args=[item.pk])

    def grow(count):
        for _ in range(count):
            add_review(item, make_membership(committee), score=70 if asks_score else None)
            add_conflict(item, make_membership(committee))

    grow(1)
    small = count_queries(client, url)
    grow(10)
    response = client.get(url)
    assert len(response.context["reviews"]) == 11
    assert count_queries(client, url) == small
