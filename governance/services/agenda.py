"""Agenda items in the back office (created and edited through agenda_item_create/update), closing
an item with the committee's resolution, and passing the result back to the channel that owns the
subject (governance.registry)."""

import rules
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.services import audit_record

from ..models import AgendaItem, Attendance, ConflictDeclaration, Meeting, Review
from ..registry import UnknownSubjectKind, get_subject_kind
from ..selectors.reviews import active_memberships, review_tally
from .reviews import ReviewError

VOTE_FIELDS = ("votes_for", "votes_against", "votes_abstain")
# What an official sets on an item; status, outcome, resolution and votes move only by closing it.
AGENDA_ITEM_FIELDS = (
    "committee", "meeting", "order", "title_ko", "title_en", "description_ko", "description_en",
    "subject_kind", "subject_id", "is_public", "asks_score", "score_min", "score_max", "review_deadline",
)
SCORING_FIELDS = ("asks_score", "score_min", "score_max")


def members_present_with_quorum(meeting) -> int:
    """How many members were present at a held meeting; ReviewError if its quorum was not."""
    present = Attendance.objects.filter(meeting=meeting, present=True).count()
    if meeting.quorum is None or present < meeting.quorum:
        raise ReviewError(
            _("The meeting did not reach its quorum (%(present)s present, %(quorum)s needed); it cannot decide "
              "on this item.") % {"present": present, "quorum": meeting.quorum or 0},
        )
    return present


def _check_votes(item, votes):
    """Counts are whole numbers; an item of a held meeting needs the quorum present and at most one
    vote per member present; otherwise at most one per member serving on the committee today."""
    for field, value in votes.items():
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ReviewError(_("A vote count is a whole number, 0 or more."), field=field)
    counted = sum(value for value in votes.values() if value is not None)
    meeting = item.meeting
    if meeting is not None and meeting.status == Meeting.Status.HELD:
        present = members_present_with_quorum(meeting)
        if counted > present:
            raise ReviewError(
                _("The votes add up to %(counted)d, more than the %(present)d members present at the meeting.")
                % {"counted": counted, "present": present},
                field="votes_for",
            )
        return
    serving = active_memberships().filter(committee_id=item.committee_id).count()
    if counted > serving:
        raise ReviewError(
            _("The votes add up to %(counted)d, more than the %(serving)d members serving on the committee.")
            % {"counted": counted, "serving": serving},
            field="votes_for",
        )


# --- Creating and editing an item in the back office ------------------------------------------


def _pk(value):
    return value.pk if isinstance(value, models.Model) else value


def _current(item, name):
    field = AgendaItem._meta.get_field(name)
    return getattr(item, field.attname)


def _real_changes(item, changes) -> dict:
    unknown = set(changes) - set(AGENDA_ITEM_FIELDS)
    if unknown:
        raise ValueError(f"agenda items do not take these fields here: {sorted(unknown)}")
    return {name: value for name, value in changes.items() if _current(item, name) != _pk(value)}


def agenda_item_check_changes(item, changes):
    """Raises ReviewError (with the field concerned) if `changes` ({field: new value}) may not be
    made to `item`; a new item is checked as AgendaItem() with all its values as changes. The admin
    form calls this in clean(), the services before they write: the rules live here only."""
    changes = _real_changes(item, changes)
    if not changes:
        return
    is_new = item.pk is None
    if item.status == AgendaItem.Status.CLOSED:
        raise ReviewError(_("This item is closed; it is a record and no longer changes."))
    committee_id = _pk(changes.get("committee", item.committee_id))
    if not is_new and "committee" in changes and (
        Review.objects.filter(item_id=item.pk).exists() or ConflictDeclaration.objects.filter(item_id=item.pk).exists()
    ):
        raise ReviewError(
            _("Members have already reviewed this item or declared a conflict on it, so it cannot move to another "
              "committee."),
            field="committee",
        )
    if not is_new and set(SCORING_FIELDS) & set(changes) and Review.objects.filter(item_id=item.pk).exists():
        raise ReviewError(_("Scores already given were checked against this range, so it no longer changes."),
                          field=next(name for name in SCORING_FIELDS if name in changes))
    if "review_deadline" in changes:
        now = timezone.now()
        old, new = item.review_deadline, changes["review_deadline"]
        if old is not None and old <= now:
            # Members have read each other's reviews since; reopening them would be unfair.
            raise ReviewError(_("The review deadline has passed, so it can no longer be moved."),
                              field="review_deadline")
        if new is not None and new <= now:
            raise ReviewError(_("Set the review deadline in the future."), field="review_deadline")
    if "meeting" in changes or "committee" in changes:
        meeting = changes.get("meeting", item.meeting_id)
        if meeting is not None and not isinstance(meeting, Meeting):
            meeting = Meeting.objects.only("committee_id").get(pk=meeting)
        if meeting is not None and meeting.committee_id != committee_id:
            raise ReviewError(_("This meeting belongs to another committee."), field="meeting")


def agenda_item_create(*, actor, committee, title_ko, ip=None, **fields) -> AgendaItem:
    """A new open item of `committee`; `fields` are any other of AGENDA_ITEM_FIELDS."""
    values = {"committee": committee, "title_ko": title_ko, **fields}
    with transaction.atomic():
        agenda_item_check_changes(AgendaItem(), values)
        item = AgendaItem(status=AgendaItem.Status.OPEN)
        for name, value in values.items():
            setattr(item, AgendaItem._meta.get_field(name).attname, _pk(value))
        item.save()
        audit_record(actor=actor, action="governance.agenda_item_create", target=item, ip=ip,
                     summary={"committee": item.committee_id, "meeting": item.meeting_id})
    return item


def agenda_item_update(*, actor, item, changes, ip=None) -> AgendaItem:
    """Apply `changes` ({field: new value}, fields of AGENDA_ITEM_FIELDS) to an item, if
    agenda_item_check_changes allows them; the audit row names the fields that changed. Returns
    the item as saved."""
    with transaction.atomic():
        item = AgendaItem.objects.select_for_update().get(pk=item.pk)
        changes = _real_changes(item, changes)
        if not changes:
            return item
        agenda_item_check_changes(item, changes)
        for name, value in changes.items():
            setattr(item, AgendaItem._meta.get_field(name).attname, _pk(value))
        item.save(update_fields=sorted(changes))
        audit_record(actor=actor, action="governance.agenda_item_update", target=item, ip=ip,
                     summary={"fields": sorted(changes)})
    return item


# --- Closing -----------------------------------------------------------------------------------


def agenda_item_close(
    *, actor, item, outcome, resolution_ko, resolution_en="", votes_for=None, votes_against=None,
    votes_abstain=None, ip=None,
) -> AgendaItem:
    """Close an open item with the committee's resolution. In one transaction: the item is saved as
    closed, the subject's channel gets the result (its SubjectKind.on_resolution(item, tally)) and
    the audit row is written; if any of them fails, nothing is. A vote count passed as None keeps
    the count the meeting recorded on the item. Returns the closed item."""
    with transaction.atomic():
        item = AgendaItem.objects.select_for_update().select_related("committee").get(pk=item.pk)
        if item.status != AgendaItem.Status.OPEN:
            raise ReviewError(_("This item is already closed; its resolution cannot be changed."))
        if not rules.has_perm("governance.close_item", actor, item):
            raise ReviewError(_("Only the committee's secretary can close this item."))
        if outcome not in AgendaItem.Outcome.values:
            raise ReviewError(_("Choose the committee's decision."), field="outcome")
        resolution_ko = (resolution_ko or "").strip()
        if not resolution_ko:
            raise ReviewError(_("Write the resolution in Korean."), field="resolution_ko")
        # A count left out keeps what the meeting recorded (agenda_item_record_votes), if anything.
        given = {"votes_for": votes_for, "votes_against": votes_against, "votes_abstain": votes_abstain}
        votes = {field: getattr(item, field) if value is None else value for field, value in given.items()}
        _check_votes(item, votes)
        subject_kind = None
        if item.subject_kind:
            try:
                subject_kind = get_subject_kind(item.subject_kind)
            except UnknownSubjectKind:
                raise ReviewError(
                    _("The linked record's kind (%(kind)s) is not installed, so the result cannot be passed back.")
                    % {"kind": item.subject_kind}
                ) from None

        item.status = AgendaItem.Status.CLOSED
        item.outcome = outcome
        item.resolution_ko = resolution_ko
        item.resolution_en = (resolution_en or "").strip()
        for field, value in votes.items():
            setattr(item, field, value)
        item.closed_at = timezone.now()
        item.save(update_fields=["status", "outcome", "resolution_ko", "resolution_en", *VOTE_FIELDS, "closed_at"])

        tally = review_tally(item)
        if subject_kind is not None and subject_kind.on_resolution is not None:
            subject_kind.on_resolution(item, tally)
        audit_record(
            actor=actor, action="governance.agenda_item_close", target=item,
            summary={
                "committee": item.committee.slug, "outcome": outcome, **votes,
                "subject_kind": item.subject_kind, "subject_id": item.subject_id,
                "reviews": tally.reviews, "conflicts": tally.conflicts,
                "average_score": None if tally.average_score is None else str(tally.average_score),
            },
            ip=ip,
        )
    return item
