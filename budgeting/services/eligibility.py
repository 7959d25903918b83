"""Who may vote in a cycle, and the declaration that says on what basis.

The city's participatory-budget ordinance opens the vote to people who live in Seoul, work in
Seoul or study at a school in Seoul, from a minimum age the cycle sets, and excludes public
officials. The portal cannot check those facts: the citizen declares them once per cycle (the
basis, the district whose pot they vote in, the workplace or school, and that they are not a
public official), the declaration is audited, and it can change until they have voted.

why_cannot_vote gives the first reason a citizen may not vote, in the order that tells them
what to do first: whether the cycle takes ballots at all (a simulation, before or after the
vote), then who they are (signed in, verified, not an official), then what they declared
(declaration, accepted basis, age), and last whether they have voted already. The ballot page
shows it and the ballot service enforces it.
"""

from dataclasses import dataclass

import rules
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.services import audit_record
from citizens.models import District
from citizens.services import violated_constraint

from ..errors import BudgetingError
from ..models import BudgetParticipation, Cycle, EligibilityDeclaration

Basis = EligibilityDeclaration.Basis


@dataclass(frozen=True)
class Ineligible:
    code: str
    message: str


SIMULATION = "simulation"
NO_VOTE = "no_vote"
NOT_OPEN_YET = "not_open_yet"
CLOSED = "closed"
SIGN_IN = "sign_in"
UNVERIFIED = "unverified"
OFFICIAL = "official"
NO_DECLARATION = "no_declaration"
BASIS_NOT_ACCEPTED = "basis_not_accepted"
NO_BIRTH_DATE = "no_birth_date"
TOO_YOUNG = "too_young"
ALREADY_VOTED = "already_voted"

# Reasons the citizen can act on from the eligibility form.
DECLARATION_REASONS = frozenset({NO_DECLARATION, BASIS_NOT_ACCEPTED})

# "Open to ..." in the words of the ordinance, for each basis.
BASIS_GROUPS = {
    Basis.RESIDENT: _("residents of Seoul"),
    Basis.WORKER: _("people working in Seoul"),
    Basis.STUDENT: _("students at Seoul schools"),
}

PLACE_MAX_LENGTH = EligibilityDeclaration._meta.get_field("place").max_length

_UNSET = object()


def accepted_bases(cycle: Cycle) -> list[str]:
    accepts = {
        Basis.RESIDENT: cycle.accepts_residents,
        Basis.WORKER: cycle.accepts_workers,
        Basis.STUDENT: cycle.accepts_students,
    }
    return [basis for basis, accepted in accepts.items() if accepted]


def accepted_groups(cycle: Cycle) -> str:
    return ", ".join(str(BASIS_GROUPS[basis]) for basis in accepted_bases(cycle))


# --- The reasons --------------------------------------------------------------------------------


def window_reason(cycle: Cycle, starts_at, ends_at, now) -> Ineligible | None:
    """Whether the cycle takes ballots at `now`, whoever asks; starts_at/ends_at: its vote phase's
    (None when it has none)."""
    if cycle.is_simulation:
        return Ineligible(
            SIMULATION, _("This cycle is a simulation of a past vote, imported for study: nobody votes in it.")
        )
    if starts_at is None:
        return Ineligible(NO_VOTE, _("This cycle has no citizen vote."))
    if now < starts_at:
        return Ineligible(NOT_OPEN_YET, _("The citizen vote has not opened yet."))
    if now >= ends_at:
        return Ineligible(CLOSED, _("The citizen vote is over."))
    return None


def vote_window_reason(cycle: Cycle, now) -> Ineligible | None:
    phase = cycle.vote_phase()
    return window_reason(cycle, getattr(phase, "starts_at", None), getattr(phase, "ends_at", None), now)


def citizen_reason(citizen) -> Ineligible | None:
    """Signed in, with a verified phone, and not an official (staff accounts are officials)."""
    if citizen is None or not citizen.is_authenticated:
        return Ineligible(SIGN_IN, _("Sign in with your mobile phone to vote."))
    if citizen.phone_verified_at is None or not citizen.is_active:
        return Ineligible(UNVERIFIED, _("Only citizens with a verified mobile phone can vote."))
    if citizen.is_staff:
        return Ineligible(OFFICIAL, _("Public officials cannot take part in the participatory budget vote."))
    return None


def declaration_reason(cycle: Cycle, citizen, declaration, now) -> Ineligible | None:
    """What the declaration and the citizen's age allow (the citizen already passed citizen_reason)."""
    if declaration is None:
        return Ineligible(NO_DECLARATION, _("Declare on what basis you take part before you vote."))
    if declaration.basis not in accepted_bases(cycle):
        return Ineligible(
            BASIS_NOT_ACCEPTED,
            _("This cycle is open to %(groups)s: change your declaration if one of them applies to you.")
            % {"groups": accepted_groups(cycle)},
        )
    age = citizen.age_on(timezone.localdate(now))
    if age is None:
        return Ineligible(
            NO_BIRTH_DATE,
            _("The vote is open from age %(age)d: add your birth date to your profile.") % {"age": cycle.minimum_age},
        )
    if age < cycle.minimum_age:
        return Ineligible(TOO_YOUNG, _("The vote is open from age %(age)d.") % {"age": cycle.minimum_age})
    return None


def already_voted_reason() -> Ineligible:
    return Ineligible(ALREADY_VOTED, _("You have already voted in this cycle. A ballot cannot be changed."))


def declaration_of(cycle: Cycle, citizen) -> EligibilityDeclaration | None:
    if citizen is None or not citizen.is_authenticated:
        return None
    return EligibilityDeclaration.objects.filter(cycle=cycle, citizen=citizen).select_related("district").first()


def has_voted(cycle: Cycle, citizen) -> bool:
    if citizen is None or not citizen.is_authenticated:
        return False
    return BudgetParticipation.objects.filter(cycle=cycle, citizen=citizen).exists()


def why_cannot_vote(cycle: Cycle, citizen, now=None, *, declaration=_UNSET, voted=None) -> Ineligible | None:
    """None when `citizen` may vote in `cycle` at `now`; otherwise the first reason they may not.

    The cycle comes with its phases (prefetched by the selectors). declaration: the citizen's
    declaration when the caller has it (None: none), voted: whether they have voted; each is
    read when not given (one query).
    """
    now = now or timezone.now()
    reason = vote_window_reason(cycle, now) or citizen_reason(citizen)
    if reason:
        return reason
    if declaration is _UNSET:
        declaration = declaration_of(cycle, citizen)
    reason = declaration_reason(cycle, citizen, declaration, now)
    if reason:
        return reason
    if voted is None:
        voted = has_voted(cycle, citizen)
    return already_voted_reason() if voted else None


# --- The declaration ----------------------------------------------------------------------------


def _refuse(reason: Ineligible, field=None):
    raise BudgetingError(reason.message, field=field, code=reason.code)


def _district(value) -> District | None:
    if value is None or value == "":
        return None
    if isinstance(value, District):
        return value
    return District.objects.filter(pk=str(value)).first()


def _check_declarable(*, actor, cycle, citizen, now):
    # On someone's behalf: the official entering their paper ballot, who checked who they are.
    # The rule itself, not actor.has_perm, which lets a superuser through outside the vote.
    if citizen.pk != getattr(actor, "pk", None) and not rules.has_perm("budgeting.enter_paper_ballot", actor, cycle):
        raise BudgetingError(_("Only the cycle's officials may declare for a citizen."), code="forbidden")
    if cycle.is_simulation:
        _refuse(window_reason(cycle, None, None, now))
    phase = cycle.vote_phase()
    if phase is not None and now >= phase.ends_at:
        raise BudgetingError(_("The citizen vote is over: declarations are closed."), code=CLOSED)
    reason = citizen_reason(citizen)
    if reason:
        _refuse(reason)


def _cleaned(*, cycle, citizen, basis, district, place, not_public_official):
    if not_public_official is not True:
        raise BudgetingError(
            _("Confirm that you are not a public official: public officials cannot take part."),
            field="not_public_official",
        )
    if basis not in Basis.values:
        raise BudgetingError(_("Choose on what basis you take part."), field="basis")
    if basis not in accepted_bases(cycle):
        raise BudgetingError(
            _("This cycle is open to %(groups)s.") % {"groups": accepted_groups(cycle)}, field="basis",
            code=BASIS_NOT_ACCEPTED,
        )  # fmt: skip
    chosen = _district(district)
    if chosen is None and district not in (None, ""):
        raise BudgetingError(_("Choose one of Seoul's 25 districts."), field="district")
    if chosen is None and basis == Basis.RESIDENT and citizen.district_id:
        chosen = citizen.district  # a resident's district is the one in their profile unless they say otherwise
    if chosen is None:
        raise BudgetingError(_("Choose the district you live, work or study in."), field="district")
    place = (place or "").strip()
    if basis == Basis.RESIDENT:
        place = ""  # residents are not asked where they work or study
    elif not place:
        message = _("Name your workplace.") if basis == Basis.WORKER else _("Name your school.")
        raise BudgetingError(message, field="place")
    elif len(place) > PLACE_MAX_LENGTH:
        raise BudgetingError(
            _("Use at most %(count)d characters for the workplace or school.") % {"count": PLACE_MAX_LENGTH},
            field="place",
        )
    return chosen, place


def declaration_record(
    *, actor, cycle: Cycle, basis, district, place="", not_public_official, citizen=None, now=None
) -> EligibilityDeclaration:
    """Record (or change) what `citizen` (the actor unless an official declares for them) declares
    to take part in `cycle`; returns the declaration.

    district: a District or its code; for a resident, None means the district of their profile.
    Refused (BudgetingError, nothing written): a simulation, after the vote, an unverified
    citizen, an official, a basis the cycle does not accept, a missing district or workplace or
    school, an unconfirmed "not a public official", and any change once they have voted.
    Audited with the basis and the district, never the workplace or school.
    """
    citizen = citizen or actor
    now = now or timezone.now()
    _check_declarable(actor=actor, cycle=cycle, citizen=citizen, now=now)
    chosen, place = _cleaned(
        cycle=cycle, citizen=citizen, basis=basis, district=district, place=place,
        not_public_official=not_public_official,
    )  # fmt: skip
    for attempt in (1, 2):
        try:
            with transaction.atomic():
                return _write_declaration(actor, cycle, citizen, basis, chosen, place, now)
        except IntegrityError as error:
            # Two first declarations at once: the second finds the first's row and changes it.
            if attempt == 2 or violated_constraint(error) != "declaration_one_per_cycle":
                raise
    raise AssertionError("unreachable")


def _write_declaration(actor, cycle, citizen, basis, district, place, now):
    # Locked: a ballot in flight holds this row, so a change waits for it and then sees the vote.
    declaration = EligibilityDeclaration.objects.select_for_update().filter(cycle=cycle, citizen=citizen).first()
    if BudgetParticipation.objects.filter(cycle=cycle, citizen=citizen).exists():
        raise BudgetingError(
            _("You have voted in this cycle: your declaration can no longer change."), code=ALREADY_VOTED
        )
    changed = declaration is not None
    if declaration is None:
        declaration = EligibilityDeclaration(cycle=cycle, citizen=citizen)
    declaration.basis = basis
    declaration.district = district
    declaration.place = place
    declaration.not_public_official = True
    declaration.declared_at = now
    declaration.save()
    audit_record(
        actor=actor,
        action="budgeting.eligibility.declare",
        target=declaration,
        summary={
            "cycle": cycle.pk,
            "basis": basis,
            "district": district.pk,
            "changed": changed,
            "on_behalf": citizen.pk != actor.pk,
        },
    )
    return declaration
