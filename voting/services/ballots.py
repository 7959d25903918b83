"""Casting a ballot: the one write that must be exactly once, secret and verifiable.

In one transaction: the ballot passes the poll's gate (locks.py: an official closing or hiding
the poll waits for ballots in flight, and a ballot never lands after the close) and re-reads the
poll, the participation row is
inserted (its unique constraint refuses a second vote, also two at the same instant), then the
anonymous ballot, the counters and the ledger entry. No audit event is written: an event carries
the citizen and the time, which next to the ledger could tell how someone voted; the
participation row is the record that the citizen voted.
"""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit import ledger
from audit.services import ledger_append
from citizens.services import violated_constraint
from seoul_portal.statements import insert_values, together

from ..eligibility import ALREADY_VOTED, poll_window_reason, why_cannot_vote
from ..errors import VotingError
from ..models import Ballot, Participation, Poll, age_band
from ..poll_cache import SNAPSHOT_FIELDS
from ..ranking import format_ranking
from ..tallies import tally_add
from .locks import poll_gate_pass_later

ALREADY_VOTED_CONSTRAINTS = {
    # PostgreSQL names the constraint; SQLite names the columns, which resolve to it too.
    "participation_one_per_citizen",
    "participation_one_per_phone",
    "citizen_id",
}
# Without a scheduler (embedded mode), fresh ballots are mixed and sealed once this many wait:
# one ballot mixed or sealed alone would keep the order of casting.
DEFAULT_EMBEDDED_MIX_BATCH = 5


def voter_key(poll_id: int, citizen) -> str | None:
    """The participation's key for "one phone, one vote": the poll and the phone's blind index
    (itself a keyed hash), hashed again so that the key differs from poll to poll."""
    if not citizen.phone_index:
        return None
    return hashlib.sha256(f"seoul-portal:voting:voter:{poll_id}:{citizen.phone_index}".encode()).hexdigest()


@dataclass(frozen=True)
class CastBallot:
    poll: Poll
    receipt: str


def ballot_commitment(*, salt: str, poll_id: int, choices: list[int]) -> str:
    return ledger.ledger_commitment(salt=salt, content={"poll": poll_id, "choices": choices})


def clean_choices(poll: Poll, raw_choices, option_positions) -> list[int]:
    """The voter's picks as option positions (in rank order for ranked choice), or VotingError.

    raw_choices: what the form sent (strings or ints); option_positions: the poll's positions.
    """
    if raw_choices is None or isinstance(raw_choices, (str, bytes)):
        raw_choices = [raw_choices] if raw_choices else []
    elif not isinstance(raw_choices, Iterable):
        # One value that is not a list (an int from code, not a form): one pick, not a TypeError.
        raw_choices = [raw_choices]
    choices = []
    for raw in raw_choices:
        if isinstance(raw, str) and not raw.strip():
            # An empty select or rank field sends "": it means "no pick", not a tampered form.
            continue
        try:
            position = int(str(raw).strip())
        except (TypeError, ValueError):
            raise VotingError(_("The form was changed: an option it sent does not exist."), field="choices") from None
        if position not in option_positions:
            raise VotingError(_("The form was changed: an option it sent does not exist."), field="choices")
        if position in choices:
            raise VotingError(_("Each option can be picked only once."), field="choices")
        choices.append(position)
    if not choices:
        message = _("Rank at least one option.") if poll.is_ranked else _("Choose an option.")
        raise VotingError(message, field="choices")
    if poll.question_type == Poll.QuestionType.SINGLE and len(choices) != 1:
        raise VotingError(_("Choose exactly one option."), field="choices")
    if len(choices) > poll.max_choices:
        message = _("You can rank at most %(count)d options.") if poll.is_ranked else _("You can choose at most %(count)d options.")
        raise VotingError(message % {"count": poll.max_choices}, field="choices")
    return choices


class StalePoll(Exception):  # noqa: N818 -- not an error of the voter's: "try again with a fresh poll"
    """The poll changed since the snapshot a ballot was checked against (voting/poll_cache.py):
    nothing was written; the caller reads the poll again and retries."""


# What decides whether a poll takes ballots (eligibility.poll_window_reason), in the model's order.
WINDOW_FIELDS = ("id", "status", "opens_at", "closes_at", "hidden_at")


def _poll_for_ballot(values):
    """The poll as the gate read it (WINDOW_FIELDS, the others deferred), or None when it is gone."""
    return None if values is None else Poll.from_db(connection.alias, WINDOW_FIELDS, values)


def _poll_as_snapshot(values, snapshot):
    """The row's SNAPSHOT_FIELDS as the gate read them, compared with the snapshot's: the poll as
    the snapshot holds it when they are equal; None when the row is gone; StalePoll otherwise."""
    if values is None:
        return None
    if values != snapshot.values:
        raise StalePoll(snapshot.poll.pk)  # checked against another version of the poll: nothing is written
    return snapshot.poll


def ballot_cast(
    *, citizen, poll: Poll, choices, access_granted=False, now=None, snapshot=None
) -> CastBallot:
    """Record `citizen`'s vote in `poll`; returns the receipt to show them once.

    Raises VotingError (nothing written) when the citizen may not vote (code = the eligibility
    reason, "already_voted" for a second vote) or the choices are invalid.

    `poll` comes with its options and targeted districts prefetched; or `snapshot` is a
    voting.poll_cache.BallotPoll (`poll` is then its .poll), possibly from the cache: its
    option positions and district codes are used, and in the transaction the poll's row is
    re-read with every field of the snapshot: if any differs, StalePoll (nothing written).
    """
    now = now or timezone.now()
    if snapshot is not None:
        options, district_codes = set(snapshot.option_positions), set(snapshot.district_codes)
    else:
        options = {option.position for option in poll.options.all()}
        district_codes = {district.code for district in poll.audience_districts.all()}
    reason = why_cannot_vote(poll, citizen, now=now, access_granted=access_granted, district_codes=district_codes)
    if reason:
        raise VotingError(reason.message, code=reason.code)
    picks = clean_choices(poll, choices, options)
    receipt = ledger.new_receipt()
    salt = ledger.new_salt()
    try:
        with transaction.atomic():
            # Pass the poll's gate (shared, until commit) and read what decides whether ballots are
            # accepted: a close or hide that committed before is seen, one that asks later waits for
            # us. The gate and the writes go to the database together (one round trip); the writes
            # count only if the poll, read after the gate, still takes this ballot: otherwise the
            # exception below rolls them back with the transaction.
            with together():
                gate_values = poll_gate_pass_later(poll.pk, SNAPSHOT_FIELDS if snapshot is not None else WINDOW_FIELDS)
                _write_ballot(citizen=citizen, poll=poll, picks=picks, receipt=receipt, salt=salt, now=now)
            values = gate_values()
            current = _poll_as_snapshot(values, snapshot) if snapshot is not None else _poll_for_ballot(values)
            reason = poll_window_reason(current, now) if current else None
            if current is None or reason:
                raise VotingError(reason.message if reason else _("This poll does not exist."), code=getattr(reason, "code", "gone"))
            if settings.LEDGER_SEAL_ON_COMMIT:
                transaction.on_commit(_mix_and_seal_in_batches, robust=True)
    except IntegrityError as error:
        if violated_constraint(error) in ALREADY_VOTED_CONSTRAINTS:
            raise VotingError(
                _("You have already voted in this poll. A vote cannot be changed."), code=ALREADY_VOTED
            ) from None
        raise
    return CastBallot(poll=poll, receipt=receipt)


def _write_ballot(*, citizen, poll, picks, receipt, salt, now):
    """The participation, the anonymous ballot, its counters and its ledger entry."""
    # The rows are written by seoul_portal/statements.py: the INSERTs Model.objects.create() issues,
    # from the column values (building the instances cost more than their INSERTs' SQL).
    insert_values(
        Participation, poll_id=poll.pk, citizen_id=citizen.pk, voted_on=timezone.localdate(now),
        voter_key=voter_key(poll.pk, citizen),
    )  # fmt: skip
    demographics = {
        "age_band": age_band(citizen.age_on(timezone.localdate(now))),
        # Residents only: a district named by someone who works or studies there is not theirs.
        "district_code": (citizen.district_id or "") if citizen.residence_basis in ("", "lives") else "",
        "gender": citizen.gender or "",
    }
    insert_values(
        Ballot, poll_id=poll.pk, choices=picks, salt=salt,
        receipt_digest=ledger.receipt_digest(receipt), **demographics,
    )  # fmt: skip
    tally_add(
        poll_id=poll.pk,
        question_type=poll.question_type,
        choices=picks,
        ranking=format_ranking(picks) if poll.is_ranked else None,
        **demographics,
    )
    ledger_append(
        scope=poll.ledger_scope,
        kind="ballot",
        commitment=ballot_commitment(salt=salt, poll_id=poll.pk, choices=picks),
        receipt=receipt,
        # Sealed with others by the periodic task (or below, in batches): never alone.
        seal_on_commit=False,
    )


def _mix_and_seal_in_batches():
    """Embedded mode has no scheduler: once enough fresh ballots wait, mix them and seal the
    ledger, so that neither the ballots nor the blocks follow the order of casting."""
    from audit.services import ledger_seal

    from .mixing import ballots_mix

    batch = getattr(settings, "VOTING_EMBEDDED_MIX_BATCH", DEFAULT_EMBEDDED_MIX_BATCH)
    if Ballot.objects.filter(mixed=False).count() >= batch:
        ballots_mix()
        ledger_seal()
