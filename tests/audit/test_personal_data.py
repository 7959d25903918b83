import pytest

from audit.models import AuditEvent, AuditEventIP
from audit.personal_data import audit_erase, audit_export
from citizens import services

pytestmark = pytest.mark.django_db


def citizen(phone):
    person, _ = services.citizen_sign_in_by_phone(phone=phone, ip="203.0.113.10" if phone.endswith("1") else "198.51.100.20")
    return person


def test_the_export_holds_the_citizens_own_actions_with_their_ip():
    mine, other = citizen("+821055550001"), citizen("+821055550002")
    exported = audit_export(mine)
    assert [(row["action"], row["ip"]) for row in exported] == [("citizen.register", "203.0.113.10")]
    assert all(row["target_id"] == str(mine.pk) for row in exported)
    assert "198.51.100.20" not in str(exported)
    assert audit_export(other)[0]["ip"] == "198.51.100.20"


def test_erasure_destroys_the_citizens_ips_and_keeps_the_events():
    mine, other = citizen("+821055550001"), citizen("+821055550002")
    audit_erase(mine)
    assert AuditEvent.objects.filter(actor_id=mine.pk).count() == 1
    assert not AuditEventIP.objects.filter(event__actor_id=mine.pk).exists()
    assert AuditEventIP.objects.filter(event__actor_id=other.pk).exists()
