"""GET requests, requests/<id> and tokens/<token>: public complaints only, no personal data, the
spec's fields and statuses, W3C date-times with the offset, the 90-day window, paging, and a fixed
number of queries whatever the page size."""

import re
from datetime import UTC, timedelta

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.translation import gettext as tr

from complaints.models import ComplaintPhoto
from complaints.services.handling import complaint_assign, complaint_mark_duplicate, complaint_reject
from complaints.services.intake import Filer

from .conftest import BASE, CITY_HALL_ADDRESS, errors_of, parse

pytestmark = pytest.mark.django_db

W3C_SEOUL = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+09:00$")
REQUEST_FIELDS = [
    "service_request_id", "status", "status_notes", "service_name", "service_code", "description",
    "agency_responsible", "service_notice", "requested_datetime", "updated_datetime", "expected_datetime",
    "address", "address_id", "zipcode", "lat", "long", "media_url",
]  # fmt: skip


def _photo(complaint, position=0):
    return ComplaintPhoto.objects.create(
        complaint=complaint, position=position, image=ContentFile(b"\xff\xd8\xff", name=f"p{position}.jpg")
    )


def test_a_public_complaint_as_json(client, public_complaint):
    complaint = public_complaint(address=CITY_HALL_ADDRESS)
    _photo(complaint)
    response = client.get(f"{BASE}requests.json")
    assert response.status_code == 200
    (item,) = parse(response)
    assert list(item) == REQUEST_FIELDS
    assert item["service_request_id"] == complaint.tracking_number
    assert isinstance(item["service_request_id"], str)
    assert item["status"] == "open"
    assert item["status_notes"] is None
    assert item["service_name"] == "도로 파손"
    assert item["service_code"] == "pothole"
    assert item["description"] == "보도블록이 깨져 있습니다."
    assert item["agency_responsible"] == "도로관리과"
    assert item["service_notice"] == "긴급한 위험은 119에 신고하세요."
    for name in ("requested_datetime", "updated_datetime", "expected_datetime"):
        assert W3C_SEOUL.match(item[name]), item[name]
    assert item["expected_datetime"] == timezone.localtime(complaint.due_at).isoformat(timespec="seconds")
    assert item["address"] == CITY_HALL_ADDRESS
    assert item["address_id"] is None and item["zipcode"] is None
    assert item["lat"] == pytest.approx(37.566535) and item["long"] == pytest.approx(126.977969)
    assert item["media_url"].startswith("http://testserver/")
    # Through the page that checks who may see a photo; a public complaint's is served.
    assert item["media_url"].endswith(f"/complaints/{complaint.tracking_number}/photos/0/")
    photo = client.get(item["media_url"].removeprefix("http://testserver"))
    assert photo.status_code == 200 and photo["Content-Type"] == "image/jpeg"


def test_a_public_complaint_as_xml(client, public_complaint):
    complaint = public_complaint()
    root = parse(client.get(f"{BASE}requests.xml"))
    assert root.tag == "service_requests"
    (request,) = root.findall("request")
    assert [child.tag for child in request] == REQUEST_FIELDS
    assert request.findtext("service_request_id") == complaint.tracking_number
    assert request.findtext("status") == "open"
    assert request.find("status_notes").text is None
    assert W3C_SEOUL.match(request.findtext("requested_datetime"))
    assert float(request.findtext("lat")) == pytest.approx(37.566535)
    assert request.find("media_url").text is None


def test_private_and_uncategorised_complaints_are_never_listed(client, file_complaint, public_complaint):
    from complaints.services.intake import complaint_file_for_triage

    shown = public_complaint()
    hidden = file_complaint(is_public=False)
    from notifications.services import contact_for_phone

    sms = complaint_file_for_triage(channel="sms", description="문자 민원",
                                    filer=Filer(contact=contact_for_phone("+821099998888", language="ko")))  # fmt: skip
    numbers = [item["service_request_id"] for item in parse(client.get(f"{BASE}requests.json"))]
    assert numbers == [shown.tracking_number]
    ids = f"{shown.tracking_number},{hidden.tracking_number},{sms.tracking_number}"
    numbers = [item["service_request_id"] for item in parse(client.get(f"{BASE}requests.json", {"service_request_id": ids}))]
    assert numbers == [shown.tracking_number]
    for fmt in ("json", "xml"):
        response = client.get(f"{BASE}requests/{hidden.tracking_number}.{fmt}")
        assert response.status_code == 404
        assert errors_of(response)[0][0] == "404"


def test_no_personal_data_in_any_response(client, public_complaint, guest, make_citizen):
    complaint = public_complaint(filer=Filer(contact=guest, name="홍길동"))
    filer_citizen = make_citizen(name="김철수", email="kim@example.org")
    other = public_complaint(filer=Filer(citizen=filer_citizen))
    bodies = [
        client.get(f"{BASE}requests.json").content,
        client.get(f"{BASE}requests.xml").content,
        client.get(f"{BASE}requests/{complaint.tracking_number}.json").content,
        client.get(f"{BASE}requests/{other.tracking_number}.xml").content,
        client.get(f"{BASE}tokens/{complaint.token}.json").content,
    ]
    for body in bodies:
        text = body.decode("utf-8")
        for secret in ("홍길동", "김철수", "kim@example.org", "5501234", "+8210", filer_citizen.phone[-7:]):
            assert secret not in text


def test_statuses_map_to_open_and_closed_with_notes(client, public_complaint, roads_official):
    open_one = public_complaint()
    assigned = complaint_assign(actor=roads_official, complaint=public_complaint())
    rejected = complaint_reject(actor=roads_official, complaint=public_complaint(), reason="사유지입니다.",
                                remedy="행정심판을 청구할 수 있습니다.")  # fmt: skip
    duplicate = complaint_mark_duplicate(actor=roads_official, complaint=public_complaint(), original=open_one)
    items = {item["service_request_id"]: item for item in parse(client.get(f"{BASE}requests.json"))}
    assert items[open_one.tracking_number]["status"] == "open"
    assert items[assigned.tracking_number]["status"] == "open"
    assert items[rejected.tracking_number]["status"] == "closed"
    # The reason is the filer's: the public hears only that it was not taken up.
    assert "사유지" not in items[rejected.tracking_number]["status_notes"]
    assert items[rejected.tracking_number]["status_notes"] == tr("Not taken up: the filer was told why and how to object.")
    assert items[duplicate.tracking_number]["status"] == "closed"
    assert open_one.tracking_number in items[duplicate.tracking_number]["status_notes"]

    closed = parse(client.get(f"{BASE}requests.json", {"status": "closed"}))
    assert {item["service_request_id"] for item in closed} == {rejected.tracking_number, duplicate.tracking_number}
    opened = parse(client.get(f"{BASE}requests.xml", {"status": "open"}))
    assert {node.findtext("service_request_id") for node in opened} == {open_one.tracking_number, assigned.tracking_number}
    both = parse(client.get(f"{BASE}requests.json", {"status": "open,closed"}))
    assert len(both) == 4


def test_filter_by_service_code(client, public_complaint, park_suggestion):
    pothole = public_complaint()
    park = public_complaint(category=park_suggestion, location=None)
    assert [i["service_request_id"] for i in parse(client.get(f"{BASE}requests.json", {"service_code": "park-idea"}))] == [
        park.tracking_number
    ]
    both = parse(client.get(f"{BASE}requests.json", {"service_code": "park-idea,pothole"}))
    assert {item["service_request_id"] for item in both} == {pothole.tracking_number, park.tracking_number}
    assert parse(client.get(f"{BASE}requests.json", {"service_code": "unknown"})) == []
    assert parse(client.get(f"{BASE}requests.json", {"service_code": ""})) != []  # empty = not sent


def test_the_date_window(client, public_complaint):
    now = timezone.now()
    old = public_complaint(now=now - timedelta(days=120))
    recent = public_complaint(now=now - timedelta(days=10))

    def numbers(**query):
        return [item["service_request_id"] for item in parse(client.get(f"{BASE}requests.json", query))]

    assert numbers() == [recent.tracking_number]  # the most recent 90 days by default
    start = timezone.localtime(now - timedelta(days=130)).strftime("%Y-%m-%dT%H:%M:%S+09:00")
    assert numbers(start_date=start) == [old.tracking_number]  # start + 90 days
    end_utc = (now - timedelta(days=100)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert numbers(end_date=end_utc) == [old.tracking_number]  # end − 90 days
    # The offset's "+" sent unencoded arrives as a space: still understood.
    response = client.get(f"{BASE}requests.json?start_date={start.replace('+', '%20')}")
    assert response.status_code == 200 and len(parse(response)) == 1
    day = timezone.localtime(now - timedelta(days=11)).strftime("%Y-%m-%d")
    assert numbers(start_date=day) == [recent.tracking_number]


@pytest.mark.parametrize(
    ("query", "mentions"),
    [
        ({"start_date": "yesterday"}, "start_date"),
        ({"end_date": "2026-13-01T00:00:00Z"}, "end_date"),
        ({"start_date": "2026-01-01T25:00:00Z"}, "start_date"),
        ({"start_date": "2026-01-01T00:00:00Z", "end_date": "2025-12-01T00:00:00Z"}, "start_date"),
        ({"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"}, "90"),
        ({"start_date": "9999-12-31"}, "range"),
        ({"status": "pending"}, "status"),
        ({"page": "0"}, "page"),
        ({"page": "two"}, "page"),
        ({"page_size": "5000"}, "page_size"),
        ({"page_size": "-1"}, "page_size"),
    ],
)
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_malformed_query_parameters_are_400_documents(client, db, query, mentions, fmt):
    response = client.get(f"{BASE}requests.{fmt}", {**query, "lang": "en"})
    assert response.status_code == 400
    ((code, description),) = errors_of(response)
    assert code == "400"
    assert mentions in description


def test_paging_newest_first_with_a_next_link(client, public_complaint):
    now = timezone.now()
    complaints = [public_complaint(now=now - timedelta(hours=hours)) for hours in range(5)]
    first = client.get(f"{BASE}requests.json", {"page_size": "2"})
    assert [item["service_request_id"] for item in parse(first)] == [c.tracking_number for c in complaints[:2]]
    assert 'rel="next"' in first["Link"] and "page=2" in first["Link"]
    third = client.get(f"{BASE}requests.json", {"page_size": "2", "page": "3"})
    assert [item["service_request_id"] for item in parse(third)] == [complaints[4].tracking_number]
    assert "Link" not in third
    assert parse(client.get(f"{BASE}requests.json", {"page_size": "2", "page": "9"})) == []


def test_without_paging_the_default_page_size_applies(client, public_complaint, monkeypatch):
    from complaints.open311 import parameters

    assert parameters.PAGE_SIZE_DEFAULT == 200
    monkeypatch.setattr(parameters, "PAGE_SIZE_DEFAULT", 2)
    for _index in range(3):
        public_complaint()
    response = client.get(f"{BASE}requests.json")
    assert len(parse(response)) == 2
    assert "page_size=2" in response["Link"]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_query_count_does_not_grow_with_the_page(client, public_complaint, park_suggestion, fmt):
    def add(count):
        for index in range(count):
            complaint = public_complaint(category=park_suggestion if index % 2 else None,
                                         location=None if index % 2 else (37.566535, 126.977969))  # fmt: skip
            if index % 3 == 0:
                _photo(complaint)
                _photo(complaint, 1)

    add(3)
    with CaptureQueriesContext(connection) as few:
        assert client.get(f"{BASE}requests.{fmt}").status_code == 200
    add(30)
    with CaptureQueriesContext(connection) as many:
        response = client.get(f"{BASE}requests.{fmt}")
    data = parse(response)
    assert len(data) == 33
    assert len(few) == len(many) == 2


def test_one_request_json_and_xml(client, public_complaint):
    complaint = public_complaint()
    data = parse(client.get(f"{BASE}requests/{complaint.tracking_number}.json"))
    assert isinstance(data, list) and len(data) == 1
    assert data[0]["service_request_id"] == complaint.tracking_number
    root = parse(client.get(f"{BASE}requests/{complaint.tracking_number}.xml"))
    assert root.tag == "service_requests"
    assert [node.findtext("service_request_id") for node in root.findall("request")] == [complaint.tracking_number]


def test_one_request_takes_two_queries(client, public_complaint, django_assert_num_queries):
    complaint = public_complaint()
    _photo(complaint)
    with django_assert_num_queries(2):
        client.get(f"{BASE}requests/{complaint.tracking_number}.json")


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_unknown_request_is_404(client, db, fmt):
    response = client.get(f"{BASE}requests/2026-9999999.{fmt}")
    assert response.status_code == 404
    assert errors_of(response)[0][0] == "404"


def test_token_gives_the_request_id(client, file_complaint):
    complaint = file_complaint(is_public=False)  # the token's holder filed it: private or not
    data = parse(client.get(f"{BASE}tokens/{complaint.token}.json"))
    assert data == [{"service_request_id": complaint.tracking_number, "token": str(complaint.token)}]
    root = parse(client.get(f"{BASE}tokens/{complaint.token}.xml"))
    assert root.tag == "service_requests"
    (request,) = root.findall("request")
    assert [child.tag for child in request] == ["service_request_id", "token"]
    assert request.findtext("service_request_id") == complaint.tracking_number


@pytest.mark.parametrize("token", ["not-a-token", "00000000-0000-0000-0000-000000000000"])
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_unknown_token_is_404(client, db, token, fmt):
    response = client.get(f"{BASE}tokens/{token}.{fmt}")
    assert response.status_code == 404
    assert errors_of(response)[0][0] == "404"


def test_reads_are_open_to_any_origin_and_set_no_cookie(client, public_complaint):
    public_complaint()
    response = client.get(f"{BASE}requests.json")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert not response.cookies


def test_control_characters_do_not_break_the_xml(client, public_complaint):
    from xml.etree import ElementTree

    public_complaint(description="가로등\x07이 꺼졌습니다.\x1b")
    root = ElementTree.fromstring(client.get(f"{BASE}requests.xml").content)
    assert root.find("request").findtext("description") == "가로등이 꺼졌습니다."
