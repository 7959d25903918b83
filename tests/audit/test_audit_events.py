from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from freezegun import freeze_time

from audit.appendonly import AppendOnlyError
from audit.models import AuditEvent, AuditEventIP
from audit.services import audit_record
from audit.summaries import PersonalDataInSummary
from citizens.models import Citizen
from citizens.signals import audited_action

pytestmark = pytest.mark.django_db


def test_audit_record_writes_event_with_actor_target_and_separate_ip(citizen, official):
    event = audit_record(
        actor=official, action="citizen.suspend", target=citizen, summary={"reason": "R3"}, ip="203.0.113.9"
    )

    event.refresh_from_db()
    assert (event.actor_id, event.actor_kind) == (official.pk, AuditEvent.ActorKind.STAFF)
    assert (event.target_type, event.target_id) == ("citizens.citizen", str(citizen.pk))
    assert event.summary == {"reason": "R3"}
    ip = AuditEventIP.objects.get(event=event)
    assert ip.ip == "203.0.113.9"
    assert ip.expires_at - ip.recorded_at == timedelta(days=730)


@pytest.mark.parametrize(
    ("actor", "kind"),
    [(None, "system"), ("citizen", "citizen"), ("anonymous", "anonymous")],
)
def test_actor_kind_follows_the_actor(citizen, actor, kind):
    actor = {"citizen": citizen, "anonymous": AnonymousUser(), None: None}[actor]
    event = audit_record(actor=actor, action="poll.close", target=("voting.poll", 12))
    assert event.actor_kind == kind
    assert event.actor_id == (citizen.pk if kind == "citizen" else None)
    assert (event.target_type, event.target_id) == ("voting.poll", "12")


def test_no_ip_and_a_malformed_ip_write_no_ip_row():
    first = audit_record(actor=None, action="ledger.seal", ip="")
    second = audit_record(actor=None, action="ledger.seal", ip="not-an-address")
    assert not AuditEventIP.objects.filter(event__in=[first, second]).exists()
    assert AuditEvent.objects.count() == 2


@pytest.mark.parametrize(
    "summary",
    [
        {"contact": "010-1234-5678"},
        {"contact": "01012345678"},
        {"contact": "+82 10 1234 5678"},
        {"contact": "+14155550123"},
        {"office": "02-120-1234"},
        {"reply_to": "kim@example.com"},
        {"nested": {"list": ["ok", "jane.doe@seoul.go.kr"]}},
        {"rrn": "R1"},
        {"id_number": "900101-1234567"},
        {"phone": "masked"},
        {"ip": "203.0.113.9"},
        {"note": "x" * 201},
        {"010-1234-5678": 1},
    ],
)
def test_audit_record_rejects_personal_data_in_summary(summary):
    with pytest.raises(PersonalDataInSummary):
        audit_record(actor=None, action="complaint.answer", summary=summary)
    assert not AuditEvent.objects.exists()


def test_personal_data_error_is_a_value_error():
    with pytest.raises(ValueError, match="phone number"):
        audit_record(actor=None, action="complaint.answer", summary={"to": "010-9876-5432"})


def test_ids_codes_dates_and_hashes_are_accepted():
    summary = {
        "poll": 12,
        "district": "11680",
        "status": "approved",
        "scope": "sample.poll:12",
        "on": "2025-01-15",
        "amount_krw": 1_000_000_000,
        "digest": "f02123456780a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a",
        "consent": {"participation": "v2:granted"},
    }
    assert audit_record(actor=None, action="poll.publish", summary=summary).summary == summary


@pytest.mark.parametrize("action", ["", "Publish", "poll", "poll.publish; drop", None])
def test_audit_record_rejects_malformed_actions(action):
    with pytest.raises(ValueError, match="action"):
        audit_record(actor=None, action=action)


def test_events_refuse_every_orm_change_and_delete():
    event = audit_record(actor=None, action="poll.publish", summary={"poll": 1})

    event.action = "poll.delete"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="poll.delete")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.bulk_update([event], ["action"])
    with pytest.raises(AppendOnlyError):
        AuditEventIP.objects.all().update(ip="198.51.100.1")
    assert AuditEvent.objects.get(pk=event.pk).action == "poll.publish"


def test_a_new_object_with_an_existing_primary_key_cannot_overwrite():
    event = audit_record(actor=None, action="poll.publish")
    impostor = AuditEvent(pk=event.pk, actor_kind="system", action="poll.delete")
    with pytest.raises(DatabaseError), transaction.atomic():
        impostor.save()
    assert AuditEvent.objects.get(pk=event.pk).action == "poll.publish"


@pytest.mark.postgres
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditevent SET action = 'poll.delete'",
        "DELETE FROM audit_auditevent",
        "UPDATE audit_auditeventip SET ip = '198.51.100.1'",
    ],
)
def test_database_refuses_raw_updates_and_deletes(sql):
    audit_record(actor=None, action="poll.publish", ip="203.0.113.9")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    assert AuditEvent.objects.get().action == "poll.publish"
    assert AuditEventIP.objects.get().ip == "203.0.113.9"


@pytest.mark.postgres
def test_database_allows_deleting_an_ip_only():
    audit_record(actor=None, action="poll.publish", ip="203.0.113.9")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditeventip")
        assert cursor.rowcount == 1
    assert AuditEvent.objects.count() == 1


def test_audited_action_signal_writes_an_event_in_the_same_transaction(citizen):
    audited_action.send(
        sender=Citizen, actor=citizen, action="citizen.erase", target=citizen, summary={"handlers": 3}, ip="203.0.113.9"
    )

    event = AuditEvent.objects.get(action="citizen.erase")
    assert (event.actor_kind, event.actor_id) == ("citizen", citizen.pk)
    assert (event.target_type, event.target_id) == ("citizens.citizen", str(citizen.pk))
    assert event.summary == {"handlers": 3}
    assert event.client_ip.ip == "203.0.113.9"


def test_personal_data_sent_with_the_signal_undoes_the_action(citizen):
    with pytest.raises(PersonalDataInSummary), transaction.atomic():
        citizen.name = "홍길동"
        citizen.save()
        audited_action.send(
            sender=Citizen, actor=citizen, action="citizen.profile_update", target=citizen, summary={"name": "홍길동"}
        )
    citizen.refresh_from_db()
    assert citizen.name == ""
    assert not AuditEvent.objects.exists()


def test_purge_audit_ips_destroys_expired_addresses_and_keeps_events(capsys):
    with freeze_time("2023-03-01 09:00:00+09:00"):
        old = audit_record(actor=None, action="poll.publish", ip="203.0.113.9")
    with freeze_time("2025-02-01 09:00:00+09:00"):
        recent = audit_record(actor=None, action="poll.publish", ip="2001:db8::1")

    with freeze_time("2025-03-02 09:00:00+09:00"):
        call_command("purge_audit_ips")

    assert "Destroyed 1" in capsys.readouterr().out
    assert list(AuditEventIP.objects.values_list("event", flat=True)) == [recent.pk]
    assert AuditEvent.objects.filter(pk__in=[old.pk, recent.pk]).count() == 2
    # The destruction itself is on record (PIPA), without the address.
    record = AuditEvent.objects.get(action="audit.ip_purge")
    assert (record.actor_kind, record.summary) == ("system", {"destroyed": 1, "retention_days": 730})


def test_a_shortened_retention_applies_to_addresses_already_recorded(settings):
    with freeze_time("2025-01-01 09:00:00+09:00"):
        audit_record(actor=None, action="poll.publish", ip="203.0.113.9")
    settings.AUDIT_IP_RETENTION_DAYS = 30
    with freeze_time("2025-01-30 09:00:00+09:00"):
        call_command("purge_audit_ips")
        assert AuditEventIP.objects.count() == 1
    with freeze_time("2025-02-01 09:00:00+09:00"):
        call_command("purge_audit_ips")
        assert AuditEventIP.objects.count() == 0


def test_events_are_stamped_with_the_current_time():
    with freeze_time("2025-05-05 12:00:00+09:00"):
        event = audit_record(actor=None, action="poll.publish")
    assert event.occurred_at == datetime(2025, 5, 5, 3, 0, tzinfo=UTC)
