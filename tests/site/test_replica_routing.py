"""DATABASE_REPLICA_URL: with two database aliases, the public pages' reads go to the replica;
every write, every read inside a write, every unmarked page and a browser that has just written
read the primary. The "replica" alias here is a second connection to the test database (what a
streaming replica holds), so the rows are committed (transaction=True) for both to see them."""

import copy

import pytest
from django.conf import settings
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from citizens.models import Citizen
from complaints.models import Category
from seoul_portal.replica import PIN_COOKIE, REPLICA, PrimaryReplicaRouter, reads_from_replica

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, databases=["default", REPLICA])]


@pytest.fixture(scope="module", autouse=True)
def replica(django_db_setup):
    """A "replica" alias beside "default", as settings make one from DATABASE_REPLICA_URL: for
    this module only (module-scoped, so that it exists before each test's database set-up)."""
    primary = connections["default"].settings_dict
    settings.DATABASES[REPLICA] = copy.deepcopy(primary)  # connections read the same dict
    try:
        yield connections[REPLICA]
    finally:
        connection = connections[REPLICA]
        connection.close()
        if getattr(connection, "pool", None) is not None:
            connection.close_pool()
        del connections[REPLICA]
        del settings.DATABASES[REPLICA]


def queries_on(alias):
    return CaptureQueriesContext(connections[alias])


def test_a_public_page_reads_the_replica_and_nothing_from_the_primary(client, replica):
    with queries_on("default") as primary, queries_on(REPLICA) as on_replica:
        response = client.get(reverse("complaints:list"))
    assert response.status_code == 200
    assert on_replica.captured_queries, "the public list read nothing from the replica"
    assert not [q for q in primary.captured_queries if "complaints_" in q["sql"]]


def test_a_page_not_marked_reads_the_primary(client, replica):
    with queries_on("default") as primary, queries_on(REPLICA) as on_replica:
        response = client.get(reverse("voting:index"))
    assert response.status_code == 200
    assert on_replica.captured_queries == []
    assert primary.captured_queries


def test_a_post_to_a_marked_view_reads_and_writes_the_primary(client, replica):
    with queries_on(REPLICA) as on_replica:
        response = client.post("/open311/v2/requests.json", {"service_code": "nothing"})
    assert response.status_code in (400, 403)  # no API key: the spec's error document
    assert on_replica.captured_queries == []


def test_a_browser_that_has_just_written_reads_the_primary(client, replica):
    client.cookies[PIN_COOKIE] = "1"
    with queries_on(REPLICA) as on_replica:
        assert client.get(reverse("complaints:list")).status_code == 200
    assert on_replica.captured_queries == []


def test_a_write_pins_the_browser_to_the_primary(client, replica):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert int(response.cookies[PIN_COOKIE]["max-age"]) == settings.REPLICA_PIN_SECONDS
    assert response.cookies[PIN_COOKIE]["httponly"]


def test_reading_does_not_pin(client, replica):
    assert PIN_COOKIE not in client.get(reverse("complaints:list")).cookies


def test_reads_inside_a_transaction_and_every_write_go_to_the_primary(replica):
    router = PrimaryReplicaRouter()

    @reads_from_replica
    def view(request):
        outside = router.db_for_read(Category)
        with transaction.atomic():
            inside = router.db_for_read(Category)
        return outside, inside, router.db_for_write(Category)

    request = type("Request", (), {"method": "GET", "COOKIES": {}})()
    assert view(request) == (REPLICA, "default", "default")
    request.method = "POST"
    assert view(request)[0] == "default"
    assert router.db_for_read(Category) == "default"  # outside a marked view
    assert router.allow_migrate(REPLICA, "complaints") is False and router.allow_migrate("default", "complaints")


def test_an_object_read_on_the_replica_is_saved_on_the_primary(replica):
    citizen = Citizen.objects.create_user(phone="+821055550001")
    request = type("Request", (), {"method": "GET", "COOKIES": {}})()

    @reads_from_replica
    def view(request):
        return Citizen.objects.get(pk=citizen.pk)

    read = view(request)
    assert read._state.db == REPLICA
    read.name = "김서울"
    with queries_on("default") as primary, queries_on(REPLICA) as on_replica:
        read.save(update_fields=["name"])
    assert any(q["sql"].startswith("UPDATE") for q in primary.captured_queries)
    assert on_replica.captured_queries == []
    assert Citizen.objects.get(pk=citizen.pk).name == "김서울"


@pytest.mark.django_db(transaction=True, databases=["default"])
def test_without_a_replica_every_read_goes_to_the_primary(client, monkeypatch):
    monkeypatch.delitem(settings.DATABASES, REPLICA)

    @reads_from_replica
    def view(request):
        return PrimaryReplicaRouter().db_for_read(Category)

    assert view(type("Request", (), {"method": "GET", "COOKIES": {}})()) == "default"
    assert PIN_COOKIE not in client.post(reverse("set_language"), {"language": "en", "next": "/"}).cookies
