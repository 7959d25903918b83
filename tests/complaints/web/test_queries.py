"""The pages issue the same number of queries with few and with many complaints (and events,
photos, followers): the list, the map's data, the tracking page and a complaint's page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from complaints.models import ComplaintEvent

from ..conftest import CITY_HALL
from .conftest import photo, url

pytestmark = pytest.mark.django_db


def count(request):
    with CaptureQueriesContext(connection) as queries:
        response = request()
    assert response.status_code < 400, response.status_code
    return len(queries)


@pytest.fixture
def grow(file_complaint, answered, participant):
    """Add public complaints (some answered, some with photos and followers) and events to `complaint`."""

    def more(number, complaint=None):
        for index in range(number):
            made = file_complaint(is_public=True, location=(CITY_HALL[0] + 0.0001 * index, CITY_HALL[1]),
                                  photos=[photo()] if index % 3 == 0 else ())  # fmt: skip
            if index % 2:
                answered(made)
        if complaint is not None:
            for index in range(number):
                ComplaintEvent.objects.create(complaint=complaint, kind=ComplaintEvent.Kind.NOTE, note=f"{index}",
                                              is_public=index % 2 == 0)  # fmt: skip

    return more


def test_the_list(client, file_complaint, grow):
    file_complaint(is_public=True)
    few = count(lambda: client.get(url("list", status="open")))
    grow(30)
    many = count(lambda: client.get(url("list", status="open")))
    assert many == few <= 6


def test_the_map_page_and_its_data(client, file_complaint, grow):
    file_complaint(is_public=True)
    few = (count(lambda: client.get(url("map"))), count(lambda: client.get(url("map_data", category="pothole"))))
    grow(30)
    many = (count(lambda: client.get(url("map"))), count(lambda: client.get(url("map_data", category="pothole"))))
    assert many == few and few[1] <= 4  # the category and its sub-categories, then the points


def test_the_tracking_page(client, file_complaint, citizen, grow):
    complaint = file_complaint()

    def track():
        return client.post(url("track"), {"number": complaint.tracking_number, "last4": citizen.phone_last4})

    track()  # the session exists from now on: later requests update it
    few = count(track), count(lambda: client.get(url("detail", complaint.tracking_number)))
    grow(20, complaint)
    many = count(track), count(lambda: client.get(url("detail", complaint.tracking_number)))
    assert many == few


def test_a_complaint_page_for_its_filer_and_for_the_public(client, sign_in, citizen, file_complaint, answered, grow):
    complaint = answered(file_complaint(is_public=True, photos=[photo()]))
    sign_in(citizen)
    filer_few = count(lambda: client.get(url("detail", complaint.tracking_number)))
    client.logout()
    public_few = count(lambda: client.get(url("detail", complaint.tracking_number)))
    grow(20, complaint)
    client.logout()
    public_many = count(lambda: client.get(url("detail", complaint.tracking_number)))
    sign_in(citizen)
    filer_many = count(lambda: client.get(url("detail", complaint.tracking_number)))
    assert (filer_many, public_many) == (filer_few, public_few)


def test_the_landing_page(client, sign_in, citizen, file_complaint, grow):
    file_complaint(is_public=True)
    sign_in(citizen)
    few = count(lambda: client.get(url("index")))
    grow(12)
    assert count(lambda: client.get(url("index"))) == few
