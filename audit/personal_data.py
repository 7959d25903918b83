"""What the audit log holds about one citizen, for their download and their erasure.

Events stay (the log is append-only and its summaries hold no personal data); what erasure
removes is the one personal item kept beside them, the client IP of the citizen's own actions.
"""

from .models import AuditEvent, AuditEventIP


def _own_events(citizen):
    return AuditEvent.objects.filter(actor_id=citizen.pk).exclude(actor_kind=AuditEvent.ActorKind.SYSTEM)


def audit_export(citizen):
    events = _own_events(citizen).select_related("client_ip").order_by("occurred_at", "pk")
    return [
        {
            "occurred_at": event.occurred_at.isoformat(),
            "action": event.action,
            "target_type": event.target_type,
            "target_id": event.target_id,
            "ip": getattr(getattr(event, "client_ip", None), "ip", None),
        }
        for event in events
    ]


def audit_erase(citizen):
    AuditEventIP.objects.filter(event__in=_own_events(citizen)).delete()
