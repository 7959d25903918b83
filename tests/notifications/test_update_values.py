"""seoul_portal.statements.update_values: the UPDATE the ORM would issue, as a prepared statement
(used for each message's outcome in a mass send)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from notifications.models import Notification
from notifications.services import notify
from seoul_portal.statements import update_values

pytestmark = pytest.mark.django_db

COLUMNS = ("status", "sent_at", "lease_expires_at", "next_attempt_at", "provider_message_id", "body", "attempts")


@pytest.fixture
def two_rows(make_citizen, greeting, greeting_context):
    def write(key):
        (row,) = notify(recipient=make_citizen(), kind="test_greeting", context=greeting_context, key=key)
        Notification.objects.filter(pk=row.pk).update(status="sending", attempts=2,
                                                      lease_expires_at=timezone.now() + timedelta(minutes=2))
        return row.pk

    return write("orm"), write("statement")


def test_it_writes_what_the_orm_update_writes(two_rows):
    orm, statement = two_rows
    now = timezone.now()
    values = {"status": "sent", "sent_at": now, "lease_expires_at": None, "next_attempt_at": None,
              "provider_message_id": "SM123", "body": ""}

    assert Notification.objects.filter(pk=orm, attempts=2, status__in=["sending", "pending"]).update(**values) == 1
    with CaptureQueriesContext(connection) as queries:
        changed = update_values(Notification, {"id": statement, "attempts": 2, "status": ("sending", "pending")},
                                **values)

    assert changed == 1 and len(queries) == 1 and queries[0]["sql"].startswith("UPDATE")
    rows = dict(Notification.objects.filter(pk__in=two_rows).values_list("pk", "body"))
    assert rows == {orm: "", statement: ""}
    assert list(Notification.objects.filter(pk=orm).values_list(*COLUMNS)) == list(
        Notification.objects.filter(pk=statement).values_list(*COLUMNS))


def test_a_row_that_does_not_match_is_left_alone(two_rows):
    _orm, statement = two_rows

    assert update_values(Notification, {"id": statement, "attempts": 3}, status="sent", sent_at=timezone.now()) == 0
    assert update_values(Notification, {"id": statement, "status": ("pending", "failed")}, status="sent",
                         sent_at=timezone.now()) == 0
    assert Notification.objects.get(pk=statement).status == "sending"
