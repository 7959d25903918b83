"""seed_scale at a tiny size: every row consistent with the others, on PostgreSQL and SQLite.

The database enforces the constraints as the rows go in (and, on PostgreSQL, again when the
seeder rebuilds the indexes and foreign keys it set aside); the tests check what no constraint
can: counts that match their rows, a timeline that leads to each status, fake phones only.
"""

import json
from collections import Counter
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, Q

from audit.models import LedgerEntry
from audit.verification import ledger_verify
from bench.seeding import SeedRefused, seed
from bench.seeding.citizens import bench_phone, is_bench_phone
from citizens.access import next_onboarding_step
from citizens.models import Citizen, phone_blind_index
from citizens.phones import normalize_mobile
from proposals.models import Comment, CommentReport, DebateStance, Proposal, StageChange, Support

pytestmark = pytest.mark.django_db

Status = Proposal.Status
SIZES = {"proposals": 50, "supports": 500, "comments": 300, "ledger": True}


@pytest.fixture
def small_thresholds(settings):
    # Tiny sizes with Seoul's shape: a debate reaching the Mayor needs 30 participants, not 1,000.
    settings.PROPOSALS_REVIEW_THRESHOLD = 5
    settings.PROPOSALS_DEBATE_THRESHOLD = 10
    settings.PROPOSALS_MAYOR_THRESHOLD = 30


@pytest.fixture
def seeded(small_thresholds):
    report = seed(channels={"proposals": dict(SIZES)}, citizens=120, write=lambda line: None, vacuum=False)
    connection.check_constraints()  # deferred foreign keys, checked now rather than at a commit
    return report


def test_sizes_are_the_ones_asked_for(seeded):
    assert Proposal.objects.count() == 50
    assert Support.objects.filter(withdrawn_at__isnull=True).count() == 500
    assert Support.objects.filter(withdrawn_at__isnull=False).count() == 5  # 1 % more, withdrawn
    assert Comment.objects.count() == 300
    assert seeded.rows["proposals.Proposal"] == 50
    assert Citizen.objects.filter(is_staff=False).count() == 120


def test_every_status_is_seeded(seeded):
    assert set(Proposal.objects.values_list("status", flat=True)) == set(Status.values)


def test_counts_match_their_rows(seeded):
    proposals = Proposal.objects.annotate(
        active=Count("supports", filter=Q(supports__withdrawn_at__isnull=True), distinct=True),
        stances=Count("debate_stances", distinct=True),
    )
    for proposal in proposals:
        assert proposal.support_count == proposal.active, proposal.pk
        assert proposal.debate_participant_count == proposal.stances, proposal.pk


def test_every_check_constraint_holds(seeded):
    # The database refused nothing on insert; Django re-evaluates the models' checks too, on a
    # proposal of every status (all of them would take a query per constraint and proposal).
    for status in Status.values:
        Proposal.objects.filter(status=status).order_by("?").first().validate_constraints()
    for model in (Support, Comment, StageChange, DebateStance):
        for row in model.objects.order_by("?")[:25]:
            row.validate_constraints()


def test_supports_respect_the_stages_thresholds(seeded):
    for proposal in Proposal.objects.all():
        count = proposal.support_count
        if proposal.status == Status.DRAFT:
            assert count == 0
        elif proposal.status == Status.CLOSED_INSUFFICIENT:
            assert count < 5
        elif proposal.status in (Status.UNDER_REVIEW, Status.ANSWERED):
            assert count >= 5
            if proposal.status == Status.ANSWERED:
                assert count < 10  # with 10 the debate would have opened
        elif proposal.status in (Status.AWAITING_MAYOR, Status.MAYOR_ANSWERED):
            assert proposal.debate_participant_count >= 30
        elif proposal.status == Status.DEBATE_CLOSED:
            assert proposal.debate_participant_count < 30
        if proposal.status in (Status.IN_DEBATE, Status.DEBATE_CLOSED, Status.AWAITING_MAYOR, Status.MAYOR_ANSWERED):
            assert count >= 10 or proposal.promotion_reason, proposal.pk


def test_supporters_are_distinct_never_the_proposer_and_inside_the_window(seeded):
    active = Support.objects.filter(withdrawn_at__isnull=True)
    pairs = Counter(active.values_list("proposal_id", "citizen_id"))
    assert max(pairs.values()) == 1
    assert not Support.objects.filter(citizen_id=models_author()).exists()
    for support in Support.objects.select_related("proposal"):
        proposal = support.proposal
        assert proposal.window_opens_at <= support.created_at < proposal.window_closes_at
        if support.withdrawn_at:
            assert support.created_at <= support.withdrawn_at and support.withdrawal_receipt


def models_author():
    """A subquery: the author of the supported proposal."""
    from django.db.models import OuterRef, Subquery

    return Subquery(Proposal.objects.filter(pk=OuterRef("proposal_id")).values("author_id")[:1])


def test_timeline_leads_to_the_status(seeded):
    for proposal in Proposal.objects.prefetch_related("stages"):
        stages = sorted(proposal.stages.all(), key=lambda stage: (stage.at, stage.pk))
        if proposal.status == Status.DRAFT:
            assert stages == []
            continue
        assert (stages[0].from_status, stages[0].to_status) == (Status.DRAFT, Status.OPEN)
        assert stages[0].at == proposal.published_at
        for before, after in zip(stages, stages[1:], strict=False):
            assert before.to_status == after.from_status
        assert stages[-1].to_status == proposal.status


def test_featured_proposal_is_open_with_its_comments(seeded):
    featured = Proposal.objects.get(pk=seeded.channels["proposals"]["featured_proposal_id"])
    assert featured.status == Status.OPEN
    assert featured.comments.count() == 300  # all of them: fewer than 1,000 were asked for


def test_comments_threads_and_moderation_are_consistent(seeded):
    for reply in Comment.objects.filter(parent__isnull=False).select_related("parent"):
        assert reply.parent.parent_id is None and reply.parent.proposal_id == reply.proposal_id
        assert reply.parent.created_at <= reply.created_at
    reported = Comment.objects.exclude(status=Comment.Status.VISIBLE)
    for comment in reported:
        assert comment.report_count == CommentReport.objects.filter(comment=comment).count() == 3
    assert not Comment.objects.filter(proposal__status=Status.DRAFT).exists()


def test_citizens_are_fake_complete_and_ready_to_take_part(seeded):
    citizens = list(Citizen.objects.filter(is_staff=False))
    for citizen in citizens:
        assert is_bench_phone(citizen.phone), citizen.phone
        assert normalize_mobile(citizen.phone) == citizen.phone
        assert citizen.phone_index == phone_blind_index(citizen.phone)
        assert citizen.phone_last4 == citizen.phone[-4:] and citizen.phone_verified_at
        assert citizen.email == "" and not citizen.has_usable_password()
    assert next_onboarding_step(citizens[0]) is None
    staff_emails = {official.email for official in Citizen.objects.filter(is_staff=True)}
    assert all(email.endswith("@bench.seoul.example") for email in staff_emails)


def test_phones_stay_in_the_reserved_range():
    assert bench_phone(1) == "+821001000001"  # 010-0100-0001
    assert bench_phone(8_999_999) == "+821009999999"  # 010-0999-9999
    assert is_bench_phone(bench_phone(12345)) and not is_bench_phone("+821012345678")
    with pytest.raises(ValueError):
        bench_phone(9_000_000)


def test_seeded_supports_are_on_the_ledger_and_it_verifies(seeded):
    assert LedgerEntry.objects.filter(kind="support").count() == 505
    assert LedgerEntry.objects.filter(kind="support_withdrawal").count() == 5
    assert LedgerEntry.objects.pending().count() == 0
    report = ledger_verify()
    assert report.ok, report.problems
    assert report.scopes_not_recounted == []


def test_a_second_seed_is_refused_unless_appended(seeded):
    with pytest.raises(SeedRefused):
        seed(channels={"proposals": dict(SIZES)}, citizens=120, write=lambda line: None, vacuum=False)
    seed(
        channels={"proposals": {**SIZES, "proposals": 20, "supports": 100, "comments": 50}},
        citizens=60,
        append=True,
        write=lambda line: None,
        vacuum=False,
    )
    connection.check_constraints()
    assert Proposal.objects.count() == 70
    assert Support.objects.filter(withdrawn_at__isnull=True).count() == 600
    phones = list(Citizen.objects.filter(is_staff=False).values_list("phone_index", flat=True))
    assert len(phones) == len(set(phones)) == 180


def test_the_command_seeds_and_reports(small_thresholds, tmp_path):
    report = tmp_path / "seed.json"
    call_command(
        "seed_scale",
        "--proposals",
        "30",
        "--supports",
        "200",
        "--comments",
        "100",
        "--citizens",
        "80",
        "--no-vacuum",
        "--report-json",
        str(report),
        stdout=StringIO(),
    )
    data = json.loads(report.read_text())
    assert data["rows"]["proposals.Proposal"] == 30
    assert data["peak_memory_mb"] > 0
    assert Proposal.objects.filter(pk=data["channels"]["proposals"]["featured_proposal_id"], status="open").exists()
    with pytest.raises(CommandError, match="already holds data"):
        call_command("seed_scale", "--proposals", "30", "--no-vacuum", stdout=StringIO())


def test_the_command_explains_sizes_that_cannot_be_consistent(small_thresholds, tmp_path):
    with pytest.raises(CommandError, match="Supports"):
        # 50 proposals need more than 10 supports for the stages under review and answered.
        call_command(
            "seed_scale",
            "--proposals",
            "50",
            "--supports",
            "10",
            "--comments",
            "10",
            "--citizens",
            "50",
            "--no-vacuum",
            stdout=StringIO(),
        )
    assert not Proposal.objects.exists()
