"""Who may do what with a complaint: predicates of the `rules` package, tested as a grid of roles
× states (tests/complaints/test_permissions_grid.py). The services check them; the admin shows
only the moves they allow.

- An official handles the complaints of their units (and the units below them): assign, start,
  transfer, answer, reject, mark as a duplicate, close. An official with `handle_any_unit`
  (the intake desk of the 120 call centre) handles every unit's complaints.
- The receiving unit of a transfer accepts or disputes it; a coordinator decides a disputed one.
- The intake desk (`triage_complaint`) completes SMS and email complaints and may answer at once.
- The filer (a citizen, signed in) rates the answer and asks for an additional answer.
"""

import rules

from governance.selectors.org import visible_unit_ids

from .states import Move, allowed


def _is_official(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.is_staff)


def _has(user, codename) -> bool:
    return _is_official(user) and user.has_perm(f"complaints.{codename}")


@rules.predicate
def handles_any_unit(user):
    return _has(user, "handle_any_unit")


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
    return bool(getattr(user, "is_authenticated", False) and complaint is not None and complaint.citizen_id == user.pk)


def _state_allows(move):
    @rules.predicate(name=f"state_allows_{move}")
    def predicate(user, complaint):
        return complaint is not None and allowed(move, complaint.status)

    return predicate


handles = in_units_of | handles_any_unit

rules.add_perm("complaints.view_in_queue", handles | is_triage_desk)
rules.add_perm("complaints.assign", handles & _state_allows(Move.ASSIGN))
rules.add_perm("complaints.start", handles & _state_allows(Move.START))
rules.add_perm("complaints.transfer", handles & _state_allows(Move.TRANSFER))
rules.add_perm(
    "complaints.accept_transfer", (receives_transfer | handles_any_unit) & _state_allows(Move.ACCEPT_TRANSFER)
)
rules.add_perm("complaints.dispute_transfer", receives_transfer & _state_allows(Move.ACCEPT_TRANSFER))
rules.add_perm("complaints.coordinate", is_coordinator & _state_allows(Move.ACCEPT_TRANSFER))
rules.add_perm("complaints.answer", (handles | is_triage_desk) & _state_allows(Move.ANSWER))
rules.add_perm("complaints.reject", handles & _state_allows(Move.REJECT))
rules.add_perm("complaints.mark_duplicate", (handles | is_triage_desk) & _state_allows(Move.MARK_DUPLICATE))
rules.add_perm("complaints.close", handles & _state_allows(Move.CLOSE))
rules.add_perm("complaints.triage", is_triage_desk)
rules.add_perm("complaints.file_for_caller", files_for_callers)
rules.add_perm("complaints.reopen", is_filer & _state_allows(Move.REOPEN))
rules.add_perm("complaints.rate", is_filer)
