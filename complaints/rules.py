"""Who may do what with a complaint: predicates of the `rules` package, tested as a grid of roles
× states (tests/complaints/test_permissions_grid.py). The services check them; the admin shows
only the moves they allow.

- An official handles the complaints of their units (and the units below them): assign, start,
  transfer, answer, reject, mark as a duplicate, close. An official with `handle_any_unit`
  (the intake desk of the 120 call centre) handles every unit's complaints.
- The receiving unit of a transfer accepts or disputes it; a coordinator decides a disputed one.
- The intake desk (`triage_complaint`) completes SMS and email complaints and may answer at once.
- The filer rates the answer and asks for an additional answer: a citizen signed in, or a guest
  who proved the filing in this session (complaints/proofs.py).

`MOVE_PERMISSIONS` lists, for each permission that moves a complaint, the role and the move.
"""

import rules
from django.contrib.auth.backends import ModelBackend

from governance.selectors.org import visible_unit_ids

from .proofs import FilingProof
from .states import Move, Status, allowed


def _is_official(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.is_staff)


# The model permissions alone (given to the user or their groups; all of them to a superuser).
# Not `user.has_perm`: a rule below is registered under a model permission's own name
# ("complaints.file_for_caller"), and for an official without that permission `user.has_perm`
# goes on to the rules backend, back to the rule, and round again without end.
_model_permissions = ModelBackend()


def _has(user, codename) -> bool:
    return _is_official(user) and _model_permissions.has_perm(user, f"complaints.{codename}")


@rules.predicate
def handles_any_unit(user):
    return _has(user, "handle_any_unit")


@rules.predicate
def may_see_stats(user):
    """Whether the officials' figures open for `user`: the city's with `handle_any_unit`, else their
    units'. A staff member with neither sees what the public sees (the density map) or nothing
    (the officials' dashboard)."""
    return bool(handles_any_unit(user) or (_is_official(user) and visible_unit_ids(user)))


@rules.predicate
def in_units_of(user, complaint):
    """The complaint's unit is one of the official's (or below one of theirs)."""
    if not _is_official(user) or complaint is None or complaint.unit_id is None:
        return False
    return complaint.unit_id in visible_unit_ids(user)


@rules.predicate
def receives_transfer(user, complaint):
    """The official's units include the unit a pending transfer of the complaint goes to."""
    if not _is_official(user) or complaint is None:
        return False
    pending = complaint.transfers.filter(outcome="pending").values_list("to_unit_id", flat=True).first()
    return pending is not None and pending in visible_unit_ids(user)


@rules.predicate
def is_triage_desk(user):
    return _has(user, "triage_complaint")


@rules.predicate
def is_coordinator(user):
    return _has(user, "coordinate_transfer")


@rules.predicate
def files_for_callers(user):
    return _has(user, "file_for_caller")


@rules.predicate
def is_filer(user, complaint):
    return bool(
        getattr(user, "is_authenticated", False) and user.is_active and complaint is not None
        and complaint.citizen_id == user.pk
    )  # fmt: skip


@rules.predicate
def proves_filing(user, complaint):
    """A visitor who proved, without signing in, that they filed this complaint (complaints/proofs.py)."""
    return isinstance(user, FilingProof) and complaint is not None and user.complaint_id == complaint.pk


@rules.predicate
def has_answer(user, complaint):
    """The complaint carries an answer the filer may rate (answered, or closed after one)."""
    return complaint is not None and complaint.status in (Status.ANSWERED, Status.CLOSED)


def _state_allows(move):
    @rules.predicate(name=f"state_allows_{move}")
    def predicate(user, complaint):
        return complaint is not None and allowed(move, complaint.status)

    return predicate


handles = in_units_of | handles_any_unit


@rules.predicate
def at_intake(user, complaint):
    """Not yet taken by a unit: what the intake desk may still answer at once or merge."""
    return complaint is not None and complaint.status == Status.RECEIVED


# The permissions that move a complaint: who may make the move (the role), and the move, whose
# states (complaints/states.py) say when. A service tells "not your role" from "not in this state"
# with this table: the second is an IllegalMove.
MOVE_PERMISSIONS = {
    "assign": (handles, Move.ASSIGN),
    "start": (handles, Move.START),
    "transfer": (handles, Move.TRANSFER),
    "accept_transfer": (receives_transfer | handles_any_unit, Move.ACCEPT_TRANSFER),
    "dispute_transfer": (receives_transfer, Move.ACCEPT_TRANSFER),
    "coordinate": (is_coordinator, Move.ACCEPT_TRANSFER),
    "answer": (handles | (is_triage_desk & at_intake), Move.ANSWER),
    "reject": (handles, Move.REJECT),
    "mark_duplicate": (handles | (is_triage_desk & at_intake), Move.MARK_DUPLICATE),
    "close": (handles, Move.CLOSE),
    "reopen": (is_filer | proves_filing, Move.REOPEN),
}

rules.add_perm("complaints.view_in_queue", handles | is_triage_desk)
for _name, (_role, _move) in MOVE_PERMISSIONS.items():
    rules.add_perm(f"complaints.{_name}", _role & _state_allows(_move))
rules.add_perm("complaints.triage", is_triage_desk)
rules.add_perm("complaints.file_for_caller", files_for_callers)
rules.add_perm("complaints.rate", (is_filer | proves_filing) & has_answer)
