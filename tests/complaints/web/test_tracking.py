"""The tracking page: the number with the phone's last four digits opens the complaint's page for
this session; a wrong number and wrong digits get one message; guesses are limited per IP."""

import pytest

from complaints.services.intake import Filer, Location, complaint_file

from .conftest import text, url

pytestmark = pytest.mark.django_db

GENERIC = "No complaint matches this tracking number and these digits."


@pytest.fixture
def private_complaint(file_complaint, answered):
    return answered(file_complaint(is_public=False, description="우리 집 앞 하수구가 막혔습니다."), text="청소했습니다.")


def track(client, number, last4, **extra):
    return client.post(url("track"), {"number": number, "last4": last4}, **extra)


def test_the_right_number_and_digits_open_the_complaint(client, private_complaint, citizen):
    assert client.get(url("detail", private_complaint.tracking_number)).status_code == 404
    response = track(client, private_complaint.tracking_number, citizen.phone_last4)
    assert response.status_code == 303 and response.url == url("detail", private_complaint.tracking_number)
    page = text(client.get(response.url))
    for shown in ("우리 집 앞 하수구가 막혔습니다.", "청소했습니다.", "Road Management Division", "Answer due by",
                  "Timeline", "Answered"):  # fmt: skip
        assert shown in page, shown
    # Personal data stays masked even for the filer's session.
    assert citizen.phone not in page and f"010-****-{citizen.phone_last4}" in page


@pytest.mark.parametrize("wrong", ["number", "digits", "both"])
def test_a_wrong_number_or_wrong_digits_get_the_same_message(client, private_complaint, citizen, wrong):
    number = "2020-0999999" if wrong in ("number", "both") else private_complaint.tracking_number
    last4 = "0000" if wrong in ("digits", "both") else citizen.phone_last4
    response = track(client, number, last4)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        GENERIC + " Check both against the message we sent you."
    ]
    assert client.get(url("detail", private_complaint.tracking_number)).status_code == 404


def test_a_complaint_filed_without_a_phone_cannot_be_tracked(client, pothole):
    anonymous = complaint_file(channel="open311", category=pothole, description="가로등 고장", filer=Filer(),
                               location=Location(address="세종대로 110"))
    assert GENERIC in text(track(client, anonymous.tracking_number, "0000"))


def test_typed_variants_of_the_number_are_understood(client, private_complaint, citizen):
    compact = private_complaint.tracking_number.replace("-", "")
    full_width = "".join(chr(ord(char) + 0xFEE0) if char.isdigit() else char for char in compact)
    assert track(client, f" {full_width} ", citizen.phone_last4).status_code == 303


@pytest.mark.parametrize(("number", "last4", "field"), [("abc", "1234", "number"), ("2026-0000001", "12", "last4"),
                                                          ("", "", "number"), ("2026-0000001", "12a4", "last4")])  # fmt: skip
def test_malformed_input_is_a_field_message(client, number, last4, field):
    response = track(client, number, last4)
    assert response.status_code == 200 and field in response.context["form"].errors


def test_wrong_guesses_are_limited_per_ip(client, private_complaint, citizen, settings):
    settings.COMPLAINTS_TRACK_GUESSES_PER_HOUR = 3
    for _ in range(3):
        assert track(client, private_complaint.tracking_number, "0000").status_code == 200
    response = track(client, private_complaint.tracking_number, citizen.phone_last4)
    assert response.status_code == 429
    assert "Too many tracking numbers" in text(response)
    assert client.get(url("detail", private_complaint.tracking_number)).status_code == 404
    # Another network is not affected.
    assert track(client, private_complaint.tracking_number, citizen.phone_last4, REMOTE_ADDR="10.9.8.7").status_code == 303


def test_right_answers_do_not_count_against_the_limit(client, private_complaint, citizen, settings):
    settings.COMPLAINTS_TRACK_GUESSES_PER_HOUR = 2
    for _ in range(4):
        assert track(client, private_complaint.tracking_number, citizen.phone_last4).status_code == 303


def test_the_notification_link_prefills_the_number(client, private_complaint):
    response = client.get(url("track", number=private_complaint.tracking_number))
    assert response.status_code == 200
    assert f'value="{private_complaint.tracking_number}"' in text(response)
