"""Publishing to a broker that is down: one failed publish pauses the others, the rows wait."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from freezegun import freeze_time

from notifications import dispatch
from notifications.models import Notification
from notifications.services import notify
from tests.broker_support import publishing_to

# Nothing listens on port 1: every connection is refused at once.
CLOSED_PORT_BROKER = "redis://127.0.0.1:1/0"


@pytest.fixture
def broker_down(settings, monkeypatch):
    """The test process publishes for real (not eagerly), to a port where no broker listens."""
    with publishing_to(CLOSED_PORT_BROKER, settings=settings, monkeypatch=monkeypatch):
        yield


@pytest.fixture
def publish_attempts(monkeypatch):
    """The notification ids of every publish actually tried, a batch's as a list (each raising, the
    broker being down)."""
    attempts = []
    publish, publish_batch = dispatch.publish_delivery, dispatch.publish_batch

    def counted(notification_id):
        attempts.append(notification_id)
        return publish(notification_id)

    def counted_batch(notification_ids):
        attempts.append(list(notification_ids))
        return publish_batch(notification_ids)

    monkeypatch.setattr(dispatch, "publish_delivery", counted)
    monkeypatch.setattr(dispatch, "publish_batch", counted_batch)
    return attempts


@pytest.mark.django_db(transaction=True)
def test_one_failed_publish_pauses_the_rest_until_the_backoff_ends(
    broker_down, publish_attempts, make_citizen, greeting, greeting_context, settings
):
    settings.NOTIFICATION_PUBLISH_BACKOFF_SECONDS = 15
    citizen = make_citizen()

    with freeze_time(timezone.now()) as clock:
        # A request that writes five notifications while the broker is down.
        with transaction.atomic():
            rows = [
                notify(recipient=citizen, kind="test_greeting", context=greeting_context, key=f"k{number}")[0]
                for number in range(5)
            ]

        assert publish_attempts == [[row.pk for row in rows]]  # one attempt, not five
        assert list(Notification.objects.values_list("status", "attempts")) == [("pending", 0)] * 5  # committed

        clock.tick(timedelta(seconds=14))
        notify(recipient=citizen, kind="test_greeting", context=greeting_context, key="during")
        assert len(publish_attempts) == 1  # still paused

        clock.tick(timedelta(seconds=2))
        (after,) = notify(recipient=citizen, kind="test_greeting", context=greeting_context, key="after")
        assert publish_attempts[1:] == [after.pk]  # the backoff is over: tried again

    assert Notification.objects.filter(status="pending").count() == 7


def test_a_successful_publish_closes_the_breaker(monkeypatch, settings):
    outcomes = iter([RuntimeError("Connection refused"), None])

    def publish(notification_id):
        outcome = next(outcomes)
        if outcome:
            raise outcome

    monkeypatch.setattr(dispatch, "publish_delivery", publish)

    assert dispatch.enqueue_delivery(1) is False
    assert dispatch.publish_breaker.is_open()
    assert dispatch.enqueue_delivery(2) is False  # skipped: `outcomes` not consumed
    assert dispatch.enqueue_delivery(3, force=True) is True  # the sweep's probe finds the broker back
    assert not dispatch.publish_breaker.is_open()


def test_a_broker_error_is_logged_without_contact_data(monkeypatch, caplog):
    def publish(notification_id):
        raise ConnectionError("refused for +821012345678 / a@example.com")

    monkeypatch.setattr(dispatch, "publish_delivery", publish)

    with caplog.at_level("WARNING", logger="notifications.dispatch"):
        assert dispatch.enqueue_delivery(1) is False

    assert "ConnectionError: refused for [phone] / [email]" in caplog.text
    assert "+821012345678" not in caplog.text and "a@example.com" not in caplog.text
