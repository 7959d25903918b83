"""Listeners on the lower layers' signals: citizens' actions are audited like any other."""

from .services import audit_record


def record_audited_action(sender, *, action, actor=None, target=None, summary=None, ip=None, **kwargs):
    # Sent inside the citizens service's transaction: the event commits or rolls back with it,
    # and an exception here (personal data in the summary) undoes the action.
    audit_record(actor=actor, action=action, target=target, summary=summary, ip=ip)
