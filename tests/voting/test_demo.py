"""seed_demo's M-Voting: polls of each kind, question type and stage, ballots cast through the real
service (the ledger verifies), a room and an on-site poll, screening and reports to handle, and
results reflected in policy; running it again changes nothing."""

import pytest
from django.core.management import call_command

from audit.models import LedgerBlock, LedgerEntry
from voting.models import Ballot, Participation, PolicyReflection, Poll, PollReport, TallyCount
from voting.tallies import tally_sums

pytestmark = pytest.mark.django_db


def counts():
    return (
        Poll.objects.count(), Ballot.objects.count(), Participation.objects.count(), PollReport.objects.count(),
        PolicyReflection.objects.count(), TallyCount.objects.count(),
    )


def test_seed_demo_fills_m_voting_and_the_ledger_verifies(settings, capsys, django_capture_on_commit_callbacks):
    settings.DEBUG = True
    with django_capture_on_commit_callbacks(execute=True):  # the ledger seals its blocks after commit
        call_command("seed_demo")
    out = capsys.readouterr().out
    room = Poll.objects.get(access="room")
    assert f"private room code {room.room_code}" in out

    stages = set(Poll.objects.values_list("kind", "status"))
    for kind in ("policy", "citizen"):
        assert {(kind, "scheduled"), (kind, "open"), (kind, "closed")} <= stages
    assert {("citizen", "pending_review"), ("citizen", "rejected"), ("policy", "draft")} <= stages
    published = Poll.objects.exclude(status__in=["draft", "pending_review", "rejected"])
    assert set(published.values_list("question_type", flat=True)) == {"single", "multiple", "ranked"}
    assert Poll.objects.filter(access="onsite", status="open").exists()
    assert Poll.objects.filter(results_visibility="after_close", status="open").exists()
    assert Poll.objects.filter(audience_districts__isnull=False, status="closed").exists()
    assert PolicyReflection.objects.filter(outcome="reflected", poll__status="closed").exists()
    assert PollReport.objects.filter(resolved_at__isnull=True, poll__kind="citizen").exists()

    # Every ballot went through ballot_cast: one participation each, counted in the tallies.
    assert Ballot.objects.count() == Participation.objects.count() > 500
    for poll in published.filter(status__in=["open", "closed"]):
        assert tally_sums(poll.pk).get((0, "", ""), 0) == Ballot.objects.filter(poll=poll).count()
    # The demo citizen who proposed a poll also voted in two closed ones, and their poll awaits screening.
    proposer = Poll.objects.get(status="pending_review").proposer
    assert Participation.objects.filter(citizen=proposer).count() == 2
    # The breakdowns have something to show: several age bands, districts and genders.
    assert Ballot.objects.values("age_band").distinct().count() >= 5
    assert Ballot.objects.values("district_code").distinct().count() >= 20

    call_command("verify_ledger")  # raises CommandError on any mismatch
    assert "The ledger verifies." in capsys.readouterr().out
    assert LedgerBlock.objects.exists() and not LedgerEntry.objects.filter(block__isnull=True).exists()

    before = counts()
    call_command("seed_demo")
    assert counts() == before
    call_command("verify_ledger")
