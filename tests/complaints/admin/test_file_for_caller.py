"""A 120 operator files a complaint for a caller in the back office: channel "phone", the operator
as `filed_by`, the caller's phone for notices (and the tracking page), nothing written on refusal."""

import pytest

from complaints.models import CategoryQuestion, Complaint
from notifications.models import Contact, Notification

from ..conftest import CITY_HALL, INCHEON
from .conftest import change_url, form_errors, messages_of

pytestmark = pytest.mark.django_db

URL = "/admin/complaints/complaint/file-for-caller/"


def caller_form(chosen, **fields):
    data = {
        "category": chosen.pk, "title": "", "description": "횡단보도 신호등이 고장 났습니다.",
        "address": "세종대로 110", "latitude": CITY_HALL[0], "longitude": CITY_HALL[1],
        "caller_name": "이순신", "caller_phone": "010-5550-4321", "preference": "sms", "language": "ko",
    }  # fmt: skip
    data.update(fields)
    return data


def test_the_operator_files_for_a_caller_who_gets_the_tracking_number_by_sms(login, intake_desk, pothole, roads):
    client = login(intake_desk)
    assert client.get(URL).status_code == 200

    response = client.post(URL, caller_form(pothole))

    complaint = Complaint.objects.get()
    assert response.status_code == 302 and response.url == change_url(complaint)
    assert (complaint.channel, complaint.filed_by_id, complaint.unit_id, complaint.contact_name) == (
        "phone", intake_desk.pk, roads.pk, "이순신"
    )
    assert (complaint.contact.phone, complaint.tracking_last4, complaint.contact_preference) == (
        "+821055504321", "4321", "sms"
    )
    assert Notification.objects.get(kind="complaint_received").channel == "sms"
    assert any(complaint.tracking_number in message for message in messages_of(response))


def test_a_caller_who_wants_no_messages_may_leave_no_number(login, intake_desk, pothole):
    response = login(intake_desk).post(URL, caller_form(pothole, caller_phone="", caller_name="", preference="none"))
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert (complaint.contact_id, complaint.contact_preference, complaint.tracking_last4) == (None, "none", "")
    assert not Notification.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"caller_phone": ""}, "caller_phone"),  # SMS without a number
        ({"caller_phone": "02-120-0000"}, "caller_phone"),  # not a mobile
        ({"description": ""}, "description"),
        ({"description": "<b>굵게</b>"}, "description"),
        ({"latitude": INCHEON[0], "longitude": INCHEON[1]}, "__all__"),  # outside Seoul
        ({"latitude": "", "longitude": "", "address": ""}, "__all__"),  # a pothole needs a place
        ({"category": ""}, "category"),
    ],
    ids=["sms-without-number", "landline", "empty", "html", "outside-seoul", "no-place", "no-category"],
)
def test_bad_input_gets_a_message_and_writes_nothing(login, intake_desk, pothole, fields, field):
    response = login(intake_desk).post(URL, caller_form(pothole, **fields))
    assert response.status_code == 200
    assert field in form_errors(response)
    assert not Complaint.objects.exists() and not Contact.objects.exists() and not Notification.objects.exists()


def test_the_category_s_questions_are_asked_once_it_is_chosen(login, intake_desk, pothole):
    CategoryQuestion.objects.create(category=pothole, code="size", prompt_ko="크기", prompt_en="Size", required=True,
                                    kind="choice", choices=[{"key": "s", "name_ko": "작음"}, {"key": "l", "name_ko": "큼"}])  # fmt: skip
    client = login(intake_desk)
    first = client.post(URL, caller_form(pothole))
    assert first.status_code == 200
    assert "answer_size" in first.context["form"].fields
    assert "answer_size" in form_errors(first)
    assert not Complaint.objects.exists()

    assert client.post(URL, caller_form(pothole, answer_size="l")).status_code == 302
    assert Complaint.objects.get().answers == {"size": "l"}


def test_only_operators_file_for_callers(login, roads_official, coordinator, pothole):
    for person in (roads_official, coordinator):
        assert login(person).get(URL).status_code == 403
        assert login(person).post(URL, caller_form(pothole)).status_code == 403
    assert not Complaint.objects.exists()


def test_an_operator_without_the_unit_s_view_returns_to_the_list(login, make_official, pothole):
    operator = make_official(permissions=("file_for_caller",))
    response = login(operator).post(URL, caller_form(pothole))
    assert response.status_code == 302 and response.url == "/admin/complaints/complaint/"
    assert Complaint.objects.get().filed_by_id == operator.pk
