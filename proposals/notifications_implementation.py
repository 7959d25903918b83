"""The notices of implementation tracking: a milestone added or updated, and the proposal implemented.

Templates: templates/notifications/<kind>/{sms.txt,email_subject.txt,email_body.txt}, given
proposal_id, title, milestone, status_label, progress, overall_progress, due_on, completed_on,
added, note and implemented_on (see proposals.services.implementation).
"""

from django.utils.translation import gettext_lazy as _

from notifications.kinds import NotificationKind, register_kind

IMPLEMENTATION_KIND_LABELS = {
    "proposal_milestone": _("Proposal implementation milestone updated"),
    "proposal_implemented": _("Proposal implemented"),
}


def register_implementation_notification_kinds():
    for key, label in IMPLEMENTATION_KIND_LABELS.items():
        register_kind(NotificationKind.from_folder(key, label=label))
