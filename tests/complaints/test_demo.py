"""seed_demo's civil complaints: categories of every type with their units, service codes and
questions; about sixty complaints in every state and channel across the districts, filed and moved
through the services (events, notifications and deadlines real); running it again changes nothing."""

import pytest
from django.core.management import call_command

from citizens.models import phone_blind_index
from complaints.calendar import work_calendar
from complaints.deadlines import due_at
from complaints.demo.history import history_complaints
from complaints.geography import district_code_at
from complaints.models import (
    Category,
    CategoryQuestion,
    Channel,
    Complaint,
    ComplaintEvent,
    ComplaintType,
    Follower,
    Satisfaction,
    Transfer,
)
from complaints.states import Status
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def the_sixty():
    """The demo's own complaints, filed through the services (not the months of history behind them)."""
    return Complaint.objects.exclude(pk__in=history_complaints().values("pk"))


def counts():
    return (
        Category.objects.count(), CategoryQuestion.objects.count(), Complaint.objects.count(),
        ComplaintEvent.objects.count(), Follower.objects.count(), Transfer.objects.count(),
        Satisfaction.objects.count(), Notification.objects.filter(kind__startswith="complaint_").count(),
    )  # fmt: skip


@pytest.fixture
def seeded(settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    return capsys.readouterr().out


def test_seed_demo_fills_complaints_through_the_services(seeded):
    """One seeding (it takes a while), every property of what it left."""
    _categories_have_types_units_service_codes_and_questions()
    _every_state_and_channel_across_the_districts()
    _filed_and_moved_through_the_services()
    _the_command_names_a_complaint_to_track(seeded)


def _categories_have_types_units_service_codes_and_questions():
    leaves = Category.objects.filter(parent__isnull=False)
    assert set(leaves.values_list("complaint_type", flat=True)) == set(ComplaintType.values)
    assert leaves.filter(needs_location=True).exists() and leaves.filter(questions__required=True).exists()
    # The demo organisation's units handle them.
    assert set(Category.objects.values_list("default_unit__code", flat=True)) <= {
        "iot-team", "digital-cooperation-team", "blockchain-team", "ai-team", "big-data-team", "spatial-data-team",
        "smart-city-policy-division", "data-policy-division",
    }  # fmt: skip
    assert Category.objects.values("service_code").distinct().count() == Category.objects.count()


def _every_state_and_channel_across_the_districts():
    demo = the_sixty()
    assert 55 <= demo.count() <= 70
    assert set(demo.values_list("status", flat=True)) == set(Status.values)
    assert set(demo.values_list("channel", flat=True)) == set(Channel.values)
    assert demo.exclude(district=None).values("district").distinct().count() >= 15
    assert demo.filter(is_public=True, latitude__isnull=False).count() >= 10
    for complaint in demo.exclude(latitude=None):
        assert district_code_at(complaint.latitude, complaint.longitude) == complaint.district_id
    # SMS and email complaints waiting for triage, and disputed and pending transfers.
    assert demo.filter(category__isnull=True, channel__in=["sms", "email"]).count() == 2
    assert set(Transfer.objects.values_list("outcome", flat=True)) >= {"pending", "disputed", "coordinated", "accepted"}


def _filed_and_moved_through_the_services():
    calendar = work_calendar()
    for complaint in the_sixty().select_related("category"):
        events = list(complaint.events.order_by("at", "pk"))
        assert events[0].kind == "received" and events[0].at == complaint.received_at
        moves = [event for event in events if event.kind == "move"]
        assert (moves[-1].to_status if moves else "received") == complaint.status
        if complaint.category_id and complaint.answer_round == 1:
            assert complaint.due_at == due_at(complaint.received_at, complaint.category.period, calendar)
        if complaint.citizen_id or complaint.contact_id:
            assert Follower.objects.filter(complaint=complaint).exists()
    # Every filer heard of their complaint; answers went out; a rating and a reopening happened.
    received = Notification.objects.filter(kind="complaint_received").values("key").distinct().count()
    assert received >= Complaint.objects.exclude(contact_preference="none").filter(
        citizen__isnull=False
    ).count()  # fmt: skip
    assert Notification.objects.filter(kind="complaint_answered").exists()
    assert Satisfaction.objects.filter(rating__lte=2).exists() and Satisfaction.objects.filter(rating=5).exists()
    assert Complaint.objects.filter(answer_round=2, status="answered").exists()
    # Escalation ran: overdue complaints flagged, the 30-day progress notice sent.
    assert Complaint.objects.filter(overdue_at__isnull=False).exists()
    assert Complaint.objects.filter(progress_notice_at__isnull=False).exists()
    assert ComplaintEvent.objects.filter(kind="overdue").exists()
    duplicate = Complaint.objects.filter(status="duplicate").first()
    assert duplicate.duplicate_of.category_id == duplicate.category_id


def _the_command_names_a_complaint_to_track(output):
    demo_citizen = phone_blind_index("+821000000001")  # 010-0000-0001
    complaint = Complaint.objects.filter(citizen__phone_index=demo_citizen).order_by("-received_at").first()
    assert f"track {complaint.tracking_number} with the digits 0001" in output


def test_seeding_twice_changes_nothing(seeded, settings):
    before = counts()
    call_command("seed_demo")
    assert counts() == before
