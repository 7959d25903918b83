"""Email to the complaints address: anymail's inbound signal files a complaint in triage and the
sender gets the tracking number by email; spam, automatic mail, empty mail and flooding write
nothing. Through the signal, and end to end through an ESP's webhook (Postmark's)."""

import base64
import json
import logging

import pytest
from anymail.inbound import AnymailInboundMessage
from anymail.signals import AnymailInboundEvent, EventType, inbound
from django.core import mail

from complaints.inbound.contacts import contact_for_email
from complaints.inbound.plain_text import html_to_text
from complaints.models import Complaint, ComplaintEvent, ComplaintPhoto, Follower
from notifications.models import Contact, Notification

pytestmark = pytest.mark.django_db

SENDER = "Hong.Gildong@Example.com"
WEBHOOK_SECRET = "postmark:inbound-secret"
POSTMARK_URL = "/complaints-inbound/email/postmark/inbound/"


def receive(*, sender=f"홍길동 <{SENDER}>", subject="공원 벤치 파손", text="벤치 다리가 부러졌습니다.", html=None,
            headers=None, message_id="<abc123@mail.example.com>", attachments=None, spam=None):  # fmt: skip
    all_headers = dict(headers or {})
    if message_id:
        all_headers["Message-ID"] = message_id
    message = AnymailInboundMessage.construct(from_email=sender, to="minwon@seoul.go.kr", subject=subject, text=text,
                                              html=html, headers=all_headers, attachments=attachments)  # fmt: skip
    message.spam_detected = spam
    event = AnymailInboundEvent(event_type=EventType.INBOUND, message=message, event_id=None)
    inbound.send(sender=object, event=event, esp_name="TestESP")


def nothing_written():
    return not Complaint.objects.exists() and not Contact.objects.exists() and not Notification.objects.exists()


def test_an_email_files_a_complaint_and_the_sender_is_emailed_the_tracking_number(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        receive()

    complaint = Complaint.objects.get()
    assert (complaint.channel, complaint.category, complaint.status) == ("email", None, "received")
    assert (complaint.title, complaint.description) == ("공원 벤치 파손", "벤치 다리가 부러졌습니다.")
    assert (complaint.contact_preference, complaint.language, complaint.tracking_last4) == ("email", "ko", "")
    assert complaint.contact.email == SENDER.lower()
    assert Follower.objects.filter(complaint=complaint, contact=complaint.contact).exists()
    notice = Notification.objects.get(kind="complaint_received")
    assert (notice.channel, notice.contact_id) == ("email", complaint.contact_id)
    assert [message.to for message in mail.outbox] == [[SENDER.lower()]]
    assert complaint.tracking_number in mail.outbox[0].body


def test_an_html_only_email_is_kept_as_plain_text():
    receive(text=None, html="<html><head><style>p{color:red}</style><title>t</title></head><body>"
                            "<p>공원 입구 <b>가로등</b>이 &amp; 벤치가</p><p>고장 났습니다.<br>확인 부탁드립니다.</p>"
                            "<script>alert(1)</script><ul><li>하나</li><li>둘</li></ul></body></html>")  # fmt: skip

    description = Complaint.objects.get().description
    assert description == "공원 입구 가로등이 & 벤치가\n\n고장 났습니다.\n확인 부탁드립니다.\n\n- 하나\n\n- 둘"
    assert "<" not in description and "alert" not in description and "color" not in description


def test_html_to_text_collapses_spaces_and_decodes_entities():
    assert html_to_text("<div>a&nbsp;&nbsp; b</div><div>&lt;c&gt;</div>") == "a b\n\n<c>"
    assert html_to_text("") == ""


def test_an_english_email_is_answered_in_english():
    receive(subject="Broken bench", text="A bench in the park is broken.")
    assert Complaint.objects.get().language == "en"


def test_a_long_subject_is_cut_to_the_title_length():
    receive(subject="가" * 300)
    assert len(Complaint.objects.get().title) == 120


def test_the_same_email_delivered_twice_is_filed_once():
    receive()
    receive()
    complaint = Complaint.objects.get()
    assert ComplaintEvent.objects.get(complaint=complaint, kind="note").note == (
        "email message id: <abc123@mail.example.com>"
    )
    assert Notification.objects.filter(kind="complaint_received").count() == 1


def test_two_emails_of_one_sender_share_one_contact_whatever_the_case_of_the_address():
    receive(message_id="<1@example.com>")
    receive(sender=SENDER.upper(), message_id="<2@example.com>")
    assert Complaint.objects.count() == 2
    assert Contact.objects.count() == 1


def test_contact_for_email_finds_the_contact_of_an_address():
    first = contact_for_email(" Someone@Example.com ", language="ko")
    again = contact_for_email("someone@example.com", language="en")
    assert first.pk == again.pk
    assert (again.email, again.language, again.phone_index) == ("someone@example.com", "en", None)


def test_attachments_are_not_taken():
    picture = AnymailInboundMessage.construct_attachment("image/png", b"\x89PNG not really", filename="bench.png")
    receive(attachments=[picture])
    assert Complaint.objects.count() == 1
    assert not ComplaintPhoto.objects.exists()


@pytest.mark.parametrize(
    "kwargs",
    [
        {"text": "", "html": ""},
        {"text": "  \n ", "html": "<p> </p>"},
        {"spam": True},
        {"headers": {"Auto-Submitted": "auto-replied"}},
        {"headers": {"Precedence": "bulk"}},
        {"headers": {"X-Autoreply": "yes"}},
        {"sender": "MAILER-DAEMON@mail.example.com"},
        {"sender": "no-reply@seoul.go.kr"},  # the site's own address: a loop
        {"sender": "not an address"},
        {"sender": "a@example.com, b@example.com"},
    ],
    ids=["empty", "blank", "spam", "auto-submitted", "bulk", "autoreply", "bounce", "own-address", "invalid",
         "two-senders"],
)  # fmt: skip
def test_mail_that_is_not_a_complaint_writes_nothing(kwargs):
    receive(**kwargs)
    assert nothing_written()


def test_flooding_from_one_sender_stops_at_the_limit(settings, caplog):
    settings.COMPLAINTS_INBOUND_HOURLY_LIMIT = 2
    receive(message_id="<1@example.com>")
    receive(message_id="<2@example.com>")
    with caplog.at_level(logging.WARNING, logger="complaints.inbound.mail"):
        receive(message_id="<3@example.com>")
    assert Complaint.objects.count() == 2
    assert "refused" in caplog.text and SENDER.lower() not in caplog.text.lower()
    receive(sender="other@example.com", message_id="<4@example.com>")
    assert Complaint.objects.count() == 3


# --- Through an ESP's webhook ----------------------------------------------------------------------


def postmark_payload(**fields):
    payload = {
        "FromFull": {"Email": SENDER, "Name": "홍길동"},
        "ToFull": [{"Email": "minwon@seoul.go.kr", "Name": ""}],
        "Subject": "보도블록 파손",
        "TextBody": "",
        "HtmlBody": "<p>보도블록이 <i>깨져</i> 있습니다.</p>",
        "Headers": [{"Name": "Message-ID", "Value": "<pm-1@example.com>"}],
        "MessageID": "5f6e-postmark",
        "Attachments": [{"Name": "a.txt", "ContentType": "text/plain",
                         "Content": base64.b64encode(b"hello").decode()}],
    }  # fmt: skip
    payload.update(fields)
    return json.dumps(payload)


def post_postmark(client, body, *, auth=WEBHOOK_SECRET):
    headers = {"Authorization": "Basic " + base64.b64encode(auth.encode()).decode()} if auth else {}
    return client.post(POSTMARK_URL, body, content_type="application/json", headers=headers)


@pytest.fixture
def esp_configured(settings):
    settings.ANYMAIL = {**settings.ANYMAIL, "WEBHOOK_SECRET": WEBHOOK_SECRET}


def test_postmark_s_inbound_webhook_files_the_complaint(client, esp_configured):
    response = post_postmark(client, postmark_payload())
    assert response.status_code == 200
    complaint = Complaint.objects.get()
    assert (complaint.channel, complaint.title, complaint.description) == ("email", "보도블록 파손", "보도블록이 깨져 있습니다.")
    # Delivered again (Postmark retries on a timeout): still one complaint.
    assert post_postmark(client, postmark_payload()).status_code == 200
    assert Complaint.objects.count() == 1


def test_the_webhook_refuses_wrong_credentials_and_writes_nothing(client, esp_configured):
    assert post_postmark(client, postmark_payload(), auth="postmark:wrong").status_code == 400
    assert post_postmark(client, postmark_payload(), auth="").status_code == 400
    assert nothing_written()


def test_without_a_webhook_secret_inbound_email_is_shut(client, settings):
    settings.ANYMAIL = {key: value for key, value in settings.ANYMAIL.items() if key != "WEBHOOK_SECRET"}
    assert post_postmark(client, postmark_payload()).status_code == 404
    assert nothing_written()
