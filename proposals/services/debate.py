"""Every write of the public debate (시민토론): stances, their arguments and the helpful ratings.

- One stance per citizen and debate (the `stance_once_per_citizen` constraint). Taking a stance the
  first time adds one to Proposal.debate_participant_count, under the proposal's row lock, so the
  count that proposals_advance compares with the Mayor's threshold stays exact under concurrent
  requests; changing the stance or the argument while the debate is open does not count again.
- The proposer may take part: a debate is open to every verified citizen.
- Changing the text of an argument, or the side it is on, clears its helpful ratings: a rating was
  given to the words that were rated, on the side they argued for; keeping it would let an argument
  collect ratings and then say something else, or top the other side's strongest arguments.
- A rating is a toggle (`rated` may ask for one state, so that a double click or a stale page
  does not undo it); never on one's own argument, only on a stance with an argument, only while
  the debate is open. helpful_count is kept exact under the stance's row lock.
- `now` (given by the demo data and the tests) dates the writes: a stance's created_at and updated_at
  and a rating's created_at (auto_now_add ignores a value passed on create, so it is set by an update
  in the same transaction).
- Stances are not appended to the participation ledger: the ledger holds supports, which decide
  who must answer; the debate's count is public and every act is in the audit log.
"""

import rules
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.services import audit_record
from citizens.services import violated_constraint

from ..errors import ProposalError
from ..models import ARGUMENT_MAX_LENGTH, ArgumentRating, DebateStance, Proposal
from ..text import clean_text

CONSTRAINT_MESSAGES = {
    # Both requests locked the proposal (or the stance) first, so these only fire if a caller
    # skipped the lock; they still turn into a message instead of a 500.
    "stance_once_per_citizen": _("You have already taken a stance in this debate. Change it instead."),
    "rating_once_per_citizen": _("You have already rated this argument helpful."),
}


def debate_is_open(proposal, now=None) -> bool:
    now = now or timezone.now()
    return bool(
        proposal.status == Proposal.Status.IN_DEBATE
        and proposal.debate_opens_at is not None
        and proposal.debate_opens_at <= now < proposal.debate_closes_at
    )


def debate_refusal(proposal, now=None):
    """Why no stance can be taken on this proposal now, or None while its debate is open."""
    now = now or timezone.now()
    if debate_is_open(proposal, now):
        return None
    if proposal.debate_opens_at is None:
        return _("This proposal has no public debate.")
    if proposal.status == Proposal.Status.IN_DEBATE and now < proposal.debate_opens_at:
        return _("The debate has not opened yet.")
    return _("The debate has closed: stances and ratings can no longer be changed.")


def stance_refusal(citizen, proposal, now=None):
    """Why this person may not take a stance now (None when they may): the page shows it in place of the form.
    The debate's state comes first: a closed debate says so to everyone, rather than inviting to sign in."""
    refusal = debate_refusal(proposal, now)
    if refusal:
        return refusal
    if not getattr(citizen, "is_authenticated", False):
        return _("Sign in to take part in the debate.")
    if citizen.phone_verified_at is None:
        return _("Verify your mobile phone before taking part in the debate.")
    return None


def rating_refusal(citizen, stance, now=None):
    """Why this person may not rate this argument now (None when they may). `stance.proposal` is read.
    The debate's state comes before signing in: a closed debate says so to everyone."""
    signed_in = getattr(citizen, "is_authenticated", False)
    if signed_in and stance.citizen_id == citizen.pk:
        return _("You cannot rate your own argument.")
    if not stance.argument:
        return _("This stance has no argument to rate.")
    refusal = debate_refusal(stance.proposal, now)
    if refusal:
        return refusal
    if not signed_in:
        return _("Sign in to rate arguments.")
    if citizen.phone_verified_at is None:
        return _("Verify your mobile phone before rating arguments.")
    return None


# The permissions, as predicates of the `rules` package; the services give the reasons.
@rules.predicate
def can_take_stance(user, proposal):
    return proposal is not None and stance_refusal(user, proposal) is None


@rules.predicate
def can_rate_argument(user, stance):
    return stance is not None and rating_refusal(user, stance) is None


rules.add_perm("proposals.take_debate_stance", can_take_stance)
rules.add_perm("proposals.rate_argument", can_rate_argument)


def _raise_constraint(error):
    message = CONSTRAINT_MESSAGES.get(violated_constraint(error))
    if message is None:
        raise error
    raise ProposalError(message) from error


def debate_take_stance(*, citizen, proposal, stance, argument="", now=None) -> DebateStance:
    """Take a stance in an open debate, or change the one taken; returns the citizen's DebateStance.
    `now` given dates the stance (created_at when taken, updated_at when taken or changed)."""
    dated = now is not None
    now = now or timezone.now()
    if citizen.phone_verified_at is None:
        raise ProposalError(_("Verify your mobile phone before taking part in the debate."))
    if stance not in DebateStance.Stance.values:
        raise ProposalError(_("Choose for, against or undecided."), field="stance")
    argument = clean_text(
        argument, field_name="argument", label=_("argument"), max_length=ARGUMENT_MAX_LENGTH, required=False
    )
    try:
        with transaction.atomic():
            proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
            refusal = debate_refusal(proposal, now)
            if refusal:
                raise ProposalError(refusal)
            existing = DebateStance.objects.select_for_update().filter(proposal=proposal, citizen=citizen).first()
            if existing is None:
                taken = DebateStance.objects.create(
                    proposal=proposal, citizen=citizen, stance=stance, argument=argument
                )
                if dated:  # auto_now_add / auto_now put the clock's time on create
                    DebateStance.objects.filter(pk=taken.pk).update(created_at=now, updated_at=now)
                    taken.created_at = taken.updated_at = now
                Proposal.objects.filter(pk=proposal.pk).update(
                    debate_participant_count=F("debate_participant_count") + 1
                )
                audit_record(
                    actor=citizen,
                    action="proposal.debate_stance",
                    target=proposal,
                    summary={"stance": stance, "argument": bool(argument), "stance_id": taken.pk},
                )
                return taken
            return _change_stance(
                existing, citizen=citizen, proposal=proposal, stance=stance, argument=argument, now=now
            )
    except IntegrityError as error:
        _raise_constraint(error)


def _change_stance(existing, *, citizen, proposal, stance, argument, now) -> DebateStance:
    argument_changed = existing.argument != argument
    if existing.stance == stance and not argument_changed:
        return existing
    # The text or the side changed: the ratings were given to another argument (see the module's doc).
    cleared, _deleted = ArgumentRating.objects.filter(stance=existing).delete()
    previous = existing.stance
    existing.stance, existing.argument, existing.helpful_count, existing.updated_at = stance, argument, 0, now
    # An update, not save(): auto_now would put the clock's time in place of `now`.
    DebateStance.objects.filter(pk=existing.pk).update(
        stance=stance, argument=argument, helpful_count=0, updated_at=now
    )
    audit_record(
        actor=citizen,
        action="proposal.debate_stance_change",
        target=proposal,
        summary={
            "stance_id": existing.pk,
            "from": previous,
            "to": stance,
            "argument": bool(argument),
            "argument_changed": argument_changed,
            "ratings_cleared": cleared,
        },
    )
    return existing


def argument_rate_helpful(*, citizen, stance, rated=None, now=None) -> bool:
    """Rate another participant's argument helpful, or take the rating back; returns whether it is rated.

    `rated` None toggles; True or False asks for that state (a repeated request changes nothing).
    `now` given dates the rating.
    """
    dated = now is not None
    now = now or timezone.now()
    if citizen.phone_verified_at is None:
        raise ProposalError(_("Verify your mobile phone before rating arguments."))
    try:
        with transaction.atomic():
            # Lock the stance row only (not the joined proposal): debate_take_stance locks the
            # proposal before the stance, and the opposite order here could deadlock.
            stance = DebateStance.objects.select_for_update(of=("self",)).select_related("proposal").get(pk=stance.pk)
            refusal = rating_refusal(citizen, stance, now)
            if refusal:
                raise ProposalError(refusal)
            existing = ArgumentRating.objects.filter(stance=stance, citizen=citizen).first()
            wanted = existing is None if rated is None else bool(rated)
            if wanted == (existing is not None):
                return wanted
            if wanted:
                rating = ArgumentRating.objects.create(stance=stance, citizen=citizen)
                if dated:  # auto_now_add puts the clock's time on create
                    ArgumentRating.objects.filter(pk=rating.pk).update(created_at=now)
                DebateStance.objects.filter(pk=stance.pk).update(helpful_count=F("helpful_count") + 1)
            else:
                existing.delete()
                DebateStance.objects.filter(pk=stance.pk).update(helpful_count=F("helpful_count") - 1)
            audit_record(
                actor=citizen,
                action="proposal.argument_helpful" if wanted else "proposal.argument_helpful_withdraw",
                target=stance.proposal,
                summary={"stance_id": stance.pk},
            )
            return wanted
    except IntegrityError as error:
        _raise_constraint(error)
