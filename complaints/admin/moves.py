"""The buttons on a complaint's page (seoul_portal.admin_moves): each calls a service of
complaints/services/handling.py (or the triage of intake.py) with what its form asked.

A button shows when the complaint's state allows the move (`applies`) and the official's role
does (`ROLES`, the role half of complaints/rules.py's permissions). The state is left out of the
role check on purpose: an official who opens a move the complaint is no longer in a state for
(another official was quicker) is told so, and a posted move the service refuses shows the
service's reason on the form; in both cases nothing changes.
"""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from governance.selectors.org import visible_unit_ids
from seoul_portal.admin_moves import Move

from .. import rules as complaint_rules
from ..errors import ComplaintError
from ..services.handling import (
    complaint_accept_transfer,
    complaint_answer,
    complaint_assign,
    complaint_close,
    complaint_coordinate,
    complaint_dispute_transfer,
    complaint_mark_duplicate,
    complaint_reject,
    complaint_start,
    complaint_transfer,
)
from ..services.intake import Location, complaint_complete_triage
from ..states import Move as StateMove
from ..states import Status, allowed
from .forms import (
    AnswerForm,
    AssignForm,
    ConfirmForm,
    CoordinateForm,
    DisputeForm,
    DuplicateForm,
    RejectForm,
    TransferForm,
    TriageForm,
)


def _assign(actor, complaint, *, assignee):
    if assignee is not None and complaint.unit_id not in visible_unit_ids(assignee):
        raise ComplaintError(gettext("Choose an official of the complaint's unit."), field="assignee")
    return complaint_assign(actor=actor, complaint=complaint, assignee=assignee)


def _start(actor, complaint):
    return complaint_start(actor=actor, complaint=complaint)


def _transfer(actor, complaint, *, to_unit, reason):
    return complaint_transfer(actor=actor, complaint=complaint, to_unit=to_unit, reason=reason)


def _accept(actor, complaint):
    return complaint_accept_transfer(actor=actor, complaint=complaint)


def _dispute(actor, complaint, *, reason):
    return complaint_dispute_transfer(actor=actor, complaint=complaint, reason=reason)


def _coordinate(actor, complaint, *, unit, note):
    return complaint_coordinate(actor=actor, complaint=complaint, unit=unit, note=note)


def _answer(actor, complaint, *, answer):
    return complaint_answer(actor=actor, complaint=complaint, answer=answer)


def _reject(actor, complaint, *, reason, remedy):
    return complaint_reject(actor=actor, complaint=complaint, reason=reason, remedy=remedy)


def _mark_duplicate(actor, complaint, *, original):
    return complaint_mark_duplicate(actor=actor, complaint=complaint, original=original)


def _close(actor, complaint):
    return complaint_close(actor=actor, complaint=complaint)


def _triage(actor, complaint, *, category, title, address, latitude, longitude, is_public):
    return complaint_complete_triage(
        actor=actor, complaint=complaint, category=category, title=title, is_public=is_public,
        location=Location(latitude=latitude, longitude=longitude, address=address or ""),
    )  # fmt: skip


def _state_allows(move):
    return lambda complaint: allowed(move, complaint.status)


def _categorised_and(move):
    return lambda complaint: complaint.category_id is not None and allowed(move, complaint.status)


# Who may make each move, whatever the complaint's state (complaints/rules.py adds the state).
ROLES = {
    "triage": complaint_rules.is_triage_desk,
    **{name.replace("_", "-"): role for name, (role, _move) in complaint_rules.MOVE_PERMISSIONS.items()},
}

COMPLAINT_MOVES = {
    move.name: move
    for move in [
        Move(
            name="triage",
            perm="complaints.triage",
            applies=lambda complaint: complaint.category_id is None and complaint.status == Status.RECEIVED,
            form_class=TriageForm,
            run=_triage,
            label=_("Complete the triage"),
            intro=_(
                "The category gives the complaint its type, its deadline (counted from receipt) and the unit it "
                "goes to. A location is optional; it must be in Seoul."
            ),
            submit=_("Save the category"),
            done=_("Complaint %(title)s is categorised and routed."),
            wrong_state=_("This complaint has already been categorised."),
        ),
        Move(
            name="assign",
            perm="complaints.assign",
            applies=_categorised_and(StateMove.ASSIGN),
            form_class=AssignForm,
            run=_assign,
            label=StateMove.ASSIGN.label,
            intro=_("The unit takes the complaint. The citizen is told which unit handles it and by when."),
            submit=_("Assign"),
            done=_("Complaint %(title)s is assigned."),
            wrong_state=_("Only a received complaint with a category can be assigned."),
        ),
        Move(
            name="start",
            perm="complaints.start",
            applies=_state_allows(StateMove.START),
            form_class=ConfirmForm,
            run=_start,
            label=StateMove.START.label,
            intro=_("The complaint is in progress; you become the official in charge if nobody is."),
            submit=_("Start work"),
            done=_("Work on complaint %(title)s has started."),
            wrong_state=_("Only an assigned complaint, or one with an additional answer requested, can be started."),
        ),
        Move(
            name="transfer",
            perm="complaints.transfer",
            applies=_state_allows(StateMove.TRANSFER),
            form_class=TransferForm,
            run=_transfer,
            label=StateMove.TRANSFER.label,
            intro=_(
                "The complaint goes to another unit, which accepts it or disputes it. The deadline keeps running "
                "from receipt."
            ),
            submit=_("Transfer"),
            done=_("Complaint %(title)s is transferred."),
            wrong_state=_("Only an open complaint that is not being transferred can be transferred."),
        ),
        Move(
            name="accept-transfer",
            perm="complaints.accept_transfer",
            applies=_state_allows(StateMove.ACCEPT_TRANSFER),
            form_class=ConfirmForm,
            run=_accept,
            label=StateMove.ACCEPT_TRANSFER.label,
            intro=_("Your unit takes the complaint. The citizen is told."),
            submit=_("Accept"),
            done=_("The transfer of complaint %(title)s is accepted."),
            wrong_state=_("This complaint has no transfer waiting for a decision."),
        ),
        Move(
            name="dispute-transfer",
            perm="complaints.dispute_transfer",
            applies=_state_allows(StateMove.ACCEPT_TRANSFER),
            form_class=DisputeForm,
            run=_dispute,
            label=_("Dispute the transfer"),
            intro=_("A coordinator decides which unit handles the complaint."),
            submit=_("Dispute"),
            done=_("The transfer of complaint %(title)s is disputed: it waits in the coordination queue."),
            wrong_state=_("This complaint has no transfer waiting for a decision."),
        ),
        Move(
            name="coordinate",
            perm="complaints.coordinate",
            applies=_state_allows(StateMove.ACCEPT_TRANSFER),
            form_class=CoordinateForm,
            run=_coordinate,
            label=_("Decide the unit"),
            intro=_("The unit you choose handles the complaint; the citizen is told."),
            submit=_("Decide"),
            done=_("The unit of complaint %(title)s is decided."),
            wrong_state=_("This complaint has no transfer waiting for a decision."),
        ),
        Move(
            name="answer",
            perm="complaints.answer",
            applies=_categorised_and(StateMove.ANSWER),
            form_class=AnswerForm,
            run=_answer,
            label=StateMove.ANSWER.label,
            intro=_("The answer is sent to the citizen by SMS or email, with where to rate it."),
            submit=_("Send the answer"),
            done=_("Complaint %(title)s is answered."),
            wrong_state=_("Only an open complaint with a category can be answered."),
        ),
        Move(
            name="reject",
            perm="complaints.reject",
            applies=_state_allows(StateMove.REJECT),
            form_class=RejectForm,
            run=_reject,
            label=_("Reject the complaint"),
            intro=_("The law requires the reason and how the citizen may object; both are sent to the citizen."),
            submit=_("Reject the complaint"),
            done=_("Complaint %(title)s is rejected."),
            wrong_state=_("Only an open complaint can be rejected."),
        ),
        Move(
            name="mark-duplicate",
            perm="complaints.mark_duplicate",
            applies=_state_allows(StateMove.MARK_DUPLICATE),
            form_class=DuplicateForm,
            run=_mark_duplicate,
            label=StateMove.MARK_DUPLICATE.label,
            intro=_(
                "The complaint repeats an earlier one: it is linked to it, its followers follow the original and "
                "its filer is told the original's tracking number."
            ),
            submit=_("Mark as duplicate"),
            done=_("Complaint %(title)s is marked as a duplicate."),
            wrong_state=_("Only an open complaint can be marked as a duplicate."),
        ),
        Move(
            name="close",
            perm="complaints.close",
            applies=_state_allows(StateMove.CLOSE),
            form_class=ConfirmForm,
            run=_close,
            label=_("Close the complaint"),
            intro=_("The answered complaint is closed."),
            submit=_("Close the complaint"),
            done=_("Complaint %(title)s is closed."),
            wrong_state=_("Only an answered complaint can be closed."),
        ),
    ]
}
