"""seed_scale --channel voting at a tiny size: every ballot as ballot_cast would have left it.

What no constraint checks: one participation per ballot from distinct, eligible citizens; each
ballot's snapshot is its voter's (compared as multisets: nothing links the two rows); counters and
ranking counts equal a recount; the ledger verifies and recounts every poll.
"""

import json
from collections import Counter
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count
from django.utils.timezone import localdate

from audit.models import LedgerEntry
from audit.verification import ledger_verify
from bench.seeding import SeedRefused, seed
from bench.seeding.voting import VotingSeeder
from citizens.models import Citizen
from voting.models import Ballot, Participation, Poll, RankingCount, TallyCount, age_band
from voting.recount import poll_count_problems

pytestmark = pytest.mark.django_db

SIZES = {"ballots": 300, "ranked_ballots": 120, "polls": 40, "other_ballots": 400, "ledger": True}


def resident_district(citizen):
    """ballot_cast's snapshot keeps the district of residents only."""
    return (citizen.district_id or "") if citizen.residence_basis in ("", "lives") else ""


@pytest.fixture
def seeded():
    report = seed(channels={"voting": dict(SIZES)}, citizens=350, write=lambda line: None, vacuum=False)
    connection.check_constraints()
    return report.channels["voting"]


def test_sizes_are_the_ones_asked_for(seeded):
    assert Poll.objects.count() == 42  # the other polls and the two featured ones
    assert Ballot.objects.filter(poll_id=seeded["featured_poll_id"]).count() == 300 == seeded["featured_ballots"]
    assert Ballot.objects.filter(poll_id=seeded["ranked_poll_id"]).count() == 120 == seeded["ranked_ballots"]
    assert Ballot.objects.count() == seeded["ballots"]
    # Audience rules may leave a targeted poll short of its share; never more than asked.
    assert 420 < seeded["ballots"] <= 300 + 120 + 400


def test_featured_polls_are_what_the_benchmark_measures(seeded):
    single = Poll.objects.get(pk=seeded["featured_poll_id"])
    assert (single.status, single.question_type, single.access) == ("open", "single", "public")
    assert single.results_visibility == "live" and single.hidden_at is None and single.eligible_population
    ranked = Poll.objects.get(pk=seeded["ranked_poll_id"])
    assert (ranked.status, ranked.question_type, ranked.max_choices) == ("closed", "ranked", 5)
    assert ranked.options.count() == 5


def test_one_participation_per_ballot_from_distinct_citizens(seeded):
    ballots = dict(Ballot.objects.values_list("poll_id").annotate(n=Count("id")).order_by())
    participations = Participation.objects.values("poll_id").annotate(
        rows=Count("id"), citizens=Count("citizen_id", distinct=True)
    )
    assert {row["poll_id"]: row["rows"] for row in participations} == ballots
    assert all(row["rows"] == row["citizens"] for row in participations)


def test_seeded_ballots_leave_the_mixer_nothing_to_do(seeded):
    from voting.services.mixing import ballots_mix

    assert not Ballot.objects.filter(mixed=False).exists()
    assert not Participation.objects.filter(mixed=False).exists()
    assert ballots_mix() == 0


def test_participations_hold_the_voters_phone_keys(seeded):
    from voting.services.ballots import voter_key

    rows = Participation.objects.filter(poll_id=seeded["ranked_poll_id"]).select_related("citizen")
    assert all(row.voter_key == voter_key(row.poll_id, row.citizen) for row in rows)
    assert Participation.objects.filter(voter_key__isnull=True).count() == 0


def test_only_open_and_closed_polls_have_ballots(seeded):
    statuses = set(Poll.objects.filter(ballots__isnull=False).values_list("status", flat=True).distinct())
    assert statuses <= {"open", "closed"}
    assert set(Poll.objects.values_list("status", flat=True)) >= {"open", "closed", "draft"}


def test_every_check_constraint_holds(seeded):
    for poll in Poll.objects.all():
        poll.validate_constraints()


def test_participants_are_eligible_and_voted_inside_the_window(seeded):
    for poll in Poll.objects.filter(ballots__isnull=False).distinct().prefetch_related("audience_districts"):
        districts = {district.code for district in poll.audience_districts.all()}
        rows = Participation.objects.filter(poll=poll).select_related("citizen")
        for participation in rows:
            citizen = participation.citizen
            window = (localdate(poll.opens_at), localdate(poll.closed_at or poll.closes_at))
            assert window[0] <= participation.voted_on <= window[1]
            if districts:
                assert resident_district(citizen) in districts, poll.pk
            age = citizen.age_on(participation.voted_on)
            if poll.audience_min_age is not None:
                assert age >= poll.audience_min_age, poll.pk
            if poll.audience_max_age is not None:
                assert age <= poll.audience_max_age, poll.pk


def test_ballots_carry_their_voters_snapshots(seeded):
    """The same multiset of (age band, district, gender) on both sides, with no way to pair them."""
    for poll_id in (seeded["featured_poll_id"], seeded["ranked_poll_id"]):
        voters = Counter(
            (age_band(participation.citizen.age_on(participation.voted_on)), resident_district(participation.citizen),
             participation.citizen.gender)
            for participation in Participation.objects.filter(poll_id=poll_id).select_related("citizen")
        )  # fmt: skip
        snapshots = Counter(Ballot.objects.filter(poll_id=poll_id).values_list("age_band", "district_code", "gender"))
        assert voters == snapshots


def test_choices_are_valid_for_their_poll(seeded):
    for poll in Poll.objects.filter(ballots__isnull=False).distinct().prefetch_related("options"):
        positions = {option.position for option in poll.options.all()}
        for choices in Ballot.objects.filter(poll=poll).values_list("choices", flat=True):
            assert choices and len(set(choices)) == len(choices) and set(choices) <= positions
            assert len(choices) <= poll.max_choices
            if poll.question_type == "single":
                assert len(choices) == 1
            if poll.question_type == "multiple":
                assert choices == sorted(choices)


def test_counters_equal_a_recount_of_the_ballots(seeded):
    for poll_id in Ballot.objects.values_list("poll_id", flat=True).distinct().order_by():
        assert poll_count_problems(f"voting.poll:{poll_id}") == [], poll_id
    ranked_total = sum(RankingCount.objects.filter(poll_id=seeded["ranked_poll_id"]).values_list("count", flat=True))
    assert ranked_total == 120
    # The counters are spread over shards, as ballots cast at random would leave them.
    assert TallyCount.objects.filter(poll_id=seeded["featured_poll_id"]).values("shard").distinct().count() > 1


def test_ballots_are_on_the_ledger_sealed_and_it_verifies(seeded):
    assert LedgerEntry.objects.filter(kind="ballot").count() == seeded["ballots"] == seeded["ledger_entries"]
    assert LedgerEntry.objects.pending().count() == 0
    report = ledger_verify()
    assert report.ok, report.problems
    assert report.scopes_not_recounted == []


def test_the_sample_receipt_is_a_ballot_of_the_featured_poll(seeded):
    from audit.ledger import receipt_digest

    digest = receipt_digest(seeded["sample_receipt"])
    assert Ballot.objects.filter(poll_id=seeded["featured_poll_id"], receipt_digest=digest).exists()
    assert LedgerEntry.objects.filter(scope=f"voting.poll:{seeded['featured_poll_id']}", receipt_digest=digest).exists()


def test_seeded_citizens_can_vote_and_officials_are_bench_accounts(seeded):
    assert Citizen.objects.filter(is_staff=False).count() == 350
    assert all(email.endswith("@bench.seoul.example") for email in Citizen.objects.filter(is_staff=True).values_list("email", flat=True))  # noqa: E501


def test_a_second_seed_is_refused(seeded):
    with pytest.raises(SeedRefused):
        seed(channels={"voting": dict(SIZES)}, citizens=350, write=lambda line: None, vacuum=False)


def test_without_the_ledger_no_entries_are_written():
    report = seed(
        channels={"voting": {**SIZES, "polls": 5, "other_ballots": 20, "ledger": False}},
        citizens=350,
        write=lambda line: None,
        vacuum=False,
    )
    assert report.channels["voting"]["ledger_entries"] == 0
    assert not LedgerEntry.objects.exists()
    assert poll_count_problems(f"voting.poll:{report.channels['voting']['featured_poll_id']}") == []


def test_the_seeder_reads_its_sizes_from_the_options():
    seeder = VotingSeeder()
    sizes = seeder.sizes({"ballots": 50, "ranked_ballots": None, "no_ledger": True}, scale=0.001)
    assert sizes == {"ballots": 50, "ranked_ballots": 1_000, "polls": 250, "other_ballots": 250, "ledger": False}
    assert seeder.citizens_needed(sizes) == 1_000


def test_the_command_seeds_the_voting_channel(tmp_path):
    report = tmp_path / "seed.json"
    call_command(
        "seed_scale", "--channel", "voting", "--ballots", "60", "--ranked-ballots", "30", "--polls", "6",
        "--other-ballots", "40", "--citizens", "80", "--no-vacuum", "--report-json", str(report), stdout=StringIO(),
    )  # fmt: skip
    data = json.loads(report.read_text())
    assert data["rows"]["voting.Ballot"] == data["channels"]["voting"]["ballots"]
    assert data["rows"]["voting.Participation"] == data["rows"]["voting.Ballot"]
    assert Ballot.objects.filter(poll_id=data["channels"]["voting"]["featured_poll_id"]).count() == 60
    with pytest.raises(CommandError, match="already holds data"):
        call_command("seed_scale", "--channel", "voting", "--ballots", "10", "--no-vacuum", stdout=StringIO())
