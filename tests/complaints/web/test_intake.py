"""The intake form: a signed-in citizen and a guest with an SMS code file complaints; every bad
input comes back as a message on its field, and nothing is written."""

from datetime import timedelta

import pytest
from django.utils import timezone
from freezegun import freeze_time
from PIL import Image

from complaints.models import Complaint, ComplaintEvent, ComplaintPhoto, Follower, TrackingCounter
from notifications.models import Contact, Notification

from ..conftest import INCHEON
from .conftest import GUEST_E164, GUEST_PHONE, HTMX, form_data, image_bytes, photo, text, url

pytestmark = pytest.mark.django_db


def nothing_written():
    return (
        Complaint.objects.count() == 0
        and ComplaintPhoto.objects.count() == 0
        and ComplaintEvent.objects.count() == 0
        and Follower.objects.count() == 0
        and not TrackingCounter.objects.filter(last__gt=0).exists()
        and not Notification.objects.filter(kind="complaint_received").exists()
    )


# --- The page -----------------------------------------------------------------------------------


def test_the_form_offers_categories_grouped_by_parent_and_a_guest_the_phone_fields(client, pothole, streetlight):
    response = client.get(url("new"))
    assert response.status_code == 200
    page = text(response)
    assert '<optgroup label="Roads">' in page and '<option value="streetlight"' in page
    assert 'name="phone"' in page and 'name="code"' in page
    assert 'name="latitude"' in page and 'name="longitude"' in page and "multiple" in page
    # The headings of sub-categories cannot be chosen themselves.
    assert '<option value="roads"' not in page


def test_a_chosen_category_shows_its_notice_and_questions(client, streetlight):
    page = text(client.get(url("new", category="streetlight")))
    assert "Do not touch exposed wires." in page
    assert 'name="answer_state"' in page and "It flickers" in page and 'name="answer_pole"' in page


def test_a_signed_in_citizen_sees_no_phone_fields_and_may_choose_email(client, sign_in, citizen, pothole):
    page = text(sign_in(citizen).get(url("new")))
    assert 'name="phone"' not in page and 'name="code"' not in page
    assert 'value="email"' in page


def test_a_citizen_who_has_not_finished_onboarding_is_sent_there_first(client, sign_in, make_citizen, pothole):
    response = sign_in(make_citizen()).get(url("new"))
    assert response.status_code == 302 and "/consent/" in response.url and "next=" in response.url


# --- Filing ---------------------------------------------------------------------------------------


def test_a_citizen_files_a_complaint(client, sign_in, citizen, streetlight):
    sign_in(citizen)
    data = form_data(streetlight, answer_state="off", answer_pole="1234")
    response = client.post(url("new"), data)
    assert response.status_code == 303
    complaint = Complaint.objects.get()
    assert response.url == url("filed", complaint.tracking_number)
    assert complaint.citizen == citizen and complaint.contact is None
    assert complaint.channel == "web" and complaint.category == streetlight
    assert complaint.is_public and complaint.district_id == "11140"
    assert complaint.answers == {"state": "off", "pole": "1234"}
    assert complaint.language == "en"
    assert Follower.objects.filter(complaint=complaint, citizen=citizen).exists()
    page = text(client.get(response.url))
    assert complaint.tracking_number in page and "Your complaint has been received" in page


def test_a_phone_browser_files_through_the_mobile_channel(client, sign_in, citizen, pothole):
    sign_in(citizen)
    client.post(url("new"), form_data(pothole), HTTP_USER_AGENT="Mozilla/5.0 (iPhone) Mobile/15E148 Mobi")
    assert Complaint.objects.get().channel == "mobile"


def test_a_private_complaint_without_a_place_for_a_category_that_needs_none(client, sign_in, citizen, park_suggestion):
    sign_in(citizen)
    data = form_data(park_suggestion, latitude="", longitude="", address="", visibility="private")
    assert client.post(url("new"), data).status_code == 303
    complaint = Complaint.objects.get()
    assert not complaint.is_public and complaint.latitude is None and complaint.district_id is None


def test_a_guest_files_with_a_verified_phone(client, send_code, last_code, pothole):
    response = send_code()
    assert response.status_code == 200 and "We sent a 6-digit code to 010-****-1234" in text(response)
    data = form_data(pothole, phone=GUEST_PHONE, code=last_code(), contact_preference="sms")
    response = client.post(url("new"), data)
    assert response.status_code == 303
    complaint = Complaint.objects.get()
    contact = Contact.objects.get(phone_index=complaint.contact.phone_index)
    assert complaint.citizen is None and contact.phone == GUEST_E164
    assert complaint.tracking_last4 == "1234"
    assert Notification.objects.filter(kind="complaint_received", contact=contact).exists()
    # The guest's session may see what it filed.
    assert client.get(response.url).status_code == 200
    assert client.get(url("detail", complaint.tracking_number)).status_code == 200


def test_a_wrong_code_is_a_message_on_the_code_and_nothing_is_written(client, send_code, last_code, pothole):
    send_code()
    wrong = "000000" if last_code() != "000000" else "111111"
    response = client.post(url("new"), form_data(pothole, phone=GUEST_PHONE, code=wrong))
    assert response.status_code == 200
    assert "The code is not correct" in response.context["form"].errors["code"][0]
    assert nothing_written()


def test_an_expired_code_is_a_message_on_the_code_and_nothing_is_written(client, send_code, last_code, pothole):
    send_code()
    code = last_code()
    with freeze_time(timezone.now() + timedelta(minutes=6)):
        response = client.post(url("new"), form_data(pothole, phone=GUEST_PHONE, code=code))
    assert response.status_code == 200
    assert "expired" in response.context["form"].errors["code"][0]
    assert nothing_written()


def test_a_guest_without_a_code_is_asked_for_it(client, pothole):
    response = client.post(url("new"), form_data(pothole, phone=GUEST_PHONE))
    assert "Send code" in response.context["form"].errors["code"][0]
    assert nothing_written()


def test_a_verified_guest_is_not_asked_again_after_an_error(client, send_code, last_code, pothole):
    send_code()
    outside = form_data(pothole, phone=GUEST_PHONE, code=last_code(), latitude=INCHEON[0], longitude=INCHEON[1])
    response = client.post(url("new"), outside)
    assert "outside Seoul" in response.context["form"].errors["address"][0]
    assert nothing_written()
    response = client.post(url("new"), form_data(pothole, phone=GUEST_PHONE))
    assert response.status_code == 303 and Complaint.objects.count() == 1


def test_the_send_code_button_without_javascript_shows_the_form_again_as_it_was(client, pothole, sms_outbox,
                                                                                django_capture_on_commit_callbacks):  # fmt: skip
    data = form_data(pothole, phone=GUEST_PHONE, title="가로등이 꺼져 있어요")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("guest_code"), data)
    assert response.status_code == 200
    page = text(response)
    assert 'value="가로등이 꺼져 있어요"' in page and "We sent a 6-digit code to 010-****-1234" in page
    assert [message.to for message in sms_outbox] == [GUEST_E164]
    assert nothing_written()


def test_a_bad_phone_and_a_second_code_too_soon_get_a_message(client, send_code):
    response = send_code("02-123-4567")
    assert response.status_code == 422 and "010" in text(response)
    assert send_code().status_code == 200
    response = send_code()
    assert response.status_code == 422 and "wait" in text(response)
    response = client.post(url("guest_code"), {"phone": GUEST_PHONE, "next": url("new")})
    assert response.status_code == 303  # without JavaScript and not from the form: back, with the message


# --- Bad input ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"description": "가" * 4001}, "description", "at most 4000 characters"),
        ({"description": "<script>alert(1)</script> 도와주세요"}, "description", "HTML"),
        ({"title": "<b>긴급</b>"}, "title", "HTML"),
        ({"address": "세종대로 <img src=x>"}, "address", "HTML"),
        ({"title": "가" * 121}, "title", "at most 120"),
        ({"category": "no-such-thing"}, "category", "Choose a category from the list."),
        ({"category": ""}, "category", "Choose the category that fits best."),
        ({"latitude": str(INCHEON[0]), "longitude": str(INCHEON[1])}, "address", "outside Seoul"),
        ({"latitude": "37.5", "longitude": ""}, "address", "both a latitude and a longitude"),
        ({"latitude": "north", "longitude": "east"}, "address", "not valid numbers"),
        ({"latitude": "", "longitude": "", "address": ""}, "address", "needs a location"),
        ({"description": "   "}, "description", "Describe the problem"),
        ({"visibility": "everyone"}, "visibility", "Choose who may see"),
        ({"contact_preference": "pigeon"}, "contact_preference", "Choose one of the ways offered."),
        ({"contact_preference": "email"}, "contact_preference", "no email address"),
    ],
)
def test_bad_input_is_a_message_on_its_field_and_nothing_is_written(client, sign_in, citizen, pothole, fields, field,
                                                                     message):  # fmt: skip
    sign_in(citizen)
    response = client.post(url("new"), form_data(pothole, **fields))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, errors
    assert message in " ".join(errors[field]), errors[field]
    assert nothing_written()


def test_the_category_questions_are_checked(client, sign_in, citizen, streetlight):
    sign_in(citizen)
    missing = client.post(url("new"), form_data(streetlight))
    assert "Answer this question." in missing.context["form"].errors["answer_state"]
    unknown = client.post(url("new"), form_data(streetlight, answer_state="exploded"))
    assert unknown.context["form"].errors["answer_state"] == ["Pick one of the offered answers."]
    not_a_number = client.post(url("new"), form_data(streetlight, answer_state="off", answer_pole="12ab"))
    assert "takes a number" in not_a_number.context["form"].errors["answer_pole"][0]
    assert nothing_written()


def test_a_guest_cannot_choose_email(client, send_code, last_code, pothole):
    send_code()
    response = client.post(url("new"), form_data(pothole, phone=GUEST_PHONE, code=last_code(),
                                                 contact_preference="email"))  # fmt: skip
    assert "contact_preference" in response.context["form"].errors
    assert nothing_written()


def test_line_breaks_count_once_against_the_limit(client, sign_in, citizen, pothole):
    sign_in(citizen)
    # 4,000 characters as the browser counts them, 4,999 as sent (CRLF line breaks).
    description = "가나다\r\n" * 999 + "끝" * 4
    assert len(description) == 4999 and len(description.replace("\r\n", "\n")) == 4000
    assert client.post(url("new"), form_data(pothole, description=description)).status_code == 303
    assert len(Complaint.objects.get().description) == 4000


# --- Photos ---------------------------------------------------------------------------------------


def test_photos_are_stored_without_exif(client, sign_in, citizen, pothole):
    sign_in(citizen)
    uploads = [photo("gps.jpg", image_bytes(gps=True)), photo("b.png", image_bytes("PNG"), "image/png")]
    response = client.post(url("new"), {**form_data(pothole), "photos": uploads})
    assert response.status_code == 303
    complaint = Complaint.objects.get()
    stored = list(ComplaintPhoto.objects.filter(complaint=complaint).order_by("position"))
    assert [item.position for item in stored] == [0, 1]
    with stored[0].image.open("rb") as handle, Image.open(handle) as picture:
        exif = picture.getexif()
        assert picture.format == "JPEG" and not dict(exif) and not dict(exif.get_ifd(0x8825))
    assert b"SecretCam" not in stored[0].image.open("rb").read()
    # The filer sees the photo through the page that checks who may see the complaint.
    served = client.get(url("photo", complaint.tracking_number, 0))
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"


@pytest.mark.parametrize(
    ("uploads", "message"),
    [
        ([photo("virus.jpg", b"MZ\x90\x00 not an image at all", "image/jpeg")], "not a JPEG, PNG or WebP"),
        ([photo("page.png", b"<html><script>alert(1)</script></html>", "image/png")], "not a JPEG, PNG or WebP"),
        ([photo(f"p{number}.jpg") for number in range(4)], "at most 3 photos"),
        # A real JPEG, padded after its end-of-image marker past the 5 MB limit: refused by size.
        ([photo("big.jpg", image_bytes() + b"\0" * (5 * 1024 * 1024))], "at most 5 MB"),
    ],
    ids=["executable", "html-named-png", "four-photos", "over-5-mb"],
)
def test_bad_photos_are_refused_and_nothing_is_written(client, sign_in, citizen, pothole, uploads, message):
    sign_in(citizen)
    response = client.post(url("new"), {**form_data(pothole), "photos": uploads})
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["photos"])
    assert nothing_written()


# --- Flooding -------------------------------------------------------------------------------------


def test_filing_is_limited_per_filer_per_hour(client, sign_in, citizen, pothole, settings):
    settings.COMPLAINTS_FILINGS_PER_HOUR_PER_FILER = 2
    sign_in(citizen)
    for _ in range(2):
        assert client.post(url("new"), form_data(pothole)).status_code == 303
    response = client.post(url("new"), form_data(pothole))
    assert response.status_code == 429
    assert "Too many complaints" in " ".join(response.context["form"].non_field_errors())
    assert Complaint.objects.count() == 2


def test_filing_is_limited_per_ip_per_hour(client, sign_in, citizen, pothole, settings):
    settings.COMPLAINTS_FILINGS_PER_HOUR_PER_IP = 1
    sign_in(citizen)
    assert client.post(url("new"), form_data(pothole)).status_code == 303
    assert client.post(url("new"), form_data(pothole), REMOTE_ADDR="127.0.0.1").status_code == 429
    assert client.post(url("new"), form_data(pothole), REMOTE_ADDR="10.1.2.3").status_code == 303


# --- The htmx helpers -------------------------------------------------------------------------------


def test_the_category_search(client, pothole, streetlight):
    found = text(client.get(url("categories", q="lamp"), **HTMX))
    assert 'data-category-code="streetlight"' in found and "Roads › Broken streetlight" in found
    assert "pothole" not in found
    assert "No category matches" in text(client.get(url("categories", q="zzz"), **HTMX))
    # Without JavaScript: a page whose results open the form with the category chosen.
    page = text(client.get(url("categories", q="가로등")))
    assert url("new") + "?category=streetlight" in page and "Every category" in page


def test_the_category_fields_fragment(client, streetlight, pothole):
    fragment = text(client.get(url("category_fields", category="streetlight"), **HTMX))
    assert 'name="answer_state"' in fragment and "Do not touch exposed wires." in fragment
    assert "Call 119 for emergencies." in text(client.get(url("category_fields", category="pothole"), **HTMX))
    assert "There is no such category" in text(client.get(url("category_fields", category="nope"), **HTMX))
    assert text(client.get(url("category_fields"), **HTMX)).strip() == ""


def test_the_confirmation_is_only_for_the_session_that_filed(client, file_complaint):
    complaint = file_complaint(is_public=True)
    assert client.get(url("filed", complaint.tracking_number)).status_code == 404

