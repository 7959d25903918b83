"""The intake desk's triage queue (SMS and email complaints waiting for a category, completed with
`complaint_complete_triage`) and the coordinators' queue of disputed transfers."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.translation import gettext as tr

from audit.models import AuditEvent
from complaints.models import Complaint
from complaints.services.handling import complaint_dispute_transfer, complaint_transfer
from complaints.services.intake import Filer, complaint_file_for_triage

from ..conftest import CITY_HALL, INCHEON
from .conftest import change_url, changelist_url, form_errors, move_url

pytestmark = pytest.mark.django_db

TRIAGE_URL = "/admin/complaints/complaint/triage/"
COORDINATION_URL = "/admin/complaints/complaint/coordination/"


@pytest.fixture
def by_sms(guest):
    def file(text="집 앞 도로가 움푹 파였어요"):
        return complaint_file_for_triage(channel="sms", description=text, filer=Filer(contact=guest))

    return file


def test_the_triage_queue_lists_uncategorised_complaints_oldest_first(login, intake_desk, by_sms, roads_complaint):
    first, second = by_sms("첫 번째"), by_sms("두 번째")
    response = login(intake_desk).get(TRIAGE_URL)

    assert response.status_code == 200
    assert [complaint.pk for complaint in response.context["page"].object_list] == [first.pk, second.pk]
    html = response.content.decode()
    assert change_url(first) in html and roads_complaint.tracking_number not in html
    assert "+821055501234" not in html


def test_the_changelist_links_the_queues_for_those_who_work_them(login, intake_desk, coordinator, roads_official, by_sms):
    by_sms()
    desk = login(intake_desk).get(changelist_url()).content.decode()
    assert TRIAGE_URL in desk and "/admin/complaints/complaint/file-for-caller/" in desk
    assert COORDINATION_URL in login(coordinator).get(changelist_url()).content.decode()
    official = login(roads_official).get(changelist_url()).content.decode()
    assert TRIAGE_URL not in official and COORDINATION_URL not in official and "file-for-caller" not in official


def test_only_the_intake_desk_opens_the_triage_queue(login, roads_official, coordinator):
    assert login(roads_official).get(TRIAGE_URL).status_code == 403
    assert login(coordinator).get(TRIAGE_URL).status_code == 403


def test_completing_the_triage_routes_the_complaint(login, intake_desk, by_sms, pothole, roads):
    complaint = by_sms()
    client = login(intake_desk)
    assert move_url(complaint, "triage") in {move["url"] for move in client.get(change_url(complaint)).context["complaint_moves"]}

    response = client.post(move_url(complaint, "triage"), {
        "category": pothole.pk, "title": "도로 파임", "address": "세종대로 110",
        "latitude": CITY_HALL[0], "longitude": CITY_HALL[1], "is_public": "on",
    })  # fmt: skip

    assert response.status_code == 302
    complaint = Complaint.objects.get(pk=complaint.pk)
    assert (complaint.category_id, complaint.unit_id, complaint.title, complaint.district_id) == (
        pothole.pk, roads.pk, "도로 파임", "11140"
    )
    assert complaint.due_at is not None and complaint.is_public
    assert AuditEvent.objects.filter(action="complaint.triage", actor_id=intake_desk.pk).exists()
    assert list(login(intake_desk).get(TRIAGE_URL).context["page"].object_list) == []


def test_triage_refuses_a_place_outside_seoul_and_changes_nothing(login, intake_desk, by_sms, pothole):
    complaint = by_sms()
    response = login(intake_desk).post(move_url(complaint, "triage"), {
        "category": pothole.pk, "latitude": INCHEON[0], "longitude": INCHEON[1],
    })  # fmt: skip
    assert response.status_code == 200
    assert tr("This location is outside Seoul. The Seoul Metropolitan Government can only take complaints about places in Seoul.") in " ".join(form_errors(response)["__all__"])
    assert Complaint.objects.get(pk=complaint.pk).category_id is None


def test_a_unit_official_cannot_triage(login, roads_official, by_sms, pothole):
    complaint = by_sms()
    # An uncategorised complaint has no unit: it is not in any unit's queue.
    assert login(roads_official).get(change_url(complaint)).status_code == 404
    assert login(roads_official).post(move_url(complaint, "triage"), {"category": pothole.pk}).status_code == 404


def test_a_categorised_complaint_is_not_triaged_again(login, intake_desk, roads_complaint, park_suggestion):
    response = login(intake_desk).get(move_url(roads_complaint, "triage"))
    assert response.status_code == 302
    response = login(intake_desk).post(move_url(roads_complaint, "triage"), {"category": park_suggestion.pk})
    assert response.status_code == 200 and form_errors(response)["__all__"]
    assert Complaint.objects.get(pk=roads_complaint.pk).category_id != park_suggestion.pk


@pytest.fixture
def disputed(roads_official, parks_official, roads_complaint, parks):
    complaint_transfer(actor=roads_official, complaint=roads_complaint, to_unit=parks, reason="공원 안의 길입니다.")
    complaint_dispute_transfer(actor=parks_official, complaint=roads_complaint, reason="도로관리과 소관입니다.")
    return roads_complaint


def test_the_coordination_queue_lists_disputed_transfers(login, coordinator, disputed):
    response = login(coordinator).get(COORDINATION_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert disputed.tracking_number in html and "도로관리과 소관입니다." in html and "공원 안의 길입니다." in html
    assert change_url(disputed) in html


def test_only_coordinators_open_the_coordination_queue(login, roads_official, parks_official, disputed):
    assert login(roads_official).get(COORDINATION_URL).status_code == 403
    assert login(parks_official).get(COORDINATION_URL).status_code == 403


def test_a_decided_transfer_leaves_the_coordination_queue(login, coordinator, disputed, roads):
    client = login(coordinator)
    client.post(move_url(disputed, "coordinate"), {"unit": roads.pk})
    assert list(client.get(COORDINATION_URL).context["page"].object_list) == []


def count_queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_queues_query_counts_do_not_grow_with_the_data(
    login, make_official, by_sms, file_complaint, roads_official, parks_official, parks
):
    desk = make_official(permissions=("triage_complaint", "coordinate_transfer"))
    client = login(desk)

    def dispute_one():
        complaint = file_complaint()
        complaint_transfer(actor=roads_official, complaint=complaint, to_unit=parks, reason="이관")
        complaint_dispute_transfer(actor=parks_official, complaint=complaint, reason="소관 아님")

    by_sms(), dispute_one()
    client.get(TRIAGE_URL)
    few = count_queries(client, TRIAGE_URL), count_queries(client, COORDINATION_URL)
    for _ in range(6):
        by_sms()
        dispute_one()
    many = count_queries(client, TRIAGE_URL), count_queries(client, COORDINATION_URL)
    assert few == many
