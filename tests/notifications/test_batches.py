"""Mass sends in batches: the rows of one transaction are published together, a task claims its
batch ten rows at a time and sends each row once."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from notifications import delivery, dispatch
from notifications.models import Notification
from notifications.services import notify

pytestmark = pytest.mark.django_db


@pytest.fixture
def publishes(monkeypatch):
    """What would go to the broker: ("one", id) for a lone row's task, ("batch", ids) for a batch's."""
    sent = []
    monkeypatch.setattr(dispatch, "publish_delivery", lambda notification_id: sent.append(("one", notification_id)))
    monkeypatch.setattr(dispatch, "publish_batch", lambda ids: sent.append(("batch", list(ids))))
    return sent


@pytest.fixture
def rows(make_citizen, greeting, greeting_context):
    def write(count, *, prefix="k"):
        return [
            notify(recipient=make_citizen(), kind="test_greeting", context=greeting_context, key=f"{prefix}{number}")[0]
            for number in range(count)
        ]

    return write


def test_the_rows_of_one_transaction_are_published_as_batches(rows, publishes, settings,
                                                               django_capture_on_commit_callbacks):
    settings.NOTIFICATION_DELIVERY_BATCH = 2

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        written = rows(5)

    ids = [row.pk for row in written]
    assert publishes == [("batch", ids[0:2]), ("batch", ids[2:4]), ("batch", ids[4:5])]


def test_a_lone_row_goes_as_its_own_task(rows, publishes, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        (row,) = rows(1)

    assert publishes == [("one", row.pk)]


def test_a_rolled_back_savepoint_takes_its_batch_with_it(rows, publishes, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            rows(2, prefix="gone")
            raise RuntimeError("the request failed")
        kept = rows(2, prefix="kept")

    assert publishes == [("batch", [row.pk for row in kept])]
    assert not Notification.objects.filter(key__startswith="gone").exists()


def test_a_published_batch_is_not_added_to(rows, publishes, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = rows(2, prefix="a")
    with django_capture_on_commit_callbacks(execute=True):
        second = rows(2, prefix="b")

    assert publishes == [("batch", [row.pk for row in first]), ("batch", [row.pk for row in second])]


def test_a_batch_is_delivered_once_and_the_rest_reported(rows, sms_outbox, settings):
    written = rows(12)
    ids = [row.pk for row in written]
    sent_before, claimed_elsewhere = written[0], written[1]
    Notification.objects.filter(pk=sent_before.pk).update(status="sent", sent_at=timezone.now(), next_attempt_at=None)
    assert delivery.claim(claimed_elsewhere.pk) is not None  # another worker holds it
    expired = written[2]
    Notification.objects.filter(pk=expired.pk).update(valid_until=timezone.now() - timedelta(seconds=1))
    sms_outbox.clear()

    outcomes = delivery.deliver_many([*ids, ids[5]])  # a repeated id is one row

    assert outcomes == {"sent": 9, "skipped": 2, "expired": 1}
    assert sorted(message.reference for message in sms_outbox) == sorted(str(pk) for pk in ids[3:])
    statuses = dict(Notification.objects.filter(pk__in=ids).values_list("pk", "status"))
    assert statuses == {**dict.fromkeys(ids[3:], "sent"), sent_before.pk: "sent", claimed_elsewhere.pk: "sending",
                        expired.pk: "failed"}
    assert set(Notification.objects.filter(pk__in=ids[3:]).values_list("attempts", flat=True)) == {1}
    assert delivery.deliver_many(ids) == {"skipped": 12}  # nothing is sent twice


def test_a_row_whose_lease_ran_short_is_handed_back_unsent(rows, sms_outbox, settings):
    settings.NOTIFICATION_SENDING_LEASE_SECONDS = 20  # less than the margin a send must have left
    (row,) = rows(1)
    sms_outbox.clear()

    assert delivery.deliver_many([row.pk]) == {"handed back": 1}

    row.refresh_from_db()
    assert sms_outbox == []
    assert (row.status, row.lease_expires_at, row.attempts) == ("pending", None, 1)
    assert row.next_attempt_at <= timezone.now()  # due: the sweep publishes it again


def test_a_failed_send_in_a_batch_is_recorded_and_the_rest_go(rows, sms_outbox, monkeypatch):
    written = rows(3)
    real_send = delivery.send

    def send(notification):
        if notification.pk == written[1].pk:
            raise RuntimeError("provider hiccup")
        return real_send(notification)

    monkeypatch.setattr(delivery, "send", send)
    sms_outbox.clear()

    assert delivery.deliver_many([row.pk for row in written]) == {"sent": 2, "retrying": 1}
    failed = Notification.objects.get(pk=written[1].pk)
    assert (failed.status, failed.attempts) == ("pending", 1) and "provider hiccup" in failed.last_error


def test_a_mass_send_is_delivered_through_batch_tasks(rows, sms_outbox, settings, django_capture_on_commit_callbacks):
    settings.NOTIFICATION_DELIVERY_BATCH = 4
    sms_outbox.clear()

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        written = rows(9)

    assert sorted(message.reference for message in sms_outbox) == sorted(str(row.pk) for row in written)
    assert set(Notification.objects.filter(pk__in=[row.pk for row in written]).values_list("status", flat=True)) == {
        "sent"}
