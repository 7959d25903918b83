"""A complaint's page: who sees what (filer / another citizen / a visitor × public / private),
never personal data on the public view, never internal events; the filer's rating and request for
an additional answer through the pages; the photos behind the same check."""

import pytest

from complaints.models import Complaint, ComplaintEvent, ComplaintPhoto, Satisfaction
from complaints.services.handling import complaint_mark_duplicate

from .conftest import image_bytes, photo, text, url

pytestmark = pytest.mark.django_db

NAME = "홍길동"


def response_refusal(response) -> str:
    """The service's refusal, as the page shows it."""
    return str(response.context.get("refusal") or "")


@pytest.fixture
def make(file_complaint, citizen, streetlight):
    """A complaint of `citizen` (who gave a name and answered the category's questions)."""

    def build(*, is_public):
        from complaints.services.intake import Filer

        complaint = file_complaint(
            category=streetlight, is_public=is_public, filer=Filer(citizen=citizen, name=NAME),
            answers={"state": "off", "pole": "987654"}, photos=[photo("a.jpg", image_bytes(gps=True))],
            description="가로등이 밤새 꺼져 있습니다.",
        )  # fmt: skip
        ComplaintEvent.objects.create(complaint=complaint, kind=ComplaintEvent.Kind.NOTE, note="내부 메모: 민원인 성향",
                                      is_public=False)  # fmt: skip
        return complaint

    return build


def viewer_client(client, sign_in, who, citizen, participant):
    if who == "filer":
        return sign_in(citizen)
    if who == "other citizen":
        return sign_in(participant())
    return client


@pytest.mark.parametrize("who", ["filer", "other citizen", "visitor"])
@pytest.mark.parametrize("is_public", [True, False], ids=["public", "private"])
def test_who_sees_what(client, sign_in, citizen, participant, make, who, is_public):
    complaint = make(is_public=is_public)
    viewer = viewer_client(client, sign_in, who, citizen, participant)
    response = viewer.get(url("detail", complaint.tracking_number))
    photo_response = viewer.get(url("photo", complaint.tracking_number, 0))
    if who != "filer" and not is_public:
        assert response.status_code == 404 and photo_response.status_code == 404
        return
    assert response.status_code == 200 and photo_response.status_code == 200
    page = text(response)
    assert "가로등이 밤새 꺼져 있습니다." in page and complaint.tracking_number in page
    assert "Broken streetlight" in page and "Road Management Division" in page
    # Never on any page: the name, the phone, internal events.
    assert NAME not in page and citizen.phone not in page and "내부 메모" not in page
    if who == "filer":
        assert response.context["filer"] is True
        assert "987654" in page and f"010-****-{citizen.phone_last4}" in page
    else:
        assert response.context["filer"] is False
        assert "987654" not in page and citizen.phone_last4 not in page
        assert "Follow this complaint" in page


def test_an_unknown_number_is_404(client):
    assert client.get(url("detail", "2026-0000001")).status_code == 404


def test_an_uncategorised_public_complaint_is_not_shown_to_others(client, file_complaint):
    complaint = file_complaint(is_public=True)
    Complaint.objects.filter(pk=complaint.pk).update(category=None, complaint_type="", due_at=None)
    assert client.get(url("detail", complaint.tracking_number)).status_code == 404


def test_the_answer_of_a_public_complaint_is_public(client, file_complaint, answered):
    complaint = answered(file_complaint(is_public=True), text="다음 주에 보수합니다.")
    page = text(client.get(url("detail", complaint.tracking_number)))
    assert "다음 주에 보수합니다." in page and "The city's answer" in page
    assert "Rate the answer" not in page


def test_a_public_duplicate_does_not_link_a_private_original(client, file_complaint, roads_official):
    original = file_complaint(is_public=False)
    duplicate = complaint_mark_duplicate(actor=roads_official, complaint=file_complaint(is_public=True),
                                         original=original)  # fmt: skip
    page = text(client.get(url("detail", duplicate.tracking_number)))
    assert "repeats an earlier one" in page and original.tracking_number not in page


# --- Rating and the additional answer -------------------------------------------------------------


def test_the_filer_rates_the_answer(client, sign_in, citizen, file_complaint, answered):
    complaint = answered(file_complaint(is_public=False))
    sign_in(citizen)
    assert "Rate the answer" in text(client.get(url("detail", complaint.tracking_number)))
    response = client.post(url("rate", complaint.tracking_number), {"rating": "5", "comment": "빨리 고쳐 주셨어요"})
    assert response.status_code == 303 and response.url.endswith("#rating")
    rating = Satisfaction.objects.get(complaint=complaint)
    assert (rating.rating, rating.comment, rating.answer_round) == (5, "빨리 고쳐 주셨어요", 1)
    page = text(client.get(url("detail", complaint.tracking_number)))
    assert "You rated this answer 5 out of 5." in page and "Rate the answer" not in page
    again = client.post(url("rate", complaint.tracking_number), {"rating": "1"})
    assert again.status_code == 409 and "already rated" in text(again)
    assert Satisfaction.objects.filter(complaint=complaint).count() == 1


def test_a_low_rating_offers_the_request_for_an_additional_answer(client, sign_in, citizen, file_complaint, answered):
    complaint = answered(file_complaint(is_public=True))
    sign_in(citizen)
    detail = text(client.get(url("detail", complaint.tracking_number)))
    assert "I am not satisfied: ask for an additional answer" in detail and 'name="reason"' not in detail
    response = client.post(url("rate", complaint.tracking_number), {"rating": "2"})
    assert response.status_code == 303 and response.url.endswith("#reopen")
    page = text(client.get(url("detail", complaint.tracking_number)))
    assert 'name="reason"' in page and "Ask for an additional answer" in page

    refused = client.post(url("reopen", complaint.tracking_number), {"reason": "<b>다시</b>"})
    assert refused.status_code == 400 and "HTML" in text(refused)
    empty = client.post(url("reopen", complaint.tracking_number), {"reason": ""})
    assert empty.status_code == 400 and "Say what the answer left out." in text(empty)
    complaint.refresh_from_db()
    assert complaint.status == "answered"

    response = client.post(url("reopen", complaint.tracking_number), {"reason": "보도블록이 아직 흔들립니다."})
    assert response.status_code == 303
    complaint.refresh_from_db()
    assert complaint.status == "reopened" and complaint.answer_round == 2
    assert ComplaintEvent.objects.filter(complaint=complaint, move="reopen", note="보도블록이 아직 흔들립니다.").exists()
    page = text(client.get(url("detail", complaint.tracking_number)))
    assert "Additional answer requested" in page and "Not satisfied with the answer?" not in page


def test_the_button_opens_the_request_without_rating(client, sign_in, citizen, file_complaint, answered):
    complaint = answered(file_complaint())
    sign_in(citizen)
    page = text(client.get(url("detail", complaint.tracking_number) + "?additional=1"))
    assert 'name="reason"' in page


@pytest.mark.parametrize("rating", ["0", "6", "abc", ""])
def test_a_rating_out_of_range_is_refused(client, sign_in, citizen, file_complaint, answered, rating):
    complaint = answered(file_complaint())
    sign_in(citizen)
    response = client.post(url("rate", complaint.tracking_number), {"rating": rating})
    assert response.status_code == 400 and "Choose a rating from 1 to 5." in text(response)
    assert not Satisfaction.objects.exists()


def test_an_open_complaint_cannot_be_rated_or_reopened(client, sign_in, citizen, file_complaint):
    complaint = file_complaint()
    sign_in(citizen)
    page = text(client.get(url("detail", complaint.tracking_number)))
    assert "Rate the answer" not in page and "Not satisfied" not in page
    rate = client.post(url("rate", complaint.tracking_number), {"rating": "4"})
    reopen = client.post(url("reopen", complaint.tracking_number), {"reason": "왜죠"})
    assert 400 <= rate.status_code < 500 and response_refusal(rate)
    assert 400 <= reopen.status_code < 500 and response_refusal(reopen)
    assert not Satisfaction.objects.exists()
    complaint.refresh_from_db()
    assert complaint.status == "received"


def test_someone_else_cannot_rate_or_reopen(client, sign_in, participant, file_complaint, answered):
    complaint = answered(file_complaint(is_public=True))
    sign_in(participant())
    assert client.post(url("rate", complaint.tracking_number), {"rating": "1"}).status_code == 404
    assert client.post(url("reopen", complaint.tracking_number), {"reason": "별로"}).status_code == 404
    assert not Satisfaction.objects.exists()


def test_a_tracked_guest_rates_the_answer_and_asks_for_more(client, file_complaint, guest_filer, answered):
    """A guest who proved the complaint on the tracking page (number and last four digits) is its
    filer for the session (complaints/proofs.py): they rate the answer and may ask for an
    additional answer; the timeline names nobody."""
    from complaints.models import ComplaintEvent

    complaint = answered(file_complaint(filer=guest_filer, is_public=False), text="조치했습니다.")
    client.post(url("track"), {"number": complaint.tracking_number, "last4": "1234"})
    page = text(client.get(url("detail", complaint.tracking_number)))
    assert "조치했습니다." in page
    response = client.post(url("rate", complaint.tracking_number), {"rating": "2", "comment": ""})
    assert response.status_code in (302, 303)
    assert Satisfaction.objects.get(complaint=complaint).rating == 2
    client.post(url("reopen", complaint.tracking_number), {"reason": "보도블록이 아직 흔들립니다."})
    complaint.refresh_from_db()
    assert complaint.status == "reopened" and complaint.answer_round == 2
    assert ComplaintEvent.objects.filter(complaint=complaint, move="reopen", actor__isnull=True).exists()


def test_a_guest_without_proof_cannot_rate(client, file_complaint, guest_filer, answered):
    complaint = answered(file_complaint(filer=guest_filer, is_public=True), text="조치했습니다.")
    response = client.post(url("rate", complaint.tracking_number), {"rating": "3"})
    assert 400 <= response.status_code < 500
    assert not Satisfaction.objects.exists()


def test_photos_of_a_private_complaint_are_not_cached_publicly(client, sign_in, citizen, file_complaint):
    complaint = file_complaint(photos=[photo()])
    sign_in(citizen)
    response = client.get(url("photo", complaint.tracking_number, 0))
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-cache"
    assert client.get(url("photo", complaint.tracking_number, 2)).status_code == 404
    assert ComplaintPhoto.objects.count() == 1
