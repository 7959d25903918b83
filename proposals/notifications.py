"""The notices of a proposal's stage changes: one kind per stage it reaches.

Templates: templates/notifications/proposal_<status>/{sms.txt,email_subject.txt,email_body.txt},
given proposal_id, title, support_count, answer_due_on, answer_type, window_days and debate_days.
"""

from django.utils.translation import gettext_lazy as _

from notifications.kinds import NotificationKind, register_kind

STAGE_KIND_LABELS = {
    "open": _("Proposal published"),
    "under_review": _("Proposal sent to department review"),
    "closed_insufficient": _("Proposal closed: not enough support"),
    "answered": _("Proposal answered by the department"),
    "in_debate": _("Proposal opened for public debate"),
    "debate_closed": _("Proposal debate closed"),
    "awaiting_mayor": _("Proposal awaiting the Mayor's answer"),
    "mayor_answered": _("Proposal answered by the Mayor"),
}


def register_notification_kinds():
    for status, label in STAGE_KIND_LABELS.items():
        register_kind(NotificationKind.from_folder(f"proposal_{status}", label=label))
