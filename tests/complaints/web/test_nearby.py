"""Before filing: open complaints of the same category within 250 m of the pin are suggested, and
the citizen (or a verified guest) follows one instead of filing it again."""

import pytest

from complaints.models import Complaint, Follower
from complaints.selectors.public import bounding_box, distance_metres, nearby_open_complaints
from complaints.services.following import complaint_follow
from notifications.models import Contact

from ..conftest import CITY_HALL, GANGNAM_STATION
from .conftest import FAR_FROM_CITY_HALL, GUEST_PHONE, HTMX, NEAR_CITY_HALL, form_data, text, url

pytestmark = pytest.mark.django_db


def nearby_page(client, category, point=CITY_HALL, **extra):
    return client.get(url("nearby", category=category.service_code, lat=point[0], lon=point[1]), **{**HTMX, **extra})


def numbers(response):
    return [item.complaint.tracking_number for item in response.context["nearby"]]


def test_the_distance_and_the_box():
    assert 90 < distance_metres(*CITY_HALL, *NEAR_CITY_HALL) < 110
    assert 590 < distance_metres(*CITY_HALL, *FAR_FROM_CITY_HALL) < 610
    min_lat, max_lat, min_lon, max_lon = bounding_box(*CITY_HALL, 250)
    for corner in ((min_lat, CITY_HALL[1]), (max_lat, CITY_HALL[1]), (CITY_HALL[0], min_lon), (CITY_HALL[0], max_lon)):
        assert 250 <= distance_metres(*CITY_HALL, *corner) < 260


def test_open_public_complaints_of_the_category_within_250_m_are_suggested(client, file_complaint, park_suggestion,
                                                                           closed, rejected):  # fmt: skip
    near = file_complaint(location=NEAR_CITY_HALL, is_public=True, title="가까운 파손")
    file_complaint(location=FAR_FROM_CITY_HALL, is_public=True)
    file_complaint(location=GANGNAM_STATION, is_public=True)
    file_complaint(category=park_suggestion, location=NEAR_CITY_HALL, is_public=True)
    file_complaint(location=NEAR_CITY_HALL, is_public=False)
    closed(file_complaint(location=CITY_HALL, is_public=True))
    rejected(file_complaint(location=CITY_HALL, is_public=True))
    response = nearby_page(client, near.category)
    assert response.status_code == 200
    assert numbers(response) == [near.tracking_number]
    page = text(response)
    assert "가까운 파손" in page and "Follow it instead" in page and "about 100 m away" in page


def test_nearest_first_and_at_most_five(client, file_complaint):
    made = [file_complaint(location=(CITY_HALL[0] + 0.0001 * step, CITY_HALL[1]), is_public=True) for step in range(7)]
    response = nearby_page(client, made[0].category)
    assert numbers(response) == [complaint.tracking_number for complaint in made[:5]]


def test_my_own_private_complaint_is_suggested_to_me(client, sign_in, citizen, file_complaint):
    mine = file_complaint(location=NEAR_CITY_HALL, is_public=False)
    assert numbers(nearby_page(client, mine.category)) == []
    sign_in(citizen)
    assert numbers(nearby_page(client, mine.category)) == [mine.tracking_number]


def test_no_pin_no_category_or_a_pin_outside_seoul_suggests_nothing(client, file_complaint, pothole):
    file_complaint(location=NEAR_CITY_HALL, is_public=True)
    assert client.get(url("nearby", category="pothole"), **HTMX).context["nearby"] == []
    assert client.get(url("nearby", lat=CITY_HALL[0], lon=CITY_HALL[1]), **HTMX).context["nearby"] == []
    assert client.get(url("nearby", category="pothole", lat="x", lon="y"), **HTMX).context["nearby"] == []
    assert client.get(url("nearby", category="pothole", lat="37.456", lon="126.705"), **HTMX).context["nearby"] == []
    page = text(client.get(url("nearby", category="pothole", latitude=GANGNAM_STATION[0],
                                longitude=GANGNAM_STATION[1]), **HTMX))  # fmt: skip
    assert "No open complaint of this category within 250 m." in page


def test_the_form_sent_back_with_an_error_shows_the_suggestions_too(client, sign_in, citizen, file_complaint):
    near = file_complaint(location=NEAR_CITY_HALL, is_public=True)
    sign_in(citizen)
    response = client.post(url("new"), form_data(near.category, description=""))
    assert response.status_code == 200 and numbers(response) == [near.tracking_number]


def test_the_selector_keeps_one_query(django_assert_num_queries, file_complaint):
    for step in range(6):
        file_complaint(location=(CITY_HALL[0] + 0.0002 * step, CITY_HALL[1]), is_public=True)
    category = Complaint.objects.first().category
    with django_assert_num_queries(1):
        found = nearby_open_complaints(category=category, latitude=CITY_HALL[0], longitude=CITY_HALL[1])
        assert [nearby.complaint.district.name for nearby in found]


# --- Following ------------------------------------------------------------------------------------


def test_a_citizen_follows_with_their_account(client, sign_in, participant, file_complaint):
    complaint = file_complaint(location=NEAR_CITY_HALL, is_public=True)
    other = participant()
    sign_in(other)
    response = client.post(url("follow", complaint.tracking_number))
    assert response.status_code == 303 and response.url == url("detail", complaint.tracking_number)
    assert Follower.objects.filter(complaint=complaint, citizen=other).exists()
    # Twice is once; the htmx button gets the result in place.
    response = client.post(url("follow", complaint.tracking_number), **HTMX)
    assert response.status_code == 200 and "You already follow" in text(response)
    assert Follower.objects.filter(complaint=complaint, citizen=other).count() == 1
    assert "You follow this complaint" in text(client.get(url("detail", complaint.tracking_number)))


def test_a_guest_follows_from_the_form_with_the_phone_and_code(client, send_code, last_code, file_complaint,
                                                               pothole):  # fmt: skip
    complaint = file_complaint(location=NEAR_CITY_HALL, is_public=True)
    send_code()
    data = form_data(pothole, phone=GUEST_PHONE, code=last_code())
    response = client.post(url("follow", complaint.tracking_number), data, **HTMX)
    assert response.status_code == 200 and "You now follow complaint" in text(response)
    contact = Contact.objects.get(phone_index=Follower.objects.get(complaint=complaint, contact__isnull=False)
                                  .contact.phone_index)  # fmt: skip
    assert contact.phone_last4 == "1234"
    # The session is verified now: filing right after needs no new code.
    assert client.post(url("new"), form_data(pothole, phone=GUEST_PHONE)).status_code == 303


def test_a_guest_without_a_code_is_told_so_and_nothing_is_written(client, file_complaint, pothole):
    complaint = file_complaint(location=NEAR_CITY_HALL, is_public=True)
    contacts = Contact.objects.count()
    response = client.post(url("follow", complaint.tracking_number), form_data(pothole, phone=GUEST_PHONE), **HTMX)
    assert response.status_code == 422 and "6-digit code" in text(response)
    assert Follower.objects.filter(complaint=complaint).count() == 1  # the filer only
    assert Contact.objects.count() == contacts


def test_the_follow_page_without_javascript(client, last_code, file_complaint, django_capture_on_commit_callbacks):
    complaint = file_complaint(location=NEAR_CITY_HALL, is_public=True)
    page = text(client.get(url("follow", complaint.tracking_number)))
    assert 'name="phone"' in page and "Send code" in page
    refused = client.post(url("follow", complaint.tracking_number), {"phone": GUEST_PHONE, "code": "12"})
    assert refused.status_code == 400 and "The code is 6 digits." in text(refused)
    # "Send code" posts the follow form to complaints:guest_code, which comes back here with the phone kept.
    back = url("follow", complaint.tracking_number)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("guest_code"), {"phone": GUEST_PHONE, "next": back})
    assert response.status_code == 303 and response.url == back
    assert 'value="010-5550-1234"' in text(client.get(back))
    response = client.post(url("follow", complaint.tracking_number), {"phone": GUEST_PHONE, "code": last_code()})
    assert response.status_code == 303
    assert Follower.objects.filter(complaint=complaint, contact__phone_last4="1234").exists()


def test_private_finished_and_unknown_complaints_cannot_be_followed(client, sign_in, participant, file_complaint,
                                                                    closed):  # fmt: skip
    private = file_complaint(location=NEAR_CITY_HALL, is_public=False)
    done = closed(file_complaint(location=NEAR_CITY_HALL, is_public=True))
    sign_in(participant())
    assert client.post(url("follow", private.tracking_number)).status_code == 404
    assert client.post(url("follow", "2020-0000001")).status_code == 404
    response = client.post(url("follow", done.tracking_number), **HTMX)
    assert response.status_code == 422 and "no longer open" in text(response)
    assert not Follower.objects.filter(complaint__in=[private, done]).exclude(citizen=private.citizen).exists()


def test_the_service_follows_once(file_complaint, participant, guest):
    complaint = file_complaint(is_public=True)
    other = participant()
    first, created = complaint_follow(complaint=complaint, citizen=other)
    again, created_again = complaint_follow(complaint=complaint, citizen=other)
    assert created and not created_again and first.pk == again.pk
    _row, by_contact = complaint_follow(complaint=complaint, contact=guest)
    assert by_contact
    with pytest.raises(ValueError):
        complaint_follow(complaint=complaint)
