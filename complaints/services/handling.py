"""Every move of a complaint after intake. Each service locks the complaint's row, checks the
actor's permission (complaints/rules.py) and the move (complaints/states.py: an illegal one raises
IllegalMove), writes the change, its event, the audit entry and the notifications in one
transaction. `actor` is the official (or, for reopen and rate, the citizen) doing it."""

import rules
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record

from ..errors import ComplaintError
from ..models import Complaint, ComplaintEvent, Follower, Satisfaction, Transfer
from ..notifications import notify_filer, notify_followers
from ..proofs import person_or_none
from ..rules import MOVE_PERMISSIONS, is_filer
from ..states import FINISHED_STATES, OPEN_STATES, IllegalMove, Move, Status, allowed, check_move
from .intake import refuse_html

ANSWER_MAX_LENGTH = 8_000
REASON_MAX_LENGTH = 2_000


def _require(actor, permission, complaint):
    """Raise unless `actor` may do `permission` with the complaint now: IllegalMove when the role
    allows it but the complaint's state does not (nothing else to fix), else "forbidden"."""
    if rules.has_perm(f"complaints.{permission}", actor, complaint):
        return
    role, move = MOVE_PERMISSIONS.get(permission, (None, None))
    if role is not None and role.test(actor, complaint) and not allowed(move, complaint.status):
        raise IllegalMove(move, complaint.status)
    if permission not in ("reopen", "rate") and not rules.has_perm("complaints.view_in_queue", actor, complaint):
        raise ComplaintError(_("This complaint is not in your unit's queue."), code="forbidden")
    raise ComplaintError(_("You may not do this with this complaint now."), code="forbidden")


def _locked(complaint) -> Complaint:
    return Complaint.objects.select_for_update().get(pk=complaint.pk)


def _text(value, *, field, required_message, max_length=REASON_MAX_LENGTH) -> str:
    value = (value or "").strip()
    if not value:
        raise ComplaintError(required_message, field=field)
    if len(value) > max_length:
        raise ComplaintError(_("At most %(max)d characters.") % {"max": max_length}, field=field)
    refuse_html(value, field)
    return value


def _move(complaint, move, *, actor, now, note="", unit=None, public=True, **changes) -> Complaint:
    """Apply `move` to the locked complaint with `changes`; record the event and the audit row."""
    before = complaint.status
    complaint.status = check_move(move, before)
    # The rollups count a complaint as finished on the day it left the open states.
    if complaint.status in OPEN_STATES:
        complaint.finished_at = None
    elif before in OPEN_STATES:
        complaint.finished_at = now
    for name, value in changes.items():
        setattr(complaint, name, value)
    complaint.save()
    ComplaintEvent.objects.create(
        complaint=complaint, at=now, kind=ComplaintEvent.Kind.MOVE, move=move, from_status=before,
        to_status=complaint.status, actor=person_or_none(actor), unit=unit or complaint.unit, note=note, is_public=public,
    )  # fmt: skip
    audit_record(actor=actor, action=f"complaint.{move}", target=complaint,
                 summary={"from": before, "to": complaint.status})  # fmt: skip
    return complaint


def complaint_assign(*, actor, complaint, assignee=None, now=None) -> Complaint:
    """The unit takes the complaint (received → assigned), optionally naming the official in
    charge; the citizen hears which unit handles it and by when."""
    now = now or timezone.now()
    with transaction.atomic():
        complaint = _locked(complaint)
        _require(actor, "assign", complaint)
        if complaint.category_id is None:
            raise ComplaintError(_("Give the complaint a category first (triage)."), code="invalid")
        if assignee is not None and not rules.has_perm("complaints.view_in_queue", assignee, complaint):
            raise ComplaintError(_("The official in charge must be an active official of the complaint's unit."),
                                 field="assignee")  # fmt: skip
        complaint = _move(complaint, Move.ASSIGN, actor=actor, now=now, assignee=assignee or complaint.assignee)
        notify_filer(complaint, "complaint_assigned", unit_ko=complaint.unit.name_ko, unit_en=complaint.unit.name_en)
    return complaint


def complaint_start(*, actor, complaint, now=None) -> Complaint:
    now = now or timezone.now()
    with transaction.atomic():
        complaint = _locked(complaint)
        _require(actor, "start", complaint)
        return _move(complaint, Move.START, actor=actor, now=now, assignee=complaint.assignee or actor)


def complaint_transfer(*, actor, complaint, to_unit, reason, now=None) -> Complaint:
    """Hand the complaint to another unit with a reason; it waits for that unit to accept. The
    deadline keeps running from receipt."""
    now = now or timezone.now()
    reason = _text(reason, field="reason", required_message=_("Say why the complaint goes to another unit."))
    with transaction.atomic():
        complaint = _locked(complaint)
        _require(actor, "transfer", complaint)
        if complaint.category_id is None:
            # Without a category there is no deadline and no answer: triage comes first.
            raise ComplaintError(_("Give the complaint a category first (triage)."), code="invalid")
        if to_unit is None or not to_unit.is_active:
            raise ComplaintError(_("Choose an active unit."), field="to_unit")
        if to_unit.pk == complaint.unit_id:
            raise ComplaintError(_("The complaint is already with this unit."), field="to_unit")
        Transfer.objects.create(
            complaint=complaint, from_unit_id=complaint.unit_id, to_unit=to_unit, reason=reason, requested_by=actor,
            requested_at=now,
        )  # fmt: skip
        complaint = _move(complaint, Move.TRANSFER, actor=actor, now=now, note=reason, unit=to_unit,
                          unit_id=to_unit.pk, assignee=None)  # fmt: skip
        complaint.unit = to_unit
        notify_filer(complaint, "complaint_transferred", key_suffix=str(complaint.transfers.count()),
                     unit_ko=to_unit.name_ko, unit_en=to_unit.name_en)  # fmt: skip
    return complaint


def _open_transfer(complaint, outcome="pending") -> Transfer:
    transfer = Transfer.objects.select_for_update().filter(complaint=complaint, outcome=outcome).first()
    if transfer is None:
        raise ComplaintError(_("This complaint has no transfer waiting for a decision."), code="invalid")
    return transfer


def complaint_accept_transfer(*, actor, complaint, now=None) -> Complaint:
    now = now or timezone.now()
    with transaction.atomic():
        complaint = _locked(complaint)
        _require(actor, "accept_transfer", complaint)
        transfer = _open_transfer(complaint)
        transfer.outcome, transfer.decided_by, transfer.decided_at = Transfer.Outcome.ACCEPTED, actor, now
        transfer.decided_unit_id = transfer.to_unit_id
        transfer.save()
        complaint = _move(complaint, Move.ACCEPT_TRANSFER, actor=actor, now=now)
        notify_filer(complaint, "complaint_assigned", key_suffix=f"transfer:{transfer.pk}",
                     unit_ko=complaint.unit.name_ko, unit_en=complaint.unit.name_en)  # fmt: skip
    return complaint


def complaint_dispute_transfer(*, actor, complaint, reason, now=None) -> Transfer:
    """The receiving unit says the complaint is not theirs: the transfer goes to coordination."""
    now = now or timezone.now()
    reason = _text(reason, field="reason", required_message=_("Say why the complaint is not your unit's."))
    with transaction.atomic():
        complaint = _locked(complaint)
        _require(actor, "dispute_transfer", complaint)
        transfer = _open_transfer(complaint)
        transfer.outcome, transfer.dispute_reason = Transfer.Outcome.DISPUTED, reason
        transfer.save()
        ComplaintEvent.objects.create(complaint=complaint, at=now, kind=ComplaintEvent.Kind.TRANSFER_DISPUTED,
                                      actor=actor, unit=complaint.unit, note=reason, is_public=False)  # fmt: skip
        audit_record(
            actor=actor, action="complaint.dispute_transfer", target=complaint, summary={"transfer": transfer.pk}
        )
    return transfer


def complaint_coordinate(*, actor, complaint, unit, note="", now=None) -> Complaint:
    """A coordinator decides which unit handles a complaint whose transfer was disputed."""
    now = now or timezone.now()
    with transaction.atomic():
        complaint = _locked(complaint)
        _require(actor, "coordinate", complaint)
        transfer = (
            Transfer.objects.select_for_update()
            .filter(complaint=complaint, outcome__in=[Transfer.Outcome.DISPUTED, Transfer.Outcome.PENDING])
            .first()
        )
        if transfer is None:
            raise ComplaintError(_("This complaint has no transfer waiting for a decision."), code="invalid")
        if unit is None or not unit.is_active:
            raise ComplaintError(_("Choose an active unit."), field="unit")
        transfer.outcome, transfer.decided_unit, transfer.decided_by, transfer.decided_at = (
            Transfer.Outcome.COORDINATED, unit, actor, now,
        )  # fmt: skip
        transfer.save()
        ComplaintEvent.objects.create(complaint=complaint, at=now, kind=ComplaintEvent.Kind.COORDINATED, actor=actor,
                                      unit=unit, note=(note or "").strip()[:REASON_MAX_LENGTH], is_public=False)  # fmt: skip
        complaint = _move(complaint, Move.ACCEPT_TRANSFER, actor=actor, now=now, unit=unit, unit_id=unit.pk)
        complaint.unit = unit
        notify_filer(complaint, "complaint_assigned", key_suffix=f"transfer:{transfer.pk}",
                     unit_ko=unit.name_ko, unit_en=unit.name_en)  # fmt: skip
    return complaint


def complaint_answer(*, actor, complaint, answer, now=None) -> Complaint:
    """The unit's answer (or the intake desk's, at once): the filer and the followers hear it,
    with where to rate it."""
    now = now or timezone.now()
    answer = _text(answer, field="answer", required_message=_("Write the answer."), max_length=ANSWER_MAX_LENGTH)
    with transaction.atomic():
        complaint = _locked(complaint)
        _require(actor, "answer", complaint)
        if complaint.category_id is None:
            raise ComplaintError(_("Give the complaint a category first (triage)."), code="invalid")
        if complaint.unit_id is None:
            complaint.unit = complaint.category.default_unit
        complaint = _move(complaint, Move.ANSWER, actor=actor, now=now, answer=answer, answered_at=now,
                          answered_by=actor)  # fmt: skip
        notify_filer(complaint, "complaint_answered", key_suffix=str(complaint.answer_round), answer=answer,
                     answer_excerpt=_answer_excerpt(answer))  # fmt: skip
        _notify_answer_to_followers(complaint)
    return complaint


def complaint_reject(*, actor, complaint, reason, remedy, now=None) -> Complaint:
    """Rejected with the reason and the remedy the law requires (art. 27: how to object)."""
    now = now or timezone.now()
    reason = _text(reason, field="reason", required_message=_("Give the reason for rejecting the complaint."))
    remedy = _text(remedy, field="remedy",
                   required_message=_("Say how the citizen may object (the remedy is required by law)."))  # fmt: skip
    with transaction.atomic():
        complaint = _locked(complaint)
        _require(actor, "reject", complaint)
        Transfer.objects.filter(complaint=complaint, outcome__in=["pending", "disputed"]).update(
            outcome=Transfer.Outcome.CANCELLED, decided_at=now, decided_by=actor
        )
        complaint = _move(complaint, Move.REJECT, actor=actor, now=now, note=reason,
                          rejection_reason=reason, rejection_remedy=remedy)  # fmt: skip
        notify_filer(complaint, "complaint_rejected", reason=reason, remedy=remedy)
    return complaint


def complaint_mark_duplicate(*, actor, complaint, original, now=None) -> Complaint:
    """The complaint repeats `original` (still open or answered): linked to it, its followers
    moved over (they hear the original's answer), its filer told the original's number."""
    now = now or timezone.now()
    with transaction.atomic():
        complaint = _locked(complaint)
        _require(actor, "mark_duplicate", complaint)
        if original is None or original.pk == complaint.pk:
            raise ComplaintError(_("Choose the earlier complaint this one repeats."), field="original")
        original = Complaint.objects.select_for_update().get(pk=original.pk)
        if not rules.has_perm("complaints.view_in_queue", actor, original):
            raise ComplaintError(_("You can only link a complaint you may see in your queues."), field="original")
        if original.status in (Status.DUPLICATE, Status.REJECTED):
            raise ComplaintError(_("The original must not itself be a duplicate or rejected."), field="original")
        moved = 0
        for follower in Follower.objects.filter(complaint=complaint):
            exists = Follower.objects.filter(complaint=original, citizen_id=follower.citizen_id,
                                             contact_id=follower.contact_id).exists()  # fmt: skip
            if not exists:
                Follower.objects.create(complaint=original, citizen_id=follower.citizen_id,
                                        contact_id=follower.contact_id, since=now)  # fmt: skip
                moved += 1
        Transfer.objects.filter(complaint=complaint, outcome__in=["pending", "disputed"]).update(
            outcome=Transfer.Outcome.CANCELLED, decided_at=now, decided_by=actor
        )
        complaint = _move(complaint, Move.MARK_DUPLICATE, actor=actor, now=now, note=original.tracking_number,
                          duplicate_of=original)  # fmt: skip
        if moved:
            ComplaintEvent.objects.create(complaint=original, at=now, kind=ComplaintEvent.Kind.FOLLOWER_MOVED,
                                          actor=actor, note=complaint.tracking_number, is_public=False)  # fmt: skip
        notify_filer(complaint, "complaint_duplicate", original_number=original.tracking_number,
                     original_status=original.status)  # fmt: skip
        if moved and original.status in (Status.ANSWERED, Status.CLOSED):
            # The original was answered already: the followers just moved over hear that answer
            # now (the others heard it when it was given; their keys make this a no-op for them).
            _notify_answer_to_followers(original)
    return complaint


def _answer_excerpt(answer: str) -> str:
    return answer if len(answer) <= 60 else answer[:59] + "…"


def _notify_answer_to_followers(complaint):
    notify_followers(complaint, "complaint_answered", key_suffix=str(complaint.answer_round),
                     answer=complaint.answer, answer_excerpt=_answer_excerpt(complaint.answer))  # fmt: skip


def complaint_reopen(*, actor, complaint, reason, now=None) -> Complaint:
    """The filer, not satisfied, asks for an additional answer: the complaint opens again with a
    new deadline of its type, counted from the request."""
    from ..calendar import work_calendar
    from ..deadlines import due_at

    now = now or timezone.now()
    reason = _text(reason, field="reason", required_message=_("Say what the answer left out."))
    with transaction.atomic():
        complaint = _locked(complaint)
        _require(actor, "reopen", complaint)
        complaint = _move(complaint, Move.REOPEN, actor=actor, now=now, note=reason,
                          answer_round=complaint.answer_round + 1,
                          due_at=due_at(now, complaint.category.period, work_calendar()),
                          overdue_at=None, progress_notice_at=None)  # fmt: skip
    return complaint


def complaint_close(*, actor, complaint, now=None) -> Complaint:
    now = now or timezone.now()
    with transaction.atomic():
        complaint = _locked(complaint)
        _require(actor, "close", complaint)
        return _move(complaint, Move.CLOSE, actor=actor, now=now, closed_at=now)


def complaint_rate(*, actor, complaint, rating, comment="", now=None) -> Satisfaction:
    """The filer rates the latest answer, once per answer (1–5, an optional comment)."""
    now = now or timezone.now()
    try:
        rating = int(rating)
    except (TypeError, ValueError):
        rating = 0
    if not 1 <= rating <= 5:
        raise ComplaintError(_("Choose a rating from 1 to 5."), field="rating")
    comment = (comment or "").strip()
    if len(comment) > 1_000:
        raise ComplaintError(_("At most %(max)d characters.") % {"max": 1_000}, field="comment")
    refuse_html(comment, "comment")
    with transaction.atomic():
        complaint = _locked(complaint)
        if is_filer.test(actor, complaint) and (complaint.status not in FINISHED_STATES or complaint.answered_at is None):
            raise ComplaintError(_("Only an answered complaint can be rated."), code="invalid")
        _require(actor, "rate", complaint)
        if Satisfaction.objects.filter(complaint=complaint, answer_round=complaint.answer_round).exists():
            raise ComplaintError(_("You have already rated this answer."), code="conflict")
        rating_row = Satisfaction.objects.create(complaint=complaint, answer_round=complaint.answer_round,
                                                 rating=rating, comment=comment, rated_at=now)  # fmt: skip
        # The rollups' refresh finds changed complaints by `updated_at`: a rating changes the
        # satisfaction figures of the complaint's day, so it counts as a change of the complaint.
        complaint.save(update_fields=["updated_at"])
        ComplaintEvent.objects.create(complaint=complaint, at=now, kind=ComplaintEvent.Kind.RATED, actor=person_or_none(actor),
                                      note=str(rating), is_public=False)  # fmt: skip
        audit_record(actor=actor, action="complaint.rate", target=complaint, summary={"rating": rating})
    return rating_row
