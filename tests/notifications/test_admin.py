import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from audit.models import AuditEvent
from citizens import registry
from citizens.models import Citizen
from notifications.admin import HIDDEN_SENSITIVE_TEXT
from notifications.models import Contact, Notification
from notifications.services import contact_for_phone, notify

pytestmark = pytest.mark.django_db


@pytest.fixture
def official(db):
    return Citizen.objects.create_superuser(email="official@seoul.go.kr", password="long-enough-pass-123")


@pytest.fixture
def official_client(client, official):
    client.force_login(official)
    return client


@pytest.fixture
def rows(make_citizen, greeting, greeting_context):
    citizen = make_citizen()
    failed, sent = (
        notify(recipient=citizen, kind="test_greeting", context=greeting_context, key=key)[0] for key in ("f", "s")
    )
    now = timezone.now()
    Notification.objects.filter(pk=failed.pk).update(
        status="failed", failed_at=now, next_attempt_at=None, attempts=6, last_error="SendError: down"
    )
    Notification.objects.filter(pk=sent.pk).update(status="sent", sent_at=now, next_attempt_at=None)
    return failed, sent


def test_retry_now_sends_a_failed_notification_again(official_client, rows, sms_outbox,
                                                     django_capture_on_commit_callbacks):
    failed, sent = rows
    url = reverse("admin:notifications_notification_changelist")

    with django_capture_on_commit_callbacks(execute=True):
        response = official_client.post(
            url, {"action": "retry_now", "_selected_action": [failed.pk, sent.pk]}, follow=True
        )

    assert response.status_code == 200
    failed.refresh_from_db()
    sent.refresh_from_db()
    assert (failed.status, failed.attempts) == ("sent", 1)
    assert [message.reference for message in sms_outbox] == [str(failed.pk)]
    assert sent.status == "sent"
    assert "대기 중이거나 발송에 실패한 알림만 다시 보낼 수 있습니다." in response.content.decode()


def test_the_outbox_is_listed_filtered_and_not_editable(official_client, rows):
    failed, _ = rows
    changelist = reverse("admin:notifications_notification_changelist")

    listed = official_client.get(changelist, {"status__exact": "failed"})
    change = official_client.post(
        reverse("admin:notifications_notification_change", args=[failed.pk]), {"status": "sent"}
    )

    assert listed.status_code == 200 and list(listed.context["cl"].result_list) == [failed]
    assert change.status_code in (302, 403)
    assert Notification.objects.get(pk=failed.pk).status == "failed"
    assert official_client.get(reverse("admin:notifications_notification_add")).status_code == 403


def test_contacts_show_only_a_masked_phone(official_client):
    contact = contact_for_phone("+821012345678", language="ko")

    pages = [
        official_client.get(reverse("admin:notifications_contact_changelist")),
        official_client.get(reverse("admin:notifications_contact_change", args=[contact.pk])),
    ]

    for page in pages:
        html = page.content.decode()
        assert page.status_code == 200
        assert "010-****-5678" in html
        assert "12345678" not in html and contact.phone_index not in html
    assert Contact.objects.count() == 1


def test_the_text_of_a_pending_sign_in_code_is_never_shown(official_client):
    registry.send_code(phone="+821012345678", code="482913", language="ko", reference="r1")
    row = Notification.objects.get()
    assert row.status == "pending" and "482913" in row.body  # not sent yet: the text is still there

    pages = [
        official_client.get(reverse("admin:notifications_notification_change", args=[row.pk])),
        official_client.get(reverse("admin:notifications_notification_changelist")),
    ]

    for page in pages:
        assert page.status_code == 200
        assert "482913" not in page.content.decode()
    with translation.override("ko"):
        assert escape(str(HIDDEN_SENSITIVE_TEXT)) in pages[0].content.decode()


def test_the_text_of_other_notifications_is_shown(official_client, rows):
    failed, _ = rows
    page = official_client.get(reverse("admin:notifications_notification_change", args=[failed.pk]))
    assert escape(failed.body) in page.content.decode()


def test_retry_now_is_audited_with_the_official_and_no_personal_data(
    official_client, official, rows, django_capture_on_commit_callbacks
):
    failed, sent = rows

    with django_capture_on_commit_callbacks(execute=True):
        official_client.post(
            reverse("admin:notifications_notification_changelist"),
            {"action": "retry_now", "_selected_action": [failed.pk, sent.pk]},
        )

    # One event: the retry of the sent row was refused and changed nothing.
    event = AuditEvent.objects.get(action="notification.retry")
    assert (event.actor_id, event.actor_kind) == (official.pk, "staff")
    assert (event.target_type, event.target_id) == ("notifications.notification", str(failed.pk))
    assert event.summary == {"kind": "test_greeting", "channel": "sms"}
