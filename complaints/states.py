"""A complaint's states and the moves between them, as data: every service that changes a
complaint's status asks `check_move` first, so an illegal move raises before anything is written.

    received ──assign──▶ assigned ──start──▶ in_progress ──answer──▶ answered ──close──▶ closed
       │                    │                   │                       │
       ├─answer (at once by the intake desk)    │                       └─reopen (an additional
       │                    │                   │                         answer requested)
       └── transfer / reject / mark duplicate, from any open state ──┘        │
                                                                            reopened ─▶ in_progress / answered
    transferred ──accept──▶ assigned   (a disputed transfer waits in the coordination queue)
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .errors import ComplaintError


class Status(models.TextChoices):
    RECEIVED = "received", _("Received")
    ASSIGNED = "assigned", _("Assigned")
    IN_PROGRESS = "in_progress", _("In progress")
    TRANSFERRED = "transferred", _("Transferred")
    ANSWERED = "answered", _("Answered")
    REOPENED = "reopened", _("Additional answer requested")
    CLOSED = "closed", _("Closed")
    # In context: elsewhere on the site "Rejected" is a proposal voted down (부결), not a complaint 반려.
    REJECTED = "rejected", pgettext_lazy("complaint status", "Rejected")
    DUPLICATE = "duplicate", _("Duplicate")


# States in which the city still owes an answer: the deadline runs, escalation looks at them.
OPEN_STATES = frozenset({Status.RECEIVED, Status.ASSIGNED, Status.IN_PROGRESS, Status.TRANSFERRED, Status.REOPENED})
# States a citizen sees as finished (no answer is owed any more).
FINISHED_STATES = frozenset({Status.ANSWERED, Status.CLOSED, Status.REJECTED, Status.DUPLICATE})

# Open311 has two statuses: open and closed.
OPEN311_OPEN = OPEN_STATES


class Move(models.TextChoices):
    ASSIGN = "assign", _("Assign")
    START = "start", _("Start work")
    TRANSFER = "transfer", _("Transfer")
    ACCEPT_TRANSFER = "accept_transfer", _("Accept the transfer")
    ANSWER = "answer", _("Answer")
    REJECT = "reject", pgettext_lazy("complaint move", "Reject")
    MARK_DUPLICATE = "mark_duplicate", _("Mark as duplicate")
    REOPEN = "reopen", _("Request an additional answer")
    CLOSE = "close", _("Close")


_S = Status
MOVES: dict[str, tuple[frozenset, Status]] = {
    # move: (the states it leaves from, the state it reaches)
    Move.ASSIGN: (frozenset({_S.RECEIVED}), _S.ASSIGNED),
    Move.START: (frozenset({_S.ASSIGNED, _S.REOPENED}), _S.IN_PROGRESS),
    Move.TRANSFER: (frozenset({_S.RECEIVED, _S.ASSIGNED, _S.IN_PROGRESS, _S.REOPENED}), _S.TRANSFERRED),
    Move.ACCEPT_TRANSFER: (frozenset({_S.TRANSFERRED}), _S.ASSIGNED),
    Move.ANSWER: (frozenset({_S.RECEIVED, _S.ASSIGNED, _S.IN_PROGRESS, _S.REOPENED}), _S.ANSWERED),
    Move.REJECT: (frozenset({_S.RECEIVED, _S.ASSIGNED, _S.IN_PROGRESS, _S.TRANSFERRED}), _S.REJECTED),
    Move.MARK_DUPLICATE: (frozenset({_S.RECEIVED, _S.ASSIGNED, _S.IN_PROGRESS, _S.TRANSFERRED}), _S.DUPLICATE),
    Move.REOPEN: (frozenset({_S.ANSWERED}), _S.REOPENED),
    Move.CLOSE: (frozenset({_S.ANSWERED}), _S.CLOSED),
}


class IllegalMove(ComplaintError):
    def __init__(self, move, status):
        label = Move(move).label if move in Move.values else move
        super().__init__(
            _("“%(move)s” is not possible for a complaint that is “%(status)s”.")
            % {"move": label, "status": Status(status).label},
            code="illegal_move",
        )
        self.move = move
        self.status = status


def target_of(move) -> Status:
    return MOVES[move][1]


def allowed(move, status) -> bool:
    sources, _target = MOVES[move]
    return status in sources


def check_move(move, status) -> Status:
    """The state `move` reaches from `status`, or IllegalMove."""
    if move not in MOVES:
        raise ValueError(f"Unknown move {move!r}")
    if not allowed(move, status):
        raise IllegalMove(move, status)
    return target_of(move)


def moves_from(status) -> list[str]:
    return [move for move, (sources, _target) in MOVES.items() if status in sources]
