"""What a reader of the database itself could learn, and the one-phone-one-vote rule across
account deletion: regressions of a review of the voting core."""

from datetime import timedelta

import pytest
from django.db import connection

from audit.models import LedgerEntry
from audit.services import ledger_seal
from citizens.services import citizen_erase, citizen_sign_in_by_phone
from voting import eligibility
from voting.errors import VotingError
from voting.models import Ballot, Participation, Poll, TallyCount
from voting.services import ballot_cast, ballots_mix, poll_create
from voting.services.ballots import voter_key

FIVE_OPTIONS = [{"label": f"선택지 {number}"} for number in range(1, 6)]


def test_a_deleted_account_cannot_come_back_with_the_same_phone_and_vote_again(open_poll):
    phone = "+821055550001"
    citizen, _ = citizen_sign_in_by_phone(phone=phone)
    ballot_cast(citizen=citizen, poll=open_poll, choices=["1"])
    citizen_erase(citizen=citizen)

    again, created = citizen_sign_in_by_phone(phone=phone)
    assert created and again.pk != citizen.pk
    with pytest.raises(VotingError) as refused:
        ballot_cast(citizen=again, poll=open_poll, choices=["2"])
    assert refused.value.code == eligibility.ALREADY_VOTED
    assert Ballot.objects.filter(poll=open_poll).count() == Participation.objects.filter(poll=open_poll).count() == 1


def test_the_voter_key_differs_from_poll_to_poll_and_names_no_phone(voter, make_poll):
    first, second = make_poll(), make_poll()
    assert voter_key(first.pk, voter) != voter_key(second.pk, voter)
    assert voter.phone_index not in voter_key(first.pk, voter)


def test_every_counter_exists_before_the_first_ballot(make_poll):
    """Counters created by the ballot that first needs them would be numbered in casting order."""
    poll = make_poll(options=FIVE_OPTIONS)
    before = set(TallyCount.objects.filter(poll=poll).values_list("pk", flat=True))
    assert len(before) > 0 and not TallyCount.objects.filter(poll=poll, count__gt=0).exists()


def test_ballots_create_no_counter_rows(make_poll, make_citizen):
    poll = make_poll(options=FIVE_OPTIONS)
    before = set(TallyCount.objects.filter(poll=poll).values_list("pk", flat=True))
    for pick in ["3", "1", "5"]:
        ballot_cast(citizen=make_citizen(), poll=poll, choices=[pick])
    assert set(TallyCount.objects.filter(poll=poll).values_list("pk", flat=True)) == before


def test_a_ballot_is_not_sealed_alone_right_after_it_is_cast(
    open_poll, make_citizen, settings, django_capture_on_commit_callbacks
):
    """A block per ballot would number the ballots in the order they were cast."""
    settings.LEDGER_SEAL_ON_COMMIT = True
    settings.VOTING_EMBEDDED_MIX_BATCH = 3
    voters = [make_citizen() for _ in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        ballot_cast(citizen=voters[0], poll=open_poll, choices=["1"])
        ballot_cast(citizen=voters[1], poll=open_poll, choices=["2"])
    assert LedgerEntry.objects.filter(scope=open_poll.ledger_scope, block__isnull=True).count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        ballot_cast(citizen=voters[2], poll=open_poll, choices=["3"])
    # The third makes a batch: mixed, then sealed together in one block.
    entries = LedgerEntry.objects.filter(scope=open_poll.ledger_scope)
    assert entries.filter(block__isnull=True).count() == 0
    assert entries.values("block").distinct().count() == 1
    assert not Ballot.objects.filter(mixed=False).exists()
    assert not Participation.objects.filter(mixed=False).exists()


@pytest.mark.parametrize("field", ["opens_at", "closes_at"])
def test_a_date_beyond_two_years_is_refused(official, now, field):
    times = {"opens_at": now + timedelta(days=1), "closes_at": now + timedelta(days=8)}
    times[field] = times[field].replace(year=1) if field == "opens_at" else now + timedelta(days=3 * 365)
    with pytest.raises(VotingError) as refused:
        poll_create(actor=official, kind="policy", title="제목", options=FIVE_OPTIONS, now=now, **times)
    assert refused.value.field == field
    assert not Poll.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_after_mixing_neither_transaction_order_nor_counter_ids_give_the_casting_order(make_poll, make_citizen, settings):
    settings.LEDGER_SEAL_ON_COMMIT = False
    poll = make_poll(options=FIVE_OPTIONS)
    cast = []
    for pick in ["3", "1", "5", "2", "4", "1", "3"]:
        citizen = make_citizen()
        ballot_cast(citizen=citizen, poll=poll, choices=[pick])
        cast.append(citizen.pk)
    ledger_seal()
    ballots_mix()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(DISTINCT xmin::text) FROM voting_participation WHERE poll_id = %s", [poll.pk]
        )
        # One transaction (the mixer's) wrote every participation: no casting order left in them.
        assert cursor.fetchone()[0] == 1
        cursor.execute("SELECT count(DISTINCT xmin::text) FROM voting_ballot WHERE poll_id = %s", [poll.pk])
        assert cursor.fetchone()[0] == 1
    assert Participation.objects.filter(poll=poll).count() == len(cast)
