"""seed_scale --channel analysis at a tiny size: complaints generated inside PostgreSQL as the
services would have left them, resumable after an interruption, and the runner's plan for the
channel (10,000,000 vs 10,000, within 2x)."""

from collections import defaultdict
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from bench.run import datasets
from bench.scenarios import analysis as scenarios
from bench.seeding import SEEDERS, seed
from bench.seeding.analysis import CHUNK_TABLE, PLAN_TABLE, load_plan, seed_analysis
from bench.sizes import MEASURES, scaled
from complaints.calendar import work_calendar
from complaints.deadlines import due_at
from complaints.models import TYPE_PERIODS, Complaint, ComplaintType, Satisfaction, TrackingCounter
from complaints.states import FINISHED_STATES, OPEN_STATES, Status

pytestmark = pytest.mark.django_db

SIZE = 2_000
DAYS = 120


def _indexes():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename IN ('complaints_complaint', 'complaints_satisfaction')"
        )
        indexes = {row[0] for row in cursor.fetchall()}
        cursor.execute(
            "SELECT conname FROM pg_constraint WHERE conrelid IN "
            "('complaints_complaint'::regclass, 'complaints_satisfaction'::regclass)"
        )
        return indexes | {row[0] for row in cursor.fetchall()}


def _seed(**kwargs):
    return seed_analysis(total=SIZE, history_days=DAYS, write=lambda line: None, vacuum=False, **kwargs)


@pytest.fixture
def seeded():
    before = _indexes()
    report = _seed()
    connection.check_constraints()
    return {"report": report, "indexes_before": before}


def test_sizes_report_and_indexes_restored(seeded):
    report = seeded["report"]
    assert Complaint.objects.count() == SIZE == report["complaints"]
    assert Satisfaction.objects.count() == report["ratings"] > 0
    assert report["chunks"] == -(-(DAYS + 1) // 7) and report["chunks_resumed"] == 0
    assert (report["first_complaint_id"], report["last_complaint_id"]) == (1, SIZE)
    # Every index, unique constraint and foreign key dropped for the load is back.
    assert _indexes() == seeded["indexes_before"]
    assert load_plan()["finished"] is True


def test_every_check_constraint_holds(seeded):
    for complaint in Complaint.objects.all():
        complaint.validate_constraints()


def test_tracking_numbers_per_year_in_order_of_receipt(seeded):
    numbers = defaultdict(list)
    for number in Complaint.objects.order_by("received_at", "pk").values_list("tracking_number", flat=True):
        year, serial = number.split("-")
        numbers[int(year)].append(int(serial))
    for year, serials in numbers.items():
        assert serials == list(range(1, len(serials) + 1))
        assert TrackingCounter.objects.get(year=year).last == len(serials)
    # Ids follow the order of receipt too.
    ids = list(Complaint.objects.order_by("received_at", "pk").values_list("pk", flat=True))
    assert ids == sorted(ids)


def test_history_statuses_by_age_and_deadlines(seeded):
    now = timezone.now()
    first = Complaint.objects.order_by("received_at").first().received_at
    assert DAYS - 2 <= (now - first).days <= DAYS
    assert not Complaint.objects.filter(received_at__gt=now).exists()
    old = Complaint.objects.filter(received_at__lt=now - timedelta(days=60))
    assert old.filter(status__in=FINISHED_STATES).count() >= 0.98 * old.count() > 0
    recent = Complaint.objects.filter(received_at__gt=now - timedelta(days=3))
    assert recent.filter(status__in=OPEN_STATES).count() > 0
    assert set(Complaint.objects.values_list("status", flat=True)) >= {
        "assigned", "in_progress", "answered", "closed", "rejected", "duplicate",
    }  # fmt: skip
    calendar = work_calendar()
    for complaint in Complaint.objects.filter(answer_round=1).exclude(complaint_type__in=["", "on_site"])[:300]:
        period = TYPE_PERIODS[ComplaintType(complaint.complaint_type)]
        assert complaint.due_at == due_at(complaint.received_at, period, calendar)


def test_finished_at_and_answers_follow_the_status(seeded):
    for complaint in Complaint.objects.all():
        if complaint.status in (Status.ANSWERED, Status.CLOSED):
            assert complaint.finished_at == complaint.answered_at and complaint.answer
        elif complaint.status in (Status.REJECTED, Status.DUPLICATE):
            assert complaint.finished_at is not None and complaint.answered_at is None
        else:
            assert complaint.finished_at is None
        if complaint.status == Status.DUPLICATE:
            original = complaint.duplicate_of
            assert original.category_id == complaint.category_id and original.received_at <= complaint.received_at
        if complaint.closed_at:
            assert complaint.closed_at > complaint.answered_at
        if complaint.overdue_at:
            assert complaint.overdue_at > complaint.due_at
        assert complaint.updated_at >= complaint.received_at


def test_shares_ratings_and_reopened(seeded):
    answered = Complaint.objects.filter(status__in=["answered", "closed"]).count()
    # About 20 % of the answered rated; a third public; channels in Seoul's shares.
    assert 0.12 * answered < Satisfaction.objects.count() < 0.28 * answered
    assert 0.25 * SIZE < Complaint.objects.filter(is_public=True).count() < 0.45 * SIZE
    assert 0.25 * SIZE < Complaint.objects.filter(channel="web").count() < 0.41 * SIZE
    reopened = Complaint.objects.filter(answer_round=2)
    assert reopened.exists()
    # Only a first answer rated 1 or 2 leads to a request for an additional answer.
    assert set(Satisfaction.objects.filter(complaint__in=reopened).values_list("rating", flat=True)) <= {1, 2}
    assert set(Satisfaction.objects.values_list("rating", flat=True)) == {1, 2, 3, 4, 5}
    late = Complaint.objects.filter(status__in=["answered", "closed"], finished_at__gt=models_f("due_at")).count()
    assert 0.02 * answered < late < 0.2 * answered


def models_f(name):
    from django.db.models import F

    return F(name)


def test_points_inside_seoul_and_districts(seeded):
    placed = Complaint.objects.filter(latitude__isnull=False)
    assert placed.count() > 0.5 * SIZE
    assert placed.filter(district__isnull=True).count() == 0
    assert placed.values("district").distinct().count() == 25
    assert not placed.exclude(latitude__range=(37.41, 37.72), longitude__range=(126.76, 127.19)).exists()
    assert not Complaint.objects.filter(latitude__isnull=True, district__isnull=False).exists()


def test_an_interrupted_seeding_resumes_with_the_same_complaints():
    now = timezone.now()
    interrupted = _seed(now=now, stop_after=3)
    assert interrupted == {"interrupted": True, "chunks_done": 3}
    plan = load_plan()
    assert len(plan["done"]) == 3 and not plan["finished"] and plan["dropped"]
    partial = Complaint.objects.count()
    assert 0 < partial < SIZE
    # Indexes stay dropped while the load is unfinished.
    assert "complaint_received" not in _indexes()
    with pytest.raises(ValueError, match="not 3"):
        seed_analysis(total=3, history_days=DAYS, write=lambda line: None, vacuum=False)
    lines = []
    report = seed_analysis(total=SIZE, history_days=DAYS, write=lines.append, vacuum=False)
    assert report["chunks_resumed"] == 3 and any(line.startswith("Resuming: 3 of") for line in lines)
    assert Complaint.objects.count() == SIZE and "complaint_received" in _indexes()
    resumed = list(
        Complaint.objects.order_by("pk").values_list("pk", "tracking_number", "status", "received_at", "category_id")
    )
    ratings = sorted(Satisfaction.objects.values_list("complaint_id", "rating"))
    # The same, uninterrupted, on an emptied database: each chunk draws from its own seed.
    Satisfaction.objects.all().delete()
    Complaint.objects.filter(duplicate_of__isnull=False).delete()
    Complaint.objects.all().delete()
    TrackingCounter.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {PLAN_TABLE}, {CHUNK_TABLE}")
    _seed(now=now)
    assert resumed == list(
        Complaint.objects.order_by("pk").values_list("pk", "tracking_number", "status", "received_at", "category_id")
    )
    assert ratings == sorted(Satisfaction.objects.values_list("complaint_id", "rating"))
    # Finished: a further run refuses (a benchmark wants known sizes).
    with pytest.raises(ValueError, match="finished seeding"):
        _seed()


def test_the_command_seeds_alone_and_refuses_what_it_cannot_do():
    with pytest.raises(CommandError, match="seeded alone"):
        call_command("seed_scale", "--channel", "analysis", "--channel", "complaints", stdout=StringIO())
    with pytest.raises(CommandError, match="cannot --append"):
        call_command("seed_scale", "--channel", "analysis", "--append", stdout=StringIO())
    Complaint.objects.create(channel="web", description="손으로 접수한 민원", tracking_number="2026-0000001")
    with pytest.raises(CommandError, match="not seeded by this channel"):
        call_command("seed_scale", "--channel", "analysis", "--complaints", "50", stdout=StringIO())


def test_seed_reports_through_the_registry():
    report = seed(channels={"analysis": {"complaints": 300, "history_days": 30}}, write=lambda line: None, vacuum=False)
    assert report.rows == {
        "complaints.Complaint": 300,
        "complaints.Satisfaction": report.channels["analysis"]["ratings"],
    }
    assert report.channels["analysis"]["service_code"] and report.channels["analysis"]["district_code"]
    assert report.peak_memory_mb > 0
    assert SEEDERS["analysis"].has_data() is True


def test_the_runner_compares_ten_million_with_ten_thousand_and_queries_with_a_thousand():
    assert MEASURES["analysis"]["max_ratio"] == 2.0 and MEASURES["analysis"]["rebuild"] is True
    seoul = datasets(1.0, 1_000, "analysis")
    assert [(dataset["roles"], scaled("analysis", dataset["factor"])["complaints"]) for dataset in seoul] == [
        (["baseline"], 1_000),
        (["small"], 10_000),
        (["big"], 10_000_000),
    ]
    assert all(dataset["database"].startswith("seoul_portal_bench_analysis_") for dataset in seoul)
    small = datasets(0.01, 1_000, "analysis")
    assert [scaled("analysis", dataset["factor"])["complaints"] for dataset in small] == [1_000, 100_000]
    # The whole portal's small run (bench/portal.py: a tenth of the channel's scale, 100 times
    # smaller): 10,000 against 1,000, not 10,000 against itself.
    portal_small = datasets(0.001, 100, "analysis")
    assert [(dataset["roles"], scaled("analysis", dataset["factor"])["complaints"]) for dataset in portal_small] == [
        (["baseline", "small"], 1_000),
        (["big"], 10_000),
    ]


def test_every_scenario_answers_on_a_seeded_and_rebuilt_database(django_assert_max_num_queries):
    from bench.rebuild import rebuild

    report = seed(channels={"analysis": {"complaints": 600, "history_days": 90}}, write=lambda line: None, vacuum=False)
    rebuilt = rebuild(write=lambda line: None)
    assert rebuilt["complete"] and rebuilt["tables"]["complaints.DailyRollup"]["rows"] > 0
    context = scenarios.prepare(dict(report.channels["analysis"]), requests=1)
    client = Client()
    names = set()
    for scenario in scenarios.SCENARIOS:
        names.add(scenario.name)
        response = client.get(scenario.url(context), headers=scenario.headers or None)
        assert response.status_code in scenario.expect, (scenario.name, response.status_code)
    assert {"stats", "stats_all_time", "stats_htmx", "stats_csv", "trends", "density_cells"} <= names
    htmx = next(scenario for scenario in scenarios.SCENARIOS if scenario.name == "stats_htmx")
    whole = client.get(htmx.url(context))
    fragment = client.get(htmx.url(context), headers=htmx.headers)
    assert len(fragment.content) < len(whole.content)
