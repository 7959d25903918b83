"""The mixer rewrites fresh ballots so that nothing in the database pairs a ballot with its voter."""

from collections import Counter

import pytest
from django.core.management import call_command
from django.db import connection

from audit.verification import ledger_verify
from voting.models import Ballot, Participation
from voting.services import ballot_cast, ballots_mix
from voting.tallies import tally_sums


def _cast(poll, citizens, picks):
    return [ballot_cast(citizen=citizen, poll=poll, choices=[pick]).receipt for citizen, pick in zip(citizens, picks, strict=True)]


def _ballots(poll):
    return sorted(Ballot.objects.filter(poll=poll).values_list("id", "choices", "salt", "receipt_digest"))


def test_mixing_keeps_every_ballot_as_it_was_and_marks_it_mixed(open_poll, make_citizen):
    _cast(open_poll, [make_citizen() for _ in range(6)], ["1", "2", "2", "3", "1", "2"])
    before, counts = _ballots(open_poll), tally_sums(open_poll.pk)
    assert Ballot.objects.filter(mixed=False).count() == 6

    assert ballots_mix() == 6

    assert _ballots(open_poll) == before
    assert tally_sums(open_poll.pk) == counts
    assert not Ballot.objects.filter(mixed=False).exists()
    assert ballots_mix() == 0  # safe to run twice
    assert ledger_verify().ok


def test_mixing_works_in_batches(open_poll, make_citizen):
    _cast(open_poll, [make_citizen() for _ in range(7)], ["1"] * 7)
    assert ballots_mix(batch_size=3) == 7
    assert Counter(Ballot.objects.values_list("mixed", flat=True)) == {True: 7}


def test_voting_advance_mixes_fresh_ballots(open_poll, make_citizen, capsys):
    _cast(open_poll, [make_citizen() for _ in range(2)], ["1", "3"])
    call_command("voting_advance")
    assert "Ballots mixed: 2" in capsys.readouterr().out
    assert not Ballot.objects.filter(mixed=False).exists()


def _xmin_pairs(poll):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM voting_participation p JOIN voting_ballot b"
            " ON b.xmin = p.xmin AND b.poll_id = p.poll_id WHERE p.poll_id = %s",
            [poll.pk],
        )
        return cursor.fetchone()[0]


def _counters_written_by_a_voter(poll):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM voting_tallycount t JOIN voting_participation p"
            " ON t.xmin = p.xmin WHERE t.poll_id = %s",
            [poll.pk],
        )
        return cursor.fetchone()[0]


def _participations_and_ballots_share_a_transaction(poll):
    """The mixer rewrites ballots and participations in two transactions: one would pair them."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM voting_participation p JOIN voting_ballot b ON b.xmin = p.xmin WHERE p.poll_id = %s",
            [poll.pk],
        )
        return cursor.fetchone()[0]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_after_mixing_no_transaction_id_pairs_a_ballot_with_its_voter(open_poll, make_citizen, settings):
    settings.LEDGER_SEAL_ON_COMMIT = False  # production: the scheduler mixes, not each commit
    _cast(open_poll, [make_citizen() for _ in range(5)], ["1", "2", "3", "1", "2"])
    # What the mixer is for: fresh rows share the casting transaction with their participation.
    assert _xmin_pairs(open_poll) == 5
    assert _counters_written_by_a_voter(open_poll) > 0

    ballots_mix()

    assert _xmin_pairs(open_poll) == 0
    assert _counters_written_by_a_voter(open_poll) == 0
    assert _participations_and_ballots_share_a_transaction(open_poll) == 0
    assert Participation.objects.filter(poll=open_poll).count() == Ballot.objects.filter(poll=open_poll).count() == 5
    assert ledger_verify().ok
