"""POST requests: one complaint on the open311 channel naming the app, the spec's answer, and for
every bad request the spec's error document with its status and nothing written."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from complaints.models import Channel, Complaint, Open311Key
from complaints.open311.keys import open311_key_revoke
from notifications.models import Contact, Notification

from .conftest import BASE, errors_of, parse

pytestmark = pytest.mark.django_db

CITY_HALL = {"lat": "37.566535", "long": "126.977969"}
INCHEON = {"lat": "37.456256", "long": "126.705206"}
STREETLIGHT = {"service_code": "streetlight", "attribute[pole]": "A-17", **CITY_HALL}


def _nothing_written():
    return not Complaint.objects.exists() and not Contact.objects.exists() and not Notification.objects.exists()


def _jpeg() -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (40, 30), "orange").save(buffer, "JPEG")
    return buffer.getvalue()


def test_post_creates_one_complaint_answered_in_json(open311_post, streetlight, api_key_row):
    response = open311_post(
        "json", STREETLIGHT, description="가로등이 꺼져 있습니다.\n밤에 어둡습니다.", phone="010-5550-1234",
        first_name="길동", last_name="홍", device_id="abc", account_id="u-1",
        address_string="서울특별시 중구 세종대로 110", jurisdiction_id="seoul.go.kr",
        media_url="http://127.0.0.1:9/never-fetched.jpg",
    )  # fmt: skip
    assert response.status_code == 200, response.content
    (answer,) = parse(response)
    complaint = Complaint.objects.get()
    assert list(answer) == ["service_request_id", "token", "service_notice", "account_id"]
    assert answer["service_request_id"] == complaint.tracking_number
    assert answer["token"] == str(complaint.token)
    assert answer["service_notice"] == "전선이 끊어졌으면 119에 신고하세요."
    assert answer["account_id"] is None
    assert complaint.channel == Channel.OPEN311
    assert complaint.open311_client == api_key_row
    assert complaint.category == streetlight
    assert complaint.description == "가로등이 꺼져 있습니다.\n밤에 어둡습니다."
    assert complaint.address == "서울특별시 중구 세종대로 110"
    assert complaint.district_id == "11140"
    assert complaint.answers == {"pole": "A-17"}
    assert complaint.contact_name == "길동 홍"
    assert complaint.contact.phone == "+821055501234"
    assert complaint.contact_preference == "sms"
    assert complaint.tracking_last4 == "1234"
    assert complaint.is_public is True
    assert Notification.objects.filter(kind="complaint_received", contact=complaint.contact, channel="sms").exists()
    api_key_row.refresh_from_db()
    assert api_key_row.last_used_at is not None


def test_post_answer_in_xml(open311_post, streetlight):
    response = open311_post("xml", STREETLIGHT, description="가로등 고장")
    assert response.status_code == 200
    root = parse(response)
    assert root.tag == "service_requests"
    (request,) = root.findall("request")
    assert [child.tag for child in request] == ["service_request_id", "token", "service_notice", "account_id"]
    assert request.findtext("service_request_id") == Complaint.objects.get().tracking_number
    assert request.find("account_id").text is None


def test_post_multipart_with_a_photo_and_every_kind_of_attribute(open311_post, streetlight):
    photo = SimpleUploadedFile("light.jpg", _jpeg(), content_type="image/jpeg")
    response = open311_post(
        "json",
        [*STREETLIGHT.items(), ("attribute[count]", "3"), ("attribute[state]", "blink"),
         ("attribute[when][]", "night"), ("attribute[when][]", "dawn"), ("description", "깜빡입니다."),
         ("media", photo)],
        multipart=True,
    )  # fmt: skip
    assert response.status_code == 200, response.content
    complaint = Complaint.objects.get()
    assert complaint.answers == {"pole": "A-17", "count": "3", "state": "blink", "when": ["night", "dawn"]}
    assert complaint.photos.count() == 1


def test_post_with_an_email_only_is_told_by_email(open311_post, streetlight):
    response = open311_post("json", STREETLIGHT, description="가로등", email="Citizen@Example.org")
    assert response.status_code == 200
    complaint = Complaint.objects.get()
    assert complaint.contact.email == "citizen@example.org"
    assert complaint.contact_preference == "email"
    assert Notification.objects.filter(contact=complaint.contact, channel="email").exists()


def test_post_without_contact_is_anonymous(open311_post, park_suggestion):
    response = open311_post("json", service_code="park-idea", description="벤치를 더 놓아 주세요.")
    assert response.status_code == 200
    complaint = Complaint.objects.get()
    assert complaint.contact is None and complaint.citizen is None
    assert complaint.contact_preference == "none"
    assert not complaint.has_location  # a suggestion needs no place
    assert not Notification.objects.exists()


def test_post_private_stays_off_the_public_list(open311_post, client, park_suggestion):
    response = open311_post("json", service_code="park-idea", description="제안입니다.", private="true")
    number = parse(response)[0]["service_request_id"]
    assert Complaint.objects.get().is_public is False
    assert client.get(f"{BASE}requests/{number}.json").status_code == 404
    assert parse(client.get(f"{BASE}requests.json")) == []


def test_post_in_english_notifies_in_english(open311_post, streetlight):
    response = open311_post("json", STREETLIGHT, description="The light is out.", phone="01055501234", locale="en")
    assert parse(response)[0]["service_notice"] == "Call 119 for a fallen cable."
    assert Complaint.objects.get().language == "en"


def test_post_with_the_key_in_the_query_string(client, api_key, park_suggestion):
    response = client.post(f"{BASE}requests.json?api_key={api_key}", "service_code=park-idea&description=ok",
                           content_type="application/x-www-form-urlencoded")  # fmt: skip
    assert response.status_code == 200


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("which", ["missing", "wrong", "revoked", "empty"])
def test_post_without_a_valid_key_is_403(open311_post, streetlight, api_key_row, fmt, which):
    key = {"missing": None, "wrong": "not-our-key", "empty": "", "revoked": "default"}[which]
    if which == "revoked":
        open311_key_revoke(actor=None, key=api_key_row)
    response = open311_post(fmt, STREETLIGHT, description="가로등", key=key)
    assert response.status_code == 403
    ((code, description),) = errors_of(response)
    assert code == "403" and description
    assert _nothing_written()


ERROR_CASES = [
    # (what is sent beyond the key, the status, a word the description has)
    ({"description": "가로등"}, 400, "service_code"),
    ({"service_code": "nope", "description": "가로등"}, 404, "service_code"),
    ({**STREETLIGHT, "description": "가로등", "jurisdiction_id": "busan.go.kr"}, 404, "jurisdiction_id"),
    ({**STREETLIGHT}, 400, "description"),
    ({**STREETLIGHT, "description": "가" * 4001}, 400, "4000"),
    ({**STREETLIGHT, "description": "<b>불</b>이 꺼졌어요"}, 400, "HTML"),
    ({**STREETLIGHT, "description": "가로등", "address_string": "가" * 201}, 400, "address_string"),
    ({**STREETLIGHT, "description": "&lt;script&gt;"}, 400, "HTML"),
    ({"service_code": "streetlight", "attribute[pole]": "A-17", "description": "가로등"}, 400, "location"),
    ({"service_code": "streetlight", "attribute[pole]": "A-17", "lat": "37.5", "description": "가로등"}, 400, "long"),
    ({"service_code": "streetlight", "attribute[pole]": "A-17", "lat": "north", "long": "east", "description": "x"},
     400, "lat/long"),
    ({"service_code": "streetlight", "attribute[pole]": "A-17", **INCHEON, "description": "가로등"}, 400, "Seoul"),
    ({"service_code": "streetlight", "attribute[pole]": "A-17", "address_id": "545483", "description": "가로등"},
     400, "address_id"),
    ({"service_code": "streetlight", **CITY_HALL, "description": "가로등"}, 400, "attribute[pole]"),
    ({**STREETLIGHT, "attribute[count]": "many", "description": "가로등"}, 400, "attribute[count]"),
    ({**STREETLIGHT, "attribute[state]": "exploded", "description": "가로등"}, 400, "attribute[state]"),
    ({**STREETLIGHT, "description": "가로등", "phone": "02-120"}, 400, "phone"),
    ({**STREETLIGHT, "description": "가로등", "email": "not-an-address"}, 400, "email"),
    ({**STREETLIGHT, "description": "가로등", "first_name": "<i>x</i>"}, 400, "first_name"),
    ({**STREETLIGHT, "description": "가로등", "first_name": "가" * 61}, 400, "first_name"),
    ({**STREETLIGHT, "description": "가로등", "private": "maybe"}, 400, "private"),
    ({**STREETLIGHT, "description": "가로\x00등"}, 400, "NUL"),
]  # fmt: skip


@pytest.mark.parametrize(("data", "status", "mentions"), ERROR_CASES)
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_bad_posts_get_the_spec_error_and_write_nothing(open311_post, streetlight, data, status, mentions, fmt):
    response = open311_post(fmt, data, lang="en")
    assert response.status_code == status, response.content
    ((code, description),) = errors_of(response)
    assert code == str(status)
    assert mentions in description
    assert _nothing_written()


def test_a_description_of_exactly_4000_characters_is_taken(open311_post, streetlight):
    assert open311_post("json", STREETLIGHT, description="가" * 4000).status_code == 200
    assert len(Complaint.objects.get().description) == 4000


def test_a_bad_photo_is_refused_and_nothing_written(open311_post, streetlight):
    fake = SimpleUploadedFile("light.jpg", b"<?php echo 1; ?>", content_type="image/jpeg")
    response = open311_post("json", [*STREETLIGHT.items(), ("description", "x"), ("media", fake)], multipart=True)
    assert response.status_code == 400
    assert errors_of(response)[0][1].startswith("media:")
    assert _nothing_written()


def test_a_json_body_is_refused_with_the_reason(client, api_key, streetlight):
    response = client.post(f"{BASE}requests.json", {"api_key": api_key, **STREETLIGHT}, content_type="application/json")
    assert response.status_code == 400
    assert "form-encoded" in errors_of(response)[0][1] or "application/x-www-form-urlencoded" in errors_of(response)[0][1]
    assert _nothing_written()


def test_an_oversized_body_is_413(client, api_key, streetlight):
    body = f"api_key={api_key}&description=" + "a" * (3 * 1024 * 1024)
    response = client.post(f"{BASE}requests.xml", body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413
    assert errors_of(response)[0][0] == "413"
    assert _nothing_written()


def test_a_declared_huge_body_is_refused_unread(client, streetlight):
    response = client.post(f"{BASE}requests.json", "x=1", content_type="application/x-www-form-urlencoded",
                           headers={"Content-Length": str(50 * 1024 * 1024)})  # fmt: skip
    assert response.status_code == 413


def test_a_broken_multipart_body_is_400(client, api_key, streetlight):
    body = f"api_key={api_key}&service_code=streetlight".encode()
    response = client.post(f"{BASE}requests.json", body, content_type="multipart/form-data")  # no boundary
    assert response.status_code == 400
    assert errors_of(response)[0][0] == "400"
    assert _nothing_written()


def test_posts_beyond_the_rate_limit_are_429(open311_post, park_suggestion, settings):
    settings.OPEN311_POSTS_PER_MINUTE = 2
    statuses = [open311_post("json", service_code="park-idea", description=f"제안 {n}").status_code for n in range(3)]
    assert statuses == [200, 200, 429]
    response = open311_post("xml", service_code="park-idea", description="또")
    assert response.status_code == 429
    assert errors_of(response)[0][0] == "429"
    assert 1 <= int(response["Retry-After"]) <= 60
    assert Complaint.objects.count() == 2


def test_the_rate_limit_is_per_key(open311_post, park_suggestion, settings):
    from complaints.open311.keys import open311_key_create

    settings.OPEN311_POSTS_PER_MINUTE = 1
    _row, other = open311_key_create(actor=None, name="Other app")
    assert open311_post("json", service_code="park-idea", description="하나").status_code == 200
    assert open311_post("json", service_code="park-idea", description="둘", key=other).status_code == 200
    assert open311_post("json", service_code="park-idea", description="셋").status_code == 429


def test_the_complaint_names_the_app_even_after_revocation(open311_post, park_suggestion, api_key_row):
    open311_post("json", service_code="park-idea", description="제안")
    open311_key_revoke(actor=None, key=api_key_row)
    assert Complaint.objects.get().open311_client_id == api_key_row.pk
    assert Open311Key.objects.get(pk=api_key_row.pk).revoked_at is not None
