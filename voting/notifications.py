"""The notices a citizen gets about the poll they proposed: screened (approved or rejected with the
reason) and closed (the results are out).

Templates: templates/notifications/<kind>/{sms.txt,email_subject.txt,email_body.txt}, given
poll_id, title, reason (the rejection's) and opens_at (services/polls.py `_notify_proposer`).
"""

from django.utils.translation import gettext_lazy as _

from notifications.kinds import NotificationKind, register_kind

KIND_LABELS = {
    "poll_approved": _("Poll approved in screening"),
    "poll_rejected": _("Poll rejected in screening"),
    "poll_results": _("Poll closed: results published"),
}


def register_notification_kinds():
    for key, label in KIND_LABELS.items():
        register_kind(NotificationKind.from_folder(key, label=label))
