"""seed_scale --channel complaints at a tiny size: every complaint as the intake and handling
services would have left it.

What no constraint checks: tracking numbers given per year in order of receipt, the counter at
the last one; deadlines as complaints.deadlines computes them; a timeline of legal moves from
"received" to the complaint's status; the filer following; a location inside its district;
transfers, ratings and reopened rounds consistent with the status; every state, channel and
unit present.
"""

import json
from collections import Counter, defaultdict
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from bench.run import datasets
from bench.seeding import SeedRefused, seed
from bench.seeding.citizens import is_bench_phone
from bench.seeding.complaints import FORCED_STATES, ComplaintsSeeder, contact_phone
from bench.sizes import scaled
from citizens.models import Citizen, District
from complaints.calendar import work_calendar
from complaints.deadlines import due_at
from complaints.geography import district_code_at
from complaints.models import (
    Category,
    Channel,
    Complaint,
    ComplaintEvent,
    Follower,
    Satisfaction,
    TrackingCounter,
    Transfer,
)
from complaints.services.intake import next_tracking_number
from complaints.states import FINISHED_STATES, OPEN_STATES, Status, check_move
from notifications.models import Contact

pytestmark = pytest.mark.django_db

SIZE = 700


@pytest.fixture
def seeded():
    report = seed(channels={"complaints": {"complaints": SIZE}}, citizens=250, write=lambda line: None, vacuum=False)
    connection.check_constraints()
    return report.channels["complaints"]


def test_sizes_and_the_report(seeded):
    assert Complaint.objects.count() == SIZE == seeded["complaints"]
    assert seeded["first_complaint_id"] == Complaint.objects.order_by("pk").first().pk
    assert sum(seeded["statuses"].values()) == SIZE and sum(seeded["channels"].values()) == SIZE
    assert Complaint.objects.filter(is_public=True).count() == seeded["public"]
    # About a third public.
    assert 0.2 * SIZE < seeded["public"] < 0.45 * SIZE
    assert Contact.objects.count() == seeded["contacts"] > 0


def test_every_state_channel_and_unit_is_there(seeded):
    assert set(Complaint.objects.values_list("status", flat=True)) == set(Status.values)
    assert set(Complaint.objects.values_list("channel", flat=True)) == set(Channel.values)
    units = {category.default_unit_id for category in Category.objects.filter(parent__isnull=False)}
    # Every handling unit has complaints (the smallest, with 1 % of the volume, may miss out by chance).
    assert len(units - set(Complaint.objects.values_list("unit_id", flat=True))) <= 1 and len(units) >= 19
    assert Complaint.objects.values("district").distinct().count() >= 20
    types = set(Complaint.objects.exclude(complaint_type="").values_list("complaint_type", flat=True))
    assert types == {"inquiry", "legal", "suggestion", "grievance", "on_site"}
    assert Transfer.objects.filter(outcome="disputed").exists() and Transfer.objects.filter(outcome="pending").exists()
    assert len(FORCED_STATES) == 12


def test_reference_data(seeded):
    assert 20 <= Category.objects.count() <= 50 and Category.objects.filter(parent__isnull=True).count() >= 5
    assert Category.objects.filter(questions__required=True).exists()
    general = Category.objects.get(service_code=seeded["intake_category"])
    assert not general.needs_location and not general.questions.filter(required=True).exists()
    located = Category.objects.get(service_code=seeded["intake_located_category"])
    assert located.needs_location and not located.questions.filter(required=True).exists()
    queue = Complaint.objects.filter(unit_id=seeded["queue_unit_id"]).count()
    assert queue == seeded["queue_unit_complaints"] == max(
        Counter(Complaint.objects.exclude(unit=None).values_list("unit_id", flat=True)).values()
    )
    official = Citizen.objects.get(pk=seeded["queue_official_id"])
    assert official.is_staff and official.has_perm("complaints.view_complaint")
    assert official.org_assignments.filter(unit_id=seeded["queue_unit_id"], ended_on=None).exists()
    assert all(
        email.endswith("@bench.seoul.example") for email in Citizen.objects.filter(is_staff=True).values_list("email", flat=True)
    )


def test_every_check_constraint_holds(seeded):
    for complaint in Complaint.objects.all():
        complaint.validate_constraints()


def test_tracking_numbers_run_per_year_in_order_of_receipt(seeded):
    numbers = defaultdict(list)
    for number in Complaint.objects.order_by("received_at", "pk").values_list("tracking_number", flat=True):
        year, serial = number.split("-")
        numbers[int(year)].append(int(serial))
    for year, serials in numbers.items():
        assert serials == list(range(1, len(serials) + 1))
        assert TrackingCounter.objects.get(year=year).last == len(serials)
    year = max(numbers)
    assert next_tracking_number(year) == f"{year}-{len(numbers[year]) + 1:07d}"


def test_received_over_five_months_and_deadlines_as_the_law_counts(seeded):
    calendar = work_calendar()
    first, last = Complaint.objects.order_by("received_at").values_list("received_at", flat=True)[::SIZE - 1]
    assert 140 <= (last - first).days <= 150
    for complaint in Complaint.objects.select_related("category").filter(category__isnull=False):
        if complaint.answer_round == 1:
            assert complaint.due_at == due_at(complaint.received_at, complaint.category.period, calendar)
        assert complaint.complaint_type == complaint.category.complaint_type
    untriaged = Complaint.objects.filter(category__isnull=True)
    assert set(untriaged.values_list("channel", "status", "due_at")) <= {("sms", "received", None), ("email", "received", None)}


def test_timelines_are_legal_moves_ending_in_the_status(seeded):
    now = timezone.now()
    events = defaultdict(list)
    for event in ComplaintEvent.objects.order_by("at", "pk"):
        events[event.complaint_id].append(event)
    for complaint in Complaint.objects.all():
        timeline = events[complaint.pk]
        received = [event for event in timeline if event.kind == "received"]
        assert len(received) == 1 and received[0].at == complaint.received_at
        assert all(event.at >= complaint.received_at for event in timeline)
        status = Status.RECEIVED
        for event in timeline:
            if event.kind == "move":
                assert event.from_status == status, complaint.tracking_number
                status = check_move(event.move, status)
                assert event.to_status == status
        assert status == complaint.status, complaint.tracking_number
        # Followers moved over from a duplicate touch the original's timeline, not its row.
        assert complaint.updated_at == max(event.at for event in timeline if event.kind != "followers")
        answered = [event for event in timeline if event.move == "answer"]
        if complaint.answered_at:
            assert answered and answered[-1].at == complaint.answered_at
        if complaint.status == Status.DUPLICATE:
            assert timeline[-1].note == complaint.duplicate_of.tracking_number
            assert complaint.duplicate_of.received_at < complaint.received_at
            assert complaint.duplicate_of.status not in (Status.DUPLICATE, Status.REJECTED)
        if complaint.overdue_at:
            assert complaint.overdue_at > complaint.due_at
        if complaint.status in OPEN_STATES and complaint.due_at and complaint.due_at + timedelta(hours=1) < now:
            # complaints_escalate would have flagged it.
            assert complaint.overdue_at and any(event.kind == "overdue" for event in timeline)


def test_filers_follow_and_their_phone_digits_track(seeded):
    follows = set(Follower.objects.values_list("complaint_id", "citizen_id", "contact_id"))
    for complaint in Complaint.objects.select_related("citizen", "contact"):
        if complaint.citizen_id:
            assert (complaint.pk, complaint.citizen_id, None) in follows
            assert complaint.tracking_last4 == complaint.citizen.phone_last4 and is_bench_phone(complaint.citizen.phone)
        elif complaint.contact_id:
            assert (complaint.pk, None, complaint.contact_id) in follows
            assert complaint.tracking_last4 == complaint.contact.phone_last4
        else:
            assert complaint.channel == "open311" and complaint.contact_preference == "none"
        if complaint.channel == "phone":
            assert complaint.filed_by.has_perm("complaints.file_for_caller")
    for duplicate in Complaint.objects.filter(status="duplicate").exclude(citizen=None):
        assert Follower.objects.filter(complaint=duplicate.duplicate_of, citizen=duplicate.citizen).exists()
    for contact in Contact.objects.exclude(phone=""):
        assert contact.phone == contact_phone(contact.pk)


def test_locations_are_inside_their_districts(seeded):
    located = Complaint.objects.exclude(latitude=None)
    assert located.count() > SIZE / 3
    for latitude, longitude, district in located.values_list("latitude", "longitude", "district_id"):
        assert district_code_at(latitude, longitude) == district
    assert not Complaint.objects.filter(latitude=None).exclude(district=None).exists()
    needs = Complaint.objects.filter(category__needs_location=True)
    assert not needs.filter(latitude=None).exists()
    assert District.objects.filter(code__in=located.values("district_id")).count() >= 20


def test_transfers_ratings_and_rounds_agree_with_the_status(seeded):
    for transfer in Transfer.objects.select_related("complaint"):
        complaint = transfer.complaint
        if transfer.outcome in ("pending", "disputed"):
            assert complaint.status == Status.TRANSFERRED and complaint.unit_id == transfer.to_unit_id
        else:
            assert transfer.decided_unit_id and transfer.decided_at and transfer.decided_by_id
    assert set(Complaint.objects.filter(status="transferred").values_list("pk", flat=True)) == set(
        Transfer.objects.filter(outcome__in=["pending", "disputed"]).values_list("complaint_id", flat=True)
    )
    for rating in Satisfaction.objects.select_related("complaint"):
        assert rating.complaint.citizen_id and rating.complaint.answered_at and 1 <= rating.rating <= 5
        assert rating.rated_at >= rating.complaint.received_at
    assert set(Complaint.objects.filter(answer_round=2).values_list("status", flat=True)) <= {
        "reopened", "in_progress", "answered", "closed",
    }  # fmt: skip
    assert Complaint.objects.filter(status="reopened", answer_round=2).exists()
    finished = Complaint.objects.filter(status__in=FINISHED_STATES)
    assert not finished.filter(status="answered", answered_at=None).exists()
    assert not Complaint.objects.filter(status="rejected", rejection_remedy="").exists()


def test_a_second_seed_is_refused(seeded):
    with pytest.raises(SeedRefused):
        seed(channels={"complaints": {"complaints": 10}}, citizens=50, write=lambda line: None, vacuum=False)


def test_appending_continues_the_numbers_and_the_reference_data(seeded):
    before = Category.objects.count(), TrackingCounter.objects.get().last
    seed(channels={"complaints": {"complaints": 50}}, citizens=50, append=True, write=lambda line: None, vacuum=False)
    connection.check_constraints()
    assert Category.objects.count() == before[0]
    assert TrackingCounter.objects.get().last == before[1] + 50
    assert Complaint.objects.count() == SIZE + 50


def test_the_sizes_and_the_runner_s_datasets():
    assert scaled("complaints", 1.0) == {"complaints": 1_000_000}
    sets = datasets(1.0, 1_000, "complaints")
    assert [dataset["roles"] for dataset in sets] == [["baseline", "small"], ["big"]]
    assert [scaled("complaints", dataset["factor"])["complaints"] for dataset in sets] == [1_000, 1_000_000]
    small = datasets(0.01, 1_000, "complaints")
    assert [scaled("complaints", dataset["factor"])["complaints"] for dataset in small] == [1_000, 10_000]
    seeder = ComplaintsSeeder()
    assert seeder.sizes({"complaints": 50}, scale=1.0) == {"complaints": 50}
    assert seeder.citizens_needed({"complaints": 1_000_000}) == 250_000


def test_the_command_seeds_the_complaints_channel(tmp_path):
    report = tmp_path / "seed.json"
    call_command(
        "seed_scale", "--channel", "complaints", "--complaints", "120", "--citizens", "60", "--no-vacuum",
        "--report-json", str(report), stdout=StringIO(),
    )  # fmt: skip
    data = json.loads(report.read_text())
    assert data["rows"]["complaints.Complaint"] == 120 == data["channels"]["complaints"]["complaints"]
    assert data["rows"]["complaints.ComplaintEvent"] >= 120
    with pytest.raises(CommandError, match="already holds data"):
        call_command("seed_scale", "--channel", "complaints", "--complaints", "10", "--no-vacuum", stdout=StringIO())


def test_complaints_of_the_last_minutes_have_barely_begun(monkeypatch):
    """Nothing is dated in the future: a complaint filed minutes ago by phone is at most assigned, or answered on the call."""
    from bench.seeding import complaints as seeder

    monkeypatch.setattr(seeder, "HISTORY_DAYS", 0.02)  # the last half hour
    monkeypatch.setattr(seeder, "CHANNELS", {"phone": 1})
    seed(channels={"complaints": {"complaints": 150}}, citizens=50, write=lambda line: None, vacuum=False)
    connection.check_constraints()
    assert set(Complaint.objects.values_list("status", flat=True)) <= {"received", "assigned", "answered"}
    assert not ComplaintEvent.objects.filter(at__gt=timezone.now()).exists()
    for complaint in Complaint.objects.all():
        complaint.validate_constraints()
