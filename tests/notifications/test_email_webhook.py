"""The ESP's tracking webhook, over HTTP, through anymail's view (here SendGrid's)."""

import base64
import json

import pytest
from django.test import Client
from django.utils import timezone

from citizens.models import Citizen
from notifications.models import Notification
from notifications.services import notify

pytestmark = [
    pytest.mark.django_db,
    # anymail warns that SendGrid is no longer officially supported; its webhook still works.
    pytest.mark.filterwarnings("ignore::anymail.exceptions.AnymailNotSupportedWarning"),
]

PATH = "/anymail/sendgrid/tracking/"
SECRET = "esp-user:esp-long-random-password"
# anymail's SendGrid backend sends its own message id as the custom arg `anymail_id`, and the
# webhook reads it back from there.
MESSAGE_ID = "2bc5b9a7-8d3f-4a8b-9a3e-1c2d3e4f5a6b"


@pytest.fixture(autouse=True)
def webhook_secret(settings):
    settings.ANYMAIL = {**settings.ANYMAIL, "WEBHOOK_SECRET": SECRET}


@pytest.fixture
def sent_email(make_citizen, greeting, greeting_context):
    citizen = make_citizen(notify_by=Citizen.NotifyBy.EMAIL, email="someone@example.com")
    (row,) = notify(recipient=citizen, kind="test_greeting", context=greeting_context, key="k")
    Notification.objects.filter(pk=row.pk).update(
        status="sent", sent_at=timezone.now(), next_attempt_at=None, provider_message_id=MESSAGE_ID
    )
    return row


def post_events(client, events, *, credentials=SECRET):
    headers = {"Authorization": "Basic " + base64.b64encode(credentials.encode()).decode()} if credentials else {}
    return client.post(PATH, json.dumps(events), content_type="application/json", headers=headers)


def event(kind, **fields):
    return {"email": "someone@example.com", "timestamp": 1735689600, "event": kind, "anymail_id": MESSAGE_ID,
            "sg_event_id": f"evt-{kind}", "sg_message_id": "sg-1.filter", **fields}


def test_a_delivered_event_records_the_delivery(sent_email):
    # The ESP sends no CSRF token: the view must stay exempt where CSRF is enforced.
    client = Client(enforce_csrf_checks=True)
    response = post_events(client, [event("delivered", response="250 2.0.0 OK")])

    assert response.status_code == 200
    row = Notification.objects.get(pk=sent_email.pk)
    assert (row.provider_status, row.provider_error) == ("delivered", "")
    assert row.provider_status_at is not None


def test_a_bounce_keeps_the_reason_but_not_the_address(client, sent_email):
    response = post_events(
        client, [event("bounce", reason="550 5.1.1 <someone@example.com>: Recipient address rejected", status="5.1.1")]
    )

    assert response.status_code == 200
    row = Notification.objects.get(pk=sent_email.pk)
    assert row.provider_status == "bounced"
    assert "550 5.1.1" in row.provider_error and "Recipient address rejected" in row.provider_error
    assert "someone@example.com" not in row.provider_error


@pytest.mark.parametrize("credentials", ["", "esp-user:wrong-password"])
def test_missing_or_wrong_basic_auth_is_refused_and_changes_nothing(client, sent_email, credentials):
    response = post_events(client, [event("bounce", reason="550 5.1.1 user unknown")], credentials=credentials)

    assert response.status_code in (400, 403)
    row = Notification.objects.get(pk=sent_email.pk)
    assert (row.provider_status, row.provider_error, row.provider_status_at) == ("", "", None)


def test_an_esp_not_configured_here_answers_404_not_500(client, sent_email):
    # Mailgun's webhook needs MAILGUN_WEBHOOK_SIGNING_KEY, which this site does not set.
    response = client.post("/anymail/mailgun/tracking/", {"event-data": "{}"}, headers={"Authorization": "x"})
    assert response.status_code == 404
    assert Notification.objects.get(pk=sent_email.pk).provider_status == ""


def test_inbound_mail_webhooks_are_not_routed(client):
    assert client.post("/anymail/sendgrid/inbound/", {}).status_code == 404


def test_without_a_webhook_secret_the_webhooks_stay_shut(client, sent_email, settings):
    settings.ANYMAIL = {key: value for key, value in settings.ANYMAIL.items() if key != "WEBHOOK_SECRET"}
    response = post_events(client, [event("delivered")], credentials="anyone:anything")
    assert response.status_code == 404
    assert Notification.objects.get(pk=sent_email.pk).provider_status == ""
