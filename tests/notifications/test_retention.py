from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from freezegun import freeze_time

from audit.models import AuditEvent
from citizens import registry
from notifications.models import Contact, Notification
from notifications.retention import outbox_purge_expired
from notifications.services import contact_for_phone, notify
from notifications.tasks import purge_outbox

pytestmark = pytest.mark.django_db

START = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def send_code(phone, reference):
    registry.send_code(phone=phone, code="482913", language="ko", reference=reference)
    return Notification.objects.get(key=f"verification:{reference}")


def mark(row, status):
    now = row.created_at
    times = {"sent": {"sent_at": now}, "failed": {"failed_at": now}, "pending": {}}[status]
    Notification.objects.filter(pk=row.pk).update(
        status=status, next_attempt_at=now if status == "pending" else None, **times
    )


@pytest.fixture
def outbox(make_citizen, greeting, greeting_context, settings):
    """Rows of every age and state, written as time passes; returns them by name."""
    settings.NOTIFICATION_RETENTION_DAYS = 365
    citizen = make_citizen()
    rows = {}

    def greet(key):
        return notify(recipient=citizen, kind="test_greeting", context=greeting_context, key=key)[0]

    with freeze_time(START) as clock:
        rows["old_greeting_sent"] = greet("old-sent")
        rows["old_greeting_failed"] = greet("old-failed")
        rows["old_greeting_pending"] = greet("old-pending")  # still being tried: never purged
        rows["old_code_contact"] = send_code("+821011110000", "old-code")  # their only code
        clock.tick(timedelta(days=300))
        rows["recent_greeting_sent"] = greet("recent-sent")
        clock.tick(timedelta(days=70))  # now START + 370 days
        rows["day_old_code_sent"] = send_code("+821022220000", "day-old-sent")
        rows["day_old_code_pending"] = send_code("+821033330000", "day-old-pending")
        # A contact whose old code is purged but who asked for a new one today: kept.
        rows["returning_old_code"] = send_code("+821044440000", "returning-old")
        clock.tick(timedelta(days=1, seconds=1))
        rows["fresh_code"] = send_code("+821044440000", "returning-new")
        rows["guest"] = contact_for_phone("+821055550000", language="ko")  # no notification yet, but new

    for name, status in [("old_greeting_sent", "sent"), ("old_greeting_failed", "failed"),
                         ("recent_greeting_sent", "sent"), ("day_old_code_sent", "sent")]:
        mark(rows[name], status)
    return rows


def test_the_purge_removes_what_has_served_its_purpose_and_keeps_the_rest(outbox):
    with freeze_time(START + timedelta(days=371, seconds=2)):
        report = outbox_purge_expired()

    kept = set(Notification.objects.values_list("pk", flat=True))
    assert kept == {outbox[name].pk for name in ("old_greeting_pending", "recent_greeting_sent", "fresh_code")}
    # Only the contact that still has a notification, and the one created today, are left.
    assert set(Contact.objects.values_list("pk", flat=True)) == {outbox["fresh_code"].contact_id, outbox["guest"].pk}
    assert (report.sign_in_codes, report.notifications, report.contacts) == (4, 2, 3)


def test_a_sign_in_code_is_kept_for_a_day(outbox):
    with freeze_time(START + timedelta(days=370, hours=23)):
        report = outbox_purge_expired()

    assert report.sign_in_codes == 1  # only the one sent a year ago
    for name in ("day_old_code_sent", "day_old_code_pending", "returning_old_code", "fresh_code"):
        assert Notification.objects.filter(pk=outbox[name].pk).exists()
    assert not Contact.objects.filter(pk=outbox["old_code_contact"].contact_id).exists()


def test_the_retention_period_comes_from_settings(outbox, settings):
    settings.NOTIFICATION_RETENTION_DAYS = 30
    with freeze_time(START + timedelta(days=371, seconds=2)):
        report = outbox_purge_expired()
    assert report.notifications == 3  # the greeting sent 300 days in goes too
    assert Notification.objects.filter(pk=outbox["old_greeting_pending"].pk).exists()


def test_the_purge_is_recorded_in_the_audit_log(outbox):
    with freeze_time(START + timedelta(days=371, seconds=2)):
        outbox_purge_expired(batch_size=3)

    events = AuditEvent.objects.filter(action="notification.purge")
    deleted = {}
    for event in events:
        deleted[event.summary["what"]] = deleted.get(event.summary["what"], 0) + event.summary["deleted"]
        assert event.actor_kind == "system"
    assert deleted == {"sign_in_codes": 4, "notifications": 2, "contacts": 3}


def test_the_command_and_the_task_print_the_counts(outbox):
    out = StringIO()
    with freeze_time(START + timedelta(days=371, seconds=2)):
        call_command("purge_outbox", stdout=out)
        second_run = purge_outbox()

    assert out.getvalue().strip() == (
        "Deleted sign-in code notifications: 4, other notifications past retention: 2, unused contacts: 3."
    )
    assert second_run == (
        "Deleted sign-in code notifications: 0, other notifications past retention: 0, unused contacts: 0."
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_contact_being_used_for_a_new_code_is_not_purged(make_citizen):
    """contact_for_phone locks its contact until the sign-in commits; the purge skips it."""
    import threading

    from django.db import connection

    with freeze_time(START):
        contact = contact_for_phone("+821066660000", language="ko")
    results = {}

    with freeze_time(START + timedelta(days=2)), transaction.atomic():
        contact_for_phone("+821066660000", language="ko")  # a sign-in holds it, not committed yet

        def purge():
            try:
                results["report"] = outbox_purge_expired()
            finally:
                connection.close()

        thread = threading.Thread(target=purge)
        thread.start()
        thread.join(timeout=10)
        assert not thread.is_alive()  # skipped, not waited for

    assert results["report"].contacts == 0
    assert Contact.objects.filter(pk=contact.pk).exists()


def test_the_purge_runs_daily_from_celery_beat(settings):
    from seoul_portal.celery import app

    # The outbox's purge is one kind of the daily personal-data purge (seoul_portal/retention.py).
    entry = settings.CELERY_BEAT_SCHEDULE["purge-personal-data"]
    assert (entry["task"], entry["schedule"]) == ("seoul_portal.tasks.purge_personal_data", 24 * 60 * 60.0)
    assert entry["task"] in app.tasks
    assert "notifications" in settings.PERSONAL_DATA_RETENTION
