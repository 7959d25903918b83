"""An SMS to the city's number: Twilio's signed webhook files a complaint in triage and the sender
gets the tracking number by SMS; anything else writes nothing and still answers Twilio 200."""

import logging

import pytest
from freezegun import freeze_time
from twilio.request_validator import RequestValidator

from complaints.models import Complaint, ComplaintEvent, Follower
from notifications.models import Contact, Notification

pytestmark = pytest.mark.django_db

TOKEN = "inbound-secret-token"
BASE = "https://participation.seoul.go.kr"
PATH = "/complaints-inbound/sms/"
SENDER = "+821055507777"


@pytest.fixture(autouse=True)
def twilio_settings(settings):
    settings.TWILIO_AUTH_TOKEN = TOKEN
    settings.PUBLIC_BASE_URL = BASE


def message(sid="SM00000000000000000000000000000001", body="집 앞 가로등이 꺼져 있어요.", sender=SENDER):
    return {"MessageSid": sid, "AccountSid": "AC1", "From": sender, "To": "+8215551234", "Body": body,
            "NumMedia": "0"}  # fmt: skip


def post_sms(client, data, *, signature=None):
    if signature is None:
        signature = RequestValidator(TOKEN).compute_signature(BASE + PATH, data)
    headers = {"X-Twilio-Signature": signature} if signature else {}
    return client.post(PATH, data, headers=headers)


def nothing_written():
    return not Complaint.objects.exists() and not Contact.objects.exists() and not Notification.objects.exists()


def assert_empty_twiml(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    assert response.content.decode().endswith("<Response/>")


def test_a_signed_sms_files_a_complaint_in_triage_and_texts_back_the_tracking_number(client, django_capture_on_commit_callbacks):
    from notifications.backends.sms import MemorySmsBackend

    with django_capture_on_commit_callbacks(execute=True):
        response = post_sms(client, message())

    assert_empty_twiml(response)
    complaint = Complaint.objects.get()
    assert (complaint.channel, complaint.category, complaint.status) == ("sms", None, "received")
    assert complaint.description == "집 앞 가로등이 꺼져 있어요."
    assert (complaint.contact_preference, complaint.language, complaint.tracking_last4) == ("sms", "ko", "7777")
    assert complaint.contact.phone == SENDER
    assert Follower.objects.filter(complaint=complaint, contact=complaint.contact).exists()
    notice = Notification.objects.get(kind="complaint_received")
    assert (notice.channel, notice.contact_id) == ("sms", complaint.contact_id)
    assert complaint.tracking_number in notice.body
    assert [sms.to for sms in MemorySmsBackend.outbox] == [SENDER]
    assert complaint.tracking_number in MemorySmsBackend.outbox[0].body


def test_a_message_without_hangul_is_answered_in_english(client):
    post_sms(client, message(body="The streetlight in front of my house is out."))
    assert Complaint.objects.get().language == "en"


def test_a_local_number_format_is_normalised(client):
    post_sms(client, message(sender="010-5550-7777"))
    assert Complaint.objects.get().contact.phone == SENDER


@pytest.mark.parametrize("signature", ["", "bm90LXRoZS1zaWduYXR1cmU="], ids=["missing", "wrong"])
def test_an_unsigned_or_badly_signed_request_is_refused_and_writes_nothing(client, signature):
    response = post_sms(client, message(), signature=signature)
    assert response.status_code == 403
    assert nothing_written()


def test_a_signature_of_other_parameters_is_refused(client):
    signature = RequestValidator(TOKEN).compute_signature(BASE + PATH, message(body="다른 내용"))
    assert post_sms(client, message(), signature=signature).status_code == 403
    assert nothing_written()


def test_without_a_twilio_token_every_request_is_refused(client, settings):
    settings.TWILIO_AUTH_TOKEN = ""
    assert post_sms(client, message()).status_code == 403
    assert nothing_written()


def test_only_post_is_accepted(client):
    assert client.get(PATH).status_code == 405


def test_a_signed_request_without_a_message_sid_is_a_bad_request(client):
    data = message()
    del data["MessageSid"]
    assert post_sms(client, data).status_code == 400
    assert nothing_written()


def test_a_retried_webhook_files_the_message_once(client):
    first = post_sms(client, message())
    again = post_sms(client, message())

    assert_empty_twiml(first)
    assert_empty_twiml(again)
    complaint = Complaint.objects.get()
    assert Notification.objects.filter(kind="complaint_received").count() == 1
    marker = ComplaintEvent.objects.get(complaint=complaint, kind="note")
    assert marker.note == "sms message id: SM00000000000000000000000000000001"
    assert marker.is_public is False


def test_two_messages_of_one_sender_are_two_complaints_of_one_contact(client):
    post_sms(client, message(sid="SM1"))
    post_sms(client, message(sid="SM2", body="두 번째 민원입니다."))
    assert Complaint.objects.count() == 2
    assert Contact.objects.count() == 1


@pytest.mark.parametrize("body", ["", "   \n  "], ids=["empty", "blank"])
def test_an_empty_message_writes_nothing(client, body):
    response = post_sms(client, message(body=body))
    assert_empty_twiml(response)
    assert nothing_written()


@pytest.mark.parametrize("sender", ["+12025550123", "+8221234567", "1588-0000", ""],
                         ids=["abroad", "seoul-landline", "short-code", "none"])  # fmt: skip
def test_a_sender_that_is_not_a_korean_mobile_writes_nothing(client, sender):
    response = post_sms(client, message(sender=sender))
    assert_empty_twiml(response)
    assert nothing_written()


def test_flooding_from_one_phone_stops_at_the_hourly_limit(client, settings, caplog):
    settings.COMPLAINTS_INBOUND_HOURLY_LIMIT = 3
    for number in range(3):
        assert_empty_twiml(post_sms(client, message(sid=f"SM{number}", body=f"민원 {number}")))
    notices = Notification.objects.count()

    with caplog.at_level(logging.WARNING, logger="complaints.inbound.sms"):
        response = post_sms(client, message(sid="SM-flood", body="또 보냅니다"))

    assert_empty_twiml(response)  # Twilio must not deliver it again
    assert Complaint.objects.count() == 3
    assert Notification.objects.count() == notices
    assert not ComplaintEvent.objects.filter(note__contains="SM-flood").exists()
    assert "refused" in caplog.text and "010-****-7777" in caplog.text
    assert SENDER not in caplog.text
    # Another phone is not held back.
    post_sms(client, message(sid="SM-other", sender="+821055508888"))
    assert Complaint.objects.count() == 4


def test_the_hourly_limit_slides_and_the_daily_limit_holds(client, settings):
    settings.COMPLAINTS_INBOUND_HOURLY_LIMIT = 2
    settings.COMPLAINTS_INBOUND_DAILY_LIMIT = 3

    def post_at(moment, sid):
        with freeze_time(moment):
            post_sms(client, message(sid=sid))
        return Complaint.objects.count()

    assert post_at("2026-03-03T09:00:00+09:00", "SM1") == 1
    assert post_at("2026-03-03T09:10:00+09:00", "SM2") == 2
    assert post_at("2026-03-03T09:20:00+09:00", "SM3") == 2  # two in the past hour
    assert post_at("2026-03-03T10:01:00+09:00", "SM4") == 3  # the first has left the hour
    assert post_at("2026-03-03T12:00:00+09:00", "SM5") == 3  # three in the past day
    assert post_at("2026-03-04T09:30:00+09:00", "SM6") == 4


def test_a_long_message_is_kept_up_to_the_limit_with_a_mark(client):
    post_sms(client, message(body="가" * 4_100))
    description = Complaint.objects.get().description
    assert len(description) == 4_000 and description.endswith("…")
