"""ballot_cast: what one ballot writes, and every kind of bad input refused with nothing written."""

import logging
import re
from datetime import date, timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db.models import Sum
from django.utils import translation

from audit import ledger
from audit.models import AuditEvent, LedgerEntry
from voting import eligibility
from voting.errors import VotingError
from voting.models import Ballot, Participation, Poll, RankingCount, TallyCount
from voting.services import ballot_cast, ballot_commitment, poll_close_early, poll_hide
from voting.tallies import ranking_sums, tally_sums

pytestmark = pytest.mark.django_db


def written_rows():
    """Everything a ballot could write, counted: the 'nothing written' checks compare two of these."""
    return {
        "participations": Participation.objects.count(),
        "ballots": Ballot.objects.count(),
        "tally": TallyCount.objects.aggregate(total=Sum("count"))["total"] or 0,
        "tally_rows": TallyCount.objects.count(),
        "rankings": RankingCount.objects.aggregate(total=Sum("count"))["total"] or 0,
        "ledger": LedgerEntry.objects.count(),
        "audit": AuditEvent.objects.count(),
    }


def refused(*, citizen, poll, choices, **kwargs) -> VotingError:
    """Cast, expect a VotingError (English message) and check that nothing was written."""
    before = written_rows()
    with translation.override("en"):
        with pytest.raises(VotingError) as caught:
            ballot_cast(citizen=citizen, poll=poll, choices=choices, **kwargs)
        caught.value.text = str(caught.value.message)
    assert written_rows() == before, "a refused ballot wrote something"
    return caught.value


@pytest.fixture
def multiple_poll(make_poll):
    return make_poll(
        question_type="multiple", max_choices=2,
        options=[{"label": "공원"}, {"label": "도서관"}, {"label": "주차장"}, {"label": "체육관"}],
    )


# --- What a ballot writes -------------------------------------------------------------------------


def test_a_ballot_writes_a_participation_an_anonymous_ballot_counters_and_a_ledger_entry(open_poll, make_citizen):
    citizen = make_citizen(district="11110", birth_date=date(1985, 1, 2), gender="male")
    before = AuditEvent.objects.count()

    cast = ballot_cast(citizen=citizen, poll=open_poll, choices=["2"])

    assert re.fullmatch(r"([0-9A-Z]{4}-){4}[0-9A-Z]{4}", cast.receipt)
    participation = Participation.objects.get()
    assert (participation.poll_id, participation.citizen_id) == (open_poll.pk, citizen.pk)
    ballot = Ballot.objects.get()
    assert ballot.poll_id == open_poll.pk and ballot.choices == [2]
    assert (ballot.age_band, ballot.district_code, ballot.gender) == ("40s", "11110", "male")
    assert ballot.receipt_digest == ledger.receipt_digest(cast.receipt)
    entry = LedgerEntry.objects.get()
    assert (entry.scope, entry.kind) == (open_poll.ledger_scope, "ballot")
    assert entry.receipt_digest == ballot.receipt_digest
    assert entry.commitment == ballot_commitment(salt=ballot.salt, poll_id=open_poll.pk, choices=[2])
    sums = tally_sums(open_poll.pk)
    assert sums[(0, "", "")] == sums[(2, "", "")] == 1
    assert sums[(2, "age", "40s")] == sums[(2, "district", "11110")] == sums[(2, "gender", "male")] == 1
    assert (1, "", "") not in sums
    # No audit event: it would carry the citizen and the time next to the ledger.
    assert AuditEvent.objects.count() == before


def test_the_receipt_is_never_logged(open_poll, voter, caplog):
    caplog.set_level(logging.DEBUG)
    cast = ballot_cast(citizen=voter, poll=open_poll, choices=["1"])
    normalised = ledger.normalize_receipt(cast.receipt)
    for record in caplog.records:
        text = record.getMessage()
        assert cast.receipt not in text and normalised not in text


def test_multiple_choice_counts_every_pick(multiple_poll, voter):
    ballot_cast(citizen=voter, poll=multiple_poll, choices=["4", "2"])
    sums = tally_sums(multiple_poll.pk)
    assert sums[(0, "", "")] == 1 and sums[(2, "", "")] == 1 and sums[(4, "", "")] == 1
    assert Ballot.objects.get().choices == [4, 2]


def test_a_ranked_ballot_counts_its_first_preference_and_its_ranking(ranked_poll, voter):
    ballot_cast(citizen=voter, poll=ranked_poll, choices=["3", "1", "2"])
    sums = tally_sums(ranked_poll.pk)
    assert sums[(3, "", "")] == 1 and (1, "", "") not in sums
    assert ranking_sums(ranked_poll.pk) == {"3>1>2": 1}


def test_a_single_integer_is_a_single_choice(open_poll, voter):
    ballot_cast(citizen=voter, poll=open_poll, choices=3)
    assert Ballot.objects.get().choices == [3]


# --- A second vote ---------------------------------------------------------------------------------


def test_a_second_vote_is_refused_and_the_first_stands(open_poll, voter):
    ballot_cast(citizen=voter, poll=open_poll, choices=["1"])
    error = refused(citizen=voter, poll=open_poll, choices=["2"])
    assert error.code == eligibility.ALREADY_VOTED
    assert error.text == "You have already voted in this poll. A vote cannot be changed."
    assert Ballot.objects.get().choices == [1]


def test_a_vote_in_another_poll_is_not_a_second_vote(make_poll, voter):
    first, second = make_poll(), make_poll(title="두 번째 투표")
    ballot_cast(citizen=voter, poll=first, choices=["1"])
    ballot_cast(citizen=voter, poll=second, choices=["1"])
    assert Participation.objects.filter(citizen=voter).count() == 2


# --- Outside the window ------------------------------------------------------------------------------


def test_before_the_poll_opens(make_poll, voter, now):
    poll = make_poll(opens_at=now + timedelta(days=1), closes_at=now + timedelta(days=8))
    assert poll.status == Poll.Status.SCHEDULED
    error = refused(citizen=voter, poll=poll, choices=["1"], now=now)
    assert (error.code, error.text) == (eligibility.NOT_OPEN_YET, "Voting has not opened yet.")


def test_after_the_closing_time_even_before_the_poll_is_marked_closed(open_poll, voter):
    error = refused(citizen=voter, poll=open_poll, choices=["1"], now=open_poll.closes_at)
    assert (error.code, error.text) == (eligibility.CLOSED, "Voting has closed.")


def test_a_closed_poll(open_poll, voter, official):
    poll_close_early(actor=official, poll=open_poll, reason="중복 투표 의심")
    open_poll.refresh_from_db()
    assert refused(citizen=voter, poll=open_poll, choices=["1"]).code == eligibility.CLOSED


def test_a_poll_closed_after_the_page_was_loaded_is_refused_under_the_lock(open_poll, voter, official):
    """The caller's poll object still says open; the row re-read under lock says closed."""
    stale = Poll.objects.get(pk=open_poll.pk)
    poll_close_early(actor=official, poll=open_poll, reason="일정 변경")
    error = refused(citizen=voter, poll=stale, choices=["1"])
    assert error.code == eligibility.CLOSED


def test_a_poll_hidden_after_the_page_was_loaded_is_refused_under_the_lock(open_poll, voter, official):
    stale = Poll.objects.get(pk=open_poll.pk)
    poll_hide(actor=official, poll=open_poll, reason="광고")
    assert refused(citizen=voter, poll=stale, choices=["1"]).code == eligibility.HIDDEN


@pytest.mark.parametrize("status", [Poll.Status.DRAFT, Poll.Status.PENDING_REVIEW, Poll.Status.REJECTED])
def test_an_unpublished_poll(make_poll, voter, status, now):
    poll = make_poll(publish=False)
    Poll.objects.filter(pk=poll.pk).update(status=status, rejection_reason="x", reviewed_at=now)
    poll.refresh_from_db()
    assert refused(citizen=voter, poll=poll, choices=["1"]).code == eligibility.NOT_PUBLISHED


# --- Outside the audience ---------------------------------------------------------------------------------


def test_outside_the_targeted_districts(make_poll, make_citizen):
    from citizens.models import District

    poll = make_poll(audience_districts=[District.objects.get(code="11680")])
    error = refused(citizen=make_citizen(district="11110"), poll=poll, choices=["1"])
    assert (error.code, error.text) == (eligibility.DISTRICT, "This poll is only for residents of the districts it targets.")
    ballot_cast(citizen=make_citizen(district="11680"), poll=poll, choices=["1"])


def test_outside_the_age_range(make_poll, make_citizen, now):
    poll = make_poll(audience_min_age=20, audience_max_age=29)
    too_old = make_citizen(birth_date=now.date().replace(year=now.year - 45))
    error = refused(citizen=too_old, poll=poll, choices=["1"])
    assert (error.code, error.text) == (eligibility.AGE, "This poll is only for the age range it targets.")


def test_a_private_room_without_its_code(make_poll, voter):
    poll = make_poll(access=Poll.Access.ROOM)
    assert refused(citizen=voter, poll=poll, choices=["1"]).code == eligibility.ROOM_CODE
    ballot_cast(citizen=voter, poll=poll, choices=["1"], access_granted=True)


def test_an_onsite_poll_outside_the_event(make_poll, voter, now):
    poll = make_poll(
        access=Poll.Access.ONSITE, event_starts_at=now + timedelta(hours=2), event_ends_at=now + timedelta(hours=4)
    )
    assert refused(citizen=voter, poll=poll, choices=["1"]).code == eligibility.ONSITE_ONLY
    error = refused(citizen=voter, poll=poll, choices=["1"], access_granted=True, now=now)
    assert error.code == eligibility.EVENT_WINDOW
    ballot_cast(citizen=voter, poll=poll, choices=["1"], access_granted=True, now=now + timedelta(hours=3))


# --- Accounts ---------------------------------------------------------------------------------------------------


def test_an_unverified_account(open_poll, make_citizen):
    error = refused(citizen=make_citizen(verified=False), poll=open_poll, choices=["1"])
    assert (error.code, error.text) == (eligibility.UNVERIFIED, "Only citizens with a verified phone number can vote.")


def test_a_deactivated_account(open_poll, make_citizen):
    assert refused(citizen=make_citizen(is_active=False), poll=open_poll, choices=["1"]).code == eligibility.UNVERIFIED


@pytest.mark.parametrize("citizen", [None, AnonymousUser()], ids=["none", "anonymous"])
def test_nobody_signed_in(open_poll, citizen):
    assert refused(citizen=citizen, poll=open_poll, choices=["1"]).code == eligibility.SIGN_IN


# --- The choices ---------------------------------------------------------------------------------------------------


def test_too_many_picks(multiple_poll, voter):
    error = refused(citizen=voter, poll=multiple_poll, choices=["1", "2", "3"])
    assert (error.field, error.text) == ("choices", "You can choose at most 2 options.")


def test_two_picks_in_a_single_choice_poll(open_poll, voter):
    error = refused(citizen=voter, poll=open_poll, choices=["1", "2"])
    assert error.text == "Choose exactly one option."


@pytest.mark.parametrize("choices", [[], None, "", [""]], ids=["empty-list", "none", "empty-string", "blank"])
def test_no_pick(open_poll, voter, choices):
    error = refused(citizen=voter, poll=open_poll, choices=choices)
    assert (error.field, error.text) == ("choices", "Choose an option.")


def test_no_rank(ranked_poll, voter):
    assert refused(citizen=voter, poll=ranked_poll, choices=[]).text == "Rank at least one option."


@pytest.mark.parametrize(
    "choices",
    [["4"], ["0"], ["-1"], ["99999999999999999999999"], ["9" * 5000]],
    ids=["past-the-last", "zero", "negative", "huge", "absurdly-long"],
)
def test_an_unknown_option(open_poll, voter, choices):
    error = refused(citizen=voter, poll=open_poll, choices=choices)
    assert (error.field, error.text) == ("choices", "The form was changed: an option it sent does not exist.")


def test_an_option_of_another_poll(make_poll, voter):
    small = make_poll(options=[{"label": "예"}, {"label": "아니오"}])
    assert "does not exist" in refused(citizen=voter, poll=small, choices=["3"]).text


@pytest.mark.parametrize(
    "choices",
    [["abc"], ["1; DROP TABLE voting_ballot"], ["1.5"], ["0x1"], [[1]], [{"position": 1}], [b"1"], ["１ OR 1=1"]],
    ids=["word", "sql", "float", "hex", "nested-list", "dict", "bytes", "unicode-digit-with-sql"],
)
def test_tampered_values(open_poll, voter, choices):
    error = refused(citizen=voter, poll=open_poll, choices=choices)
    assert (error.field, error.text) == ("choices", "The form was changed: an option it sent does not exist.")


@pytest.mark.parametrize("choices", [["1", "1"], ["2", " 2 "], ["1", "+1"]], ids=["same", "padded", "signed"])
def test_a_duplicated_option(multiple_poll, voter, choices):
    error = refused(citizen=voter, poll=multiple_poll, choices=choices)
    assert (error.field, error.text) == ("choices", "Each option can be picked only once.")


def test_a_ranked_ballot_that_ranks_an_option_twice(ranked_poll, voter):
    assert refused(citizen=voter, poll=ranked_poll, choices=["2", "3", "2"]).text == "Each option can be picked only once."


def test_a_ranked_ballot_that_ranks_more_than_allowed(make_poll, voter):
    poll = make_poll(
        question_type="ranked", max_choices=2, options=[{"label": "가"}, {"label": "나"}, {"label": "다"}]
    )
    assert refused(citizen=voter, poll=poll, choices=["1", "2", "3"]).text == "You can rank at most 2 options."


def test_eligibility_is_checked_before_the_choices(make_poll, make_citizen):
    """An ineligible citizen learns why they cannot vote, not that their picks are wrong."""
    poll = make_poll(access=Poll.Access.ROOM)
    assert refused(citizen=make_citizen(), poll=poll, choices=["7", "7"]).code == eligibility.ROOM_CODE


def test_a_refused_ballot_leaves_the_citizen_free_to_vote(multiple_poll, voter):
    refused(citizen=voter, poll=multiple_poll, choices=["1", "2", "3"])
    ballot_cast(citizen=voter, poll=multiple_poll, choices=["1", "2"])
    assert Participation.objects.filter(citizen=voter).count() == 1


def test_a_failure_after_the_participation_row_rolls_everything_back(open_poll, voter, monkeypatch):
    """Half a ballot is no ballot: a failure while counting undoes the participation row too."""

    def broken(**kwargs):
        raise RuntimeError("the counters are unreachable")

    monkeypatch.setattr("voting.services.ballots.tally_add", broken)
    before = written_rows()
    with pytest.raises(RuntimeError):
        ballot_cast(citizen=voter, poll=open_poll, choices=["1"])
    assert written_rows() == before
    monkeypatch.undo()
    ballot_cast(citizen=voter, poll=open_poll, choices=["1"])
    assert written_rows()["ballots"] == before["ballots"] + 1
