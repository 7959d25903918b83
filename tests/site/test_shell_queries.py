"""The home page issues a fixed number of queries, however much data there is."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db


def add_citizens(django_user_model, count, start):
    for number in range(start, start + count):
        django_user_model.objects.create_user(phone=f"+82105550{number:04d}")


@pytest.mark.parametrize("url", ["/", "/en/", "/privacy/"])
def test_anonymous_pages_do_not_query(client, django_assert_num_queries, django_user_model, url):
    add_citizens(django_user_model, 3, start=0)
    with django_assert_num_queries(0):
        client.get(url)
    add_citizens(django_user_model, 30, start=100)
    with django_assert_num_queries(0):
        client.get(url)


def test_signed_in_home_does_not_grow_with_data(client, citizen, django_user_model):
    client.force_login(citizen)
    client.get("/")  # warm the session cache
    add_citizens(django_user_model, 3, start=0)
    with CaptureQueriesContext(connection) as few:
        client.get("/")
    add_citizens(django_user_model, 30, start=100)
    with CaptureQueriesContext(connection) as many:
        client.get("/")
    assert len(many) == len(few)
    assert len(few) <= 2  # the session (on a cache miss) and the user
