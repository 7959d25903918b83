"""Every write on meetings: schedule, cancel, mark held, attendance, minutes, agenda and votes.

A meeting moves scheduled → held (or → cancelled). When it is marked held, the members serving
that day and the quorum (`ceil(committee.quorum_ratio × members serving)`) are fixed on the row.
Minutes are written as a draft and become public only when approved; approved minutes and the
attendance behind them no longer change. Closing an agenda item with the committee's resolution
belongs to the review workspace (governance.services.reviews); the meeting records its vote.
"""

import math
from decimal import Decimal

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.services import audit_record
from notifications.kinds import NotificationKind, register_kind
from notifications.services import notify

from ..errors import GovernanceError
from ..models import AgendaItem, Attendance, Committee, Meeting, Membership

MEETING_SCHEDULED_KIND = NotificationKind(
    key="governance_meeting_scheduled",
    label=_("Committee meeting scheduled"),
    sms_template="governance/meetings/notifications/scheduled_sms.txt",
    email_subject_template="governance/meetings/notifications/scheduled_subject.txt",
    email_body_template="governance/meetings/notifications/scheduled_body.txt",
)


def register_notification_kinds():
    """Idempotent; also called before every notification this module writes."""
    register_kind(MEETING_SCHEDULED_KIND)


def quorum_for(committee: Committee, members: int) -> int:
    return math.ceil(Decimal(str(committee.quorum_ratio)) * members)


def members_serving_on(committee_id, day):
    """Memberships that held a seat on `day` (a term covering it, not ended before it)."""
    return Membership.objects.filter(committee_id=committee_id, term_start__lte=day, term_end__gte=day).filter(
        Q(status=Membership.Status.ACTIVE) | Q(status=Membership.Status.ENDED, ended_on__gte=day)
    )


def _locked(meeting) -> Meeting:
    return Meeting.objects.select_for_update().select_related("committee").get(pk=meeting.pk)


def _require_status(meeting, status, message):
    if meeting.status != status:
        raise GovernanceError(message)


def validate_schedule(*, title_ko, starts_at, ends_at=None, place_ko="", online=False):
    """Raises GovernanceError for a meeting that cannot be scheduled (the admin form shows it)."""
    if not (title_ko or "").strip():
        raise GovernanceError(_("Enter the meeting's title in Korean."))
    if starts_at is None or timezone.is_naive(starts_at) or (ends_at is not None and timezone.is_naive(ends_at)):
        raise GovernanceError(_("Give the meeting's time with its time zone."))
    if ends_at is not None and ends_at <= starts_at:
        raise GovernanceError(_("A meeting must end after it starts."))
    if not online and not (place_ko or "").strip():
        raise GovernanceError(_("Give the place of the meeting, or mark it as held online."))


def meeting_schedule(
    *, actor, committee, starts_at, title_ko, title_en="", ends_at=None, place_ko="", place_en="", online=False,
    ip=None,
) -> Meeting:
    """A new meeting, numbered after the committee's last one. Serving members are told if it lies ahead."""
    validate_schedule(title_ko=title_ko, starts_at=starts_at, ends_at=ends_at, place_ko=place_ko, online=online)
    title_ko = title_ko.strip()
    with transaction.atomic():
        committee = Committee.objects.select_for_update().get(pk=committee.pk)
        if not committee.is_active:
            raise GovernanceError(_("This committee is no longer active."))
        last = Meeting.objects.filter(committee=committee).aggregate(last=Max("number"))["last"] or 0
        meeting = Meeting.objects.create(
            committee=committee, number=last + 1, title_ko=title_ko, title_en=title_en.strip(), starts_at=starts_at,
            ends_at=ends_at, place_ko=place_ko.strip(), place_en=place_en.strip(), online=online,
        )
        audit_record(actor=actor, action="meeting.schedule", target=meeting, ip=ip,
                     summary={"committee": committee.pk, "number": meeting.number, "starts_at": starts_at.isoformat()})
        if starts_at > timezone.now():
            register_notification_kinds()
            day = timezone.localdate(starts_at)
            for membership in members_serving_on(committee.pk, day).select_related("person"):
                notify(recipient=membership.person, kind=MEETING_SCHEDULED_KIND.key,
                       context={"meeting": meeting, "committee": committee},
                       key=f"governance:meeting:{meeting.pk}:scheduled:{membership.pk}")
    return meeting


def meeting_cancel(*, actor, meeting, ip=None) -> Meeting:
    with transaction.atomic():
        meeting = _locked(meeting)
        _require_status(meeting, Meeting.Status.SCHEDULED, _("Only a scheduled meeting can be cancelled."))
        meeting.status = Meeting.Status.CANCELLED
        meeting.save(update_fields=["status"])
        audit_record(actor=actor, action="meeting.cancel", target=meeting, ip=ip,
                     summary={"committee": meeting.committee_id})
    return meeting


def meeting_mark_held(*, actor, meeting, ip=None) -> Meeting:
    """The meeting took place: the members serving that day and its quorum are fixed, and each of
    them gets an attendance row (absent until meeting_record_attendance says otherwise)."""
    with transaction.atomic():
        meeting = _locked(meeting)
        _require_status(meeting, Meeting.Status.SCHEDULED, _("Only a scheduled meeting can be marked as held."))
        if meeting.starts_at > timezone.now():
            raise GovernanceError(_("A meeting can be marked as held only once it has started."))
        serving = list(
            members_serving_on(meeting.committee_id, timezone.localdate(meeting.starts_at)).values_list("pk", flat=True)
        )
        members = len(serving)
        # Everyone serving is listed, absent until the attendance is recorded.
        Attendance.objects.bulk_create(
            [Attendance(meeting=meeting, membership_id=pk, present=False) for pk in serving], ignore_conflicts=True
        )
        meeting.status = Meeting.Status.HELD
        meeting.members_serving = members
        meeting.quorum = quorum_for(meeting.committee, members)
        meeting.save(update_fields=["status", "members_serving", "quorum"])
        audit_record(actor=actor, action="meeting.mark_held", target=meeting, ip=ip,
                     summary={"committee": meeting.committee_id, "members": members, "quorum": meeting.quorum})
    return meeting


def _require_open_record(meeting):
    _require_status(meeting, Meeting.Status.HELD, _("This can be recorded only for a meeting that was held."))
    if meeting.minutes_status == Meeting.MinutesStatus.APPROVED:
        raise GovernanceError(_("The minutes of this meeting are approved; its record no longer changes."))


def meeting_record_attendance(*, actor, meeting, present, ip=None) -> Meeting:
    """Who was present; every other member serving that day is recorded absent.

    `present`: memberships (or their ids). Returns the meeting with `present_count` set.
    """
    present_ids = {getattr(member, "pk", member) for member in present}
    with transaction.atomic():
        meeting = _locked(meeting)
        _require_open_record(meeting)
        serving = set(
            members_serving_on(meeting.committee_id, timezone.localdate(meeting.starts_at)).values_list("pk", flat=True)
        )
        strangers = present_ids - serving
        if strangers:
            raise GovernanceError(_("Only members serving on the day of the meeting can be recorded as present."))
        recorded = {row.membership_id: row for row in Attendance.objects.filter(meeting=meeting)}
        new_rows, changed = [], []
        for membership_id in sorted(serving):
            is_present = membership_id in present_ids
            row = recorded.get(membership_id)
            if row is None:
                new_rows.append(Attendance(meeting=meeting, membership_id=membership_id, present=is_present))
            elif row.present != is_present:
                row.present = is_present
                changed.append(row)
        Attendance.objects.bulk_create(new_rows)
        Attendance.objects.bulk_update(changed, ["present"])
        meeting.present_count = len(present_ids)
        audit_record(actor=actor, action="meeting.record_attendance", target=meeting, ip=ip,
                     summary={"committee": meeting.committee_id, "present": len(present_ids),
                              "serving": len(serving), "quorum": meeting.quorum})
    return meeting


def meeting_write_minutes(*, actor, meeting, minutes_ko, minutes_en="", ip=None) -> Meeting:
    """A draft of the minutes; it stays unpublished until approved."""
    minutes_ko = (minutes_ko or "").strip()
    if not minutes_ko:
        raise GovernanceError(_("Write the minutes in Korean."))
    with transaction.atomic():
        meeting = _locked(meeting)
        _require_open_record(meeting)
        meeting.minutes_ko, meeting.minutes_en = minutes_ko, (minutes_en or "").strip()
        meeting.minutes_status = Meeting.MinutesStatus.DRAFT
        meeting.save(update_fields=["minutes_ko", "minutes_en", "minutes_status"])
        audit_record(actor=actor, action="meeting.write_minutes", target=meeting, ip=ip,
                     summary={"committee": meeting.committee_id})
    return meeting


def meeting_approve_minutes(*, actor, meeting, ip=None) -> Meeting:
    """The draft minutes become the meeting's public record."""
    with transaction.atomic():
        meeting = _locked(meeting)
        if meeting.minutes_status != Meeting.MinutesStatus.DRAFT:
            raise GovernanceError(_("Only draft minutes can be approved."))
        meeting.minutes_status = Meeting.MinutesStatus.APPROVED
        meeting.minutes_approved_at = timezone.now()
        meeting.save(update_fields=["minutes_status", "minutes_approved_at"])
        audit_record(actor=actor, action="meeting.approve_minutes", target=meeting, ip=ip,
                     summary={"committee": meeting.committee_id})
    return meeting


def validate_agenda_add(*, meeting, title_ko, subject_kind="", subject_id=""):
    """The checks meeting_agenda_add makes, for forms to show before anything is saved."""
    if not (title_ko or "").strip():
        raise GovernanceError(_("Enter the agenda item's title in Korean."))
    if bool(subject_kind) != bool(subject_id):
        raise GovernanceError(_("An agenda item's subject needs both its kind and its id."))
    _require_status(meeting, Meeting.Status.SCHEDULED, _("Items can be added only to a scheduled meeting."))


def validate_votes(*, meeting, item, votes_for, votes_against, votes_abstain=0):
    """The checks of agenda_item_record_votes that do not depend on attendance, for forms to show before
    anything is saved (attendance may change in the same submission; the quorum is checked on saving)."""
    counts = (votes_for, votes_against, votes_abstain)
    if any(not isinstance(count, int) or isinstance(count, bool) or count < 0 for count in counts):
        raise GovernanceError(_("Vote counts are whole numbers, zero or more."))
    if item.meeting_id != meeting.pk:
        raise GovernanceError(_("This item is not on the agenda of this meeting."))
    _require_open_record(meeting)
    if item.status == AgendaItem.Status.CLOSED:
        raise GovernanceError(_("This item is closed; its vote no longer changes."))


def meeting_agenda_add(
    *, actor, meeting, title_ko, title_en="", description_ko="", description_en="", is_public=True,
    subject_kind="", subject_id="", ip=None,
) -> AgendaItem:
    """Put an item on a scheduled meeting's agenda, after the items already on it."""
    title_ko = (title_ko or "").strip()
    validate_agenda_add(meeting=meeting, title_ko=title_ko, subject_kind=subject_kind, subject_id=subject_id)
    with transaction.atomic():
        meeting = _locked(meeting)
        validate_agenda_add(meeting=meeting, title_ko=title_ko, subject_kind=subject_kind, subject_id=subject_id)
        last = AgendaItem.objects.filter(meeting=meeting).aggregate(last=Max("order"))["last"] or 0
        item = AgendaItem.objects.create(
            committee_id=meeting.committee_id, meeting=meeting, order=last + 1, title_ko=title_ko,
            title_en=(title_en or "").strip(), description_ko=description_ko, description_en=description_en,
            is_public=is_public, subject_kind=subject_kind, subject_id=str(subject_id or ""),
        )
        audit_record(actor=actor, action="agenda_item.add", target=item, ip=ip,
                     summary={"meeting": meeting.pk, "order": item.order})
    return item


def agenda_item_record_votes(*, actor, meeting, item, votes_for, votes_against, votes_abstain=0, ip=None) -> AgendaItem:
    """The vote the meeting took on one of its items. Needs the quorum present; the review
    workspace then closes the item with the resolution."""
    counts = (votes_for, votes_against, votes_abstain)
    if any(not isinstance(count, int) or isinstance(count, bool) or count < 0 for count in counts):
        raise GovernanceError(_("Vote counts are whole numbers, zero or more."))
    with transaction.atomic():
        meeting = _locked(meeting)
        try:
            item = AgendaItem.objects.select_for_update().get(pk=item.pk, meeting=meeting)
        except AgendaItem.DoesNotExist:
            raise GovernanceError(_("This item is not on the agenda of this meeting.")) from None
        validate_votes(meeting=meeting, item=item, votes_for=votes_for, votes_against=votes_against,
                       votes_abstain=votes_abstain)
        present = Attendance.objects.filter(meeting=meeting, present=True).count()
        if meeting.quorum is None or present < meeting.quorum:
            raise GovernanceError(
                _("The meeting did not reach its quorum (%(present)s present, %(quorum)s needed); it cannot vote.")
                % {"present": present, "quorum": meeting.quorum or 0}
            )
        if sum(counts) > present:
            raise GovernanceError(_("More votes than members present (%(present)s).") % {"present": present})
        item.votes_for, item.votes_against, item.votes_abstain = counts
        item.save(update_fields=["votes_for", "votes_against", "votes_abstain"])
        audit_record(actor=actor, action="agenda_item.record_votes", target=item, ip=ip,
                     summary={"meeting": meeting.pk, "for": votes_for, "against": votes_against,
                              "abstain": votes_abstain})
    return item
