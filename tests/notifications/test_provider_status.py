import pytest
from anymail.signals import AnymailTrackingEvent, tracking
from django.utils import timezone
from twilio.request_validator import RequestValidator

from notifications.models import Notification
from notifications.services import notify

pytestmark = pytest.mark.django_db

TOKEN = "secret-token"
BASE = "https://participation.seoul.go.kr"
PATH = "/notifications/twilio/status/"
SID = "SM0123456789abcdef0123456789abcdef"


@pytest.fixture(autouse=True)
def twilio_settings(settings):
    settings.TWILIO_AUTH_TOKEN = TOKEN
    settings.PUBLIC_BASE_URL = BASE


@pytest.fixture
def sent_sms(make_citizen, greeting, greeting_context):
    (row,) = notify(recipient=make_citizen(), kind="test_greeting", context=greeting_context, key="k")
    Notification.objects.filter(pk=row.pk).update(
        status="sent", sent_at=timezone.now(), next_attempt_at=None, provider_message_id=SID
    )
    return row


def post_status(client, data, *, query="", signature=None, token=TOKEN):
    path = PATH + (f"?{query}" if query else "")
    if signature is None:
        signature = RequestValidator(token).compute_signature(BASE + path, data)
    headers = {"X-Twilio-Signature": signature} if signature else {}
    return client.post(path, data, headers=headers)


def test_a_signed_callback_records_the_delivery(client, sent_sms):
    response = post_status(client, {"MessageSid": SID, "MessageStatus": "delivered", "AccountSid": "AC1"})

    assert response.status_code == 204
    row = Notification.objects.get(pk=sent_sms.pk)
    assert (row.provider_status, row.provider_error) == ("delivered", "")
    assert row.provider_status_at is not None


def test_an_undelivered_message_keeps_twilios_error_code(client, sent_sms):
    response = post_status(client, {"MessageSid": SID, "MessageStatus": "undelivered", "ErrorCode": "30003"})

    assert response.status_code == 204
    row = Notification.objects.get(pk=sent_sms.pk)
    assert (row.provider_status, row.provider_error) == ("undelivered", "Twilio error 30003")


@pytest.mark.parametrize("signature", ["", "d3Jvbmc=", "other-token"])
def test_a_missing_or_wrong_signature_is_refused_and_changes_nothing(client, sent_sms, signature):
    data = {"MessageSid": SID, "MessageStatus": "failed", "ErrorCode": "30008"}
    if signature == "other-token":
        response = post_status(client, data, token="other-token")
    else:
        response = post_status(client, data, signature=signature)

    assert response.status_code == 403
    row = Notification.objects.get(pk=sent_sms.pk)
    assert (row.provider_status, row.provider_error, row.provider_status_at) == ("", "", None)


def test_a_signature_for_other_parameters_is_refused(client, sent_sms):
    signature = RequestValidator(TOKEN).compute_signature(BASE + PATH, {"MessageSid": SID, "MessageStatus": "sent"})
    response = post_status(client, {"MessageSid": SID, "MessageStatus": "delivered"}, signature=signature)
    assert response.status_code == 403
    assert Notification.objects.get(pk=sent_sms.pk).provider_status == ""


def test_only_post_is_accepted(client):
    assert client.get(PATH).status_code == 405


@pytest.mark.parametrize(
    ("data", "status", "reason"),
    [
        ({"MessageSid": SID}, 400, b"required"),
        ({"MessageSid": SID, "MessageStatus": "exploded"}, 400, b"Unknown MessageStatus"),
        ({"MessageSid": "SMunknown", "MessageStatus": "delivered"}, 404, b"No notification"),
    ],
)
def test_a_bad_callback_gets_a_4xx_with_a_reason(client, sent_sms, data, status, reason):
    response = post_status(client, data)
    assert response.status_code == status
    assert reason in response.content


def test_a_status_arriving_before_the_sid_was_recorded_finds_its_row_by_reference(client, sent_sms):
    Notification.objects.filter(pk=sent_sms.pk).update(provider_message_id="")

    response = post_status(client, {"MessageSid": SID, "MessageStatus": "sent"}, query=f"notification={sent_sms.pk}")

    assert response.status_code == 204
    row = Notification.objects.get(pk=sent_sms.pk)
    assert (row.provider_message_id, row.provider_status) == (SID, "sent")


def test_a_late_intermediate_status_does_not_undo_a_final_one(client, sent_sms):
    post_status(client, {"MessageSid": SID, "MessageStatus": "delivered"})
    post_status(client, {"MessageSid": SID, "MessageStatus": "sent"})
    assert Notification.objects.get(pk=sent_sms.pk).provider_status == "delivered"


def test_anymail_tracking_updates_the_email_row(make_citizen, greeting, greeting_context):
    citizen = make_citizen(notify_by="email", email="a@example.com")
    (row,) = notify(recipient=citizen, kind="test_greeting", context=greeting_context, key="k")
    Notification.objects.filter(pk=row.pk).update(
        status="sent", sent_at=timezone.now(), next_attempt_at=None, provider_message_id="<msg-1@esp>"
    )
    event = AnymailTrackingEvent(
        event_type="bounced", message_id="<msg-1@esp>", reject_reason="bounced",
        mta_response="550 5.1.1 user unknown", recipient="a@example.com",
    )

    tracking.send(sender=object, event=event, esp_name="TestESP")
    # an event for mail the outbox did not send is ignored
    tracking.send(sender=object, event=AnymailTrackingEvent(event_type="delivered", message_id="<other>"),
                  esp_name="TestESP")

    row.refresh_from_db()
    assert row.provider_status == "bounced"
    assert "550 5.1.1 user unknown" in row.provider_error
