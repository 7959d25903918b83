"""seed_demo's complaint history (complaints/demo/history.py): months of complaints written as the
services would have left them, and the analysis built on them, so that every chart, the trends,
the hotspot, the near-duplicates and an emergency alert show something. Seeded once at a fixed
moment (a Wednesday afternoon in July: the summer's rising term), then checked; seeding again
adds nothing."""

from datetime import datetime, timedelta

import pytest
from django.db.models import Count, F, Min, Q

from citizens.models import Citizen
from complaints import demo as complaints_demo
from complaints.calendar import work_calendar
from complaints.deadlines import SEOUL, due_at
from complaints.demo import history
from complaints.geography import district_code_at
from complaints.models import (
    CellRollup,
    Complaint,
    ComplaintEvent,
    DailyRollup,
    EmergencyAlert,
    EmergencyKeyword,
    Follower,
    Satisfaction,
    TermCount,
    TrackingCounter,
    Trend,
)
from complaints.selectors.density import density_map
from complaints.selectors.stats import StatsFilter, dashboard, unit_min_sample
from complaints.services.cells import cell_of
from governance.demo import org as org_demo
from notifications.models import Notification

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 7, 15, 14, 30, tzinfo=SEOUL)  # a Wednesday
TODAY = NOW.date()
LAST_28_DAYS = StatsFilter(start=TODAY - timedelta(days=27), end=TODAY)


def counts():
    return (
        Complaint.objects.count(), ComplaintEvent.objects.count(), Satisfaction.objects.count(),
        Follower.objects.count(), EmergencyAlert.objects.count(), EmergencyKeyword.objects.count(),
        Notification.objects.count(), TrackingCounter.objects.get(year=2026).last,
    )  # fmt: skip


@pytest.fixture
def seeded():
    org_demo.seed()
    complaints_demo._categories()
    official = Citizen.objects.create_superuser(email="desk@demo.seoul.example", password="x", name="데모 공무원")
    crowd = complaints_demo._crowd(NOW)
    app = complaints_demo._open311_app(official)
    wrote = history.seed(official=official, crowd=crowd, app=app, now=NOW)
    return {"wrote": wrote, "official": official, "crowd": crowd, "app": app}


def test_the_history_and_its_analysis(seeded):
    """One seeding (it takes a while), every property of what it left."""
    assert seeded["wrote"] is True
    _months_of_complaints_in_every_district()
    _written_as_the_services_would()
    _the_dashboard_of_the_last_28_days()
    _a_hotspot_this_week()
    _a_rising_term_this_week()
    _open_near_duplicates()
    _the_emergency_alerted_the_unit_on_duty()
    _seeding_again_adds_nothing(seeded)


def _months_of_complaints_in_every_district():
    history = Complaint.objects.all()  # the history alone: the sixty of the demo are not seeded here
    assert 3_000 <= history.count() <= 5_000
    first = history.aggregate(first=Min("received_at"))["first"]
    assert (NOW - first).days >= 180
    assert history.filter(received_at__gt=NOW).count() == 0
    assert history.values("district").exclude(district=None).distinct().count() == 25
    assert set(history.values_list("channel", flat=True)) == {"web", "mobile", "phone", "sms", "email", "open311"}
    # A weekly rhythm: the Mondays of the last eight weeks got more than twice their Sundays.
    local_days = [moment.astimezone(SEOUL) for moment in history.filter(
        received_at__gte=NOW - timedelta(weeks=8)).values_list("received_at", flat=True)]  # fmt: skip
    mondays = sum(1 for moment in local_days if moment.weekday() == 0)
    sundays = sum(1 for moment in local_days if moment.weekday() == 6)
    assert mondays > 2 * sundays > 0
    # A seasonal rise: the smart shelters in July against May.
    shelter = history.filter(category__service_code="smart-shelter")
    july = shelter.filter(received_at__gte=datetime(2026, 7, 1, tzinfo=SEOUL)).count()
    may_days = shelter.filter(received_at__gte=datetime(2026, 5, 1, tzinfo=SEOUL),
                              received_at__lt=datetime(2026, 5, 15, tzinfo=SEOUL)).count()  # fmt: skip
    assert july > 2 * may_days


def _written_as_the_services_would():
    calendar = work_calendar()
    located = list(Complaint.objects.exclude(latitude=None).values_list("latitude", "longitude", "district_id"))
    assert len(located) > 1_500
    assert all(district_code_at(lat, lon) == district for lat, lon, district in located)
    # The deadline of the category's type on the work calendar (holidays included), from receipt
    # (or from the request for an additional answer).
    for complaint in Complaint.objects.filter(answer_round=1).select_related("category")[::37]:
        assert complaint.due_at == due_at(complaint.received_at, complaint.category.period, calendar)
    # Tracking numbers from the year's counter: unique, and the counter is at the last one given.
    numbers = sorted(int(number.split("-")[1]) for number in Complaint.objects.values_list("tracking_number", flat=True)
                     if number.startswith("2026-"))  # fmt: skip
    assert numbers == list(range(1, len(numbers) + 1))
    assert TrackingCounter.objects.get(year=2026).last == numbers[-1]
    # Finished means answered, closed, rejected or merged, at the moment it happened.
    assert not Complaint.objects.filter(status__in=["answered", "closed", "rejected", "duplicate"],
                                        finished_at=None).exists()  # fmt: skip
    assert not Complaint.objects.filter(status__in=["received", "assigned", "in_progress", "reopened"]).exclude(
        finished_at=None).exists()  # fmt: skip
    assert (
        not Complaint.objects.filter(status__in=["answered", "closed"])
        .filter(Q(answer="") | Q(answered_at=None))
        .exists()
    )
    assert (
        not Complaint.objects.filter(status="rejected").filter(Q(rejection_reason="") | Q(rejection_remedy="")).exists()
    )
    assert not Complaint.objects.filter(status="duplicate").exclude(duplicate_of__category=F("category")).exists()
    assert not Complaint.objects.filter(received_at__gt=F("finished_at")).exists()
    # Some late, some still open past their deadline (flagged by the scheduler), all with events.
    assert Complaint.objects.filter(status__in=["answered", "closed"], finished_at__gt=F("due_at")).count() > 50
    overdue = Complaint.objects.filter(status__in=["received", "assigned", "in_progress", "reopened"], due_at__lt=NOW)
    assert overdue.count() > 10 and not overdue.filter(overdue_at=None).exists()
    firsts = ComplaintEvent.objects.values("complaint").annotate(first=Min("at"))
    assert firsts.count() == Complaint.objects.count()
    received = ComplaintEvent.objects.filter(kind="received").values("complaint", "at")
    assert {(row["complaint"], row["at"]) for row in received} == {(row["complaint"], row["first"]) for row in firsts}
    last_moves = {}
    for complaint_id, to_status in ComplaintEvent.objects.filter(kind="move").order_by("at", "pk").values_list(
            "complaint", "to_status"):  # fmt: skip
        last_moves[complaint_id] = to_status
    statuses = dict(Complaint.objects.values_list("pk", "status"))
    assert all(last_moves.get(pk, "received") == status for pk, status in statuses.items())
    # A second answer round for those who asked for one: after a rating of 1 or 2.
    reopened = Complaint.objects.filter(answer_round=2)
    assert reopened.count() >= 10
    rated_low = set(Satisfaction.objects.filter(answer_round=1, rating__lte=2).values_list("complaint", flat=True))
    assert set(reopened.values_list("pk", flat=True)) <= rated_low
    assert ComplaintEvent.objects.filter(kind="move", move="reopen").count() == reopened.count()
    # Every filer follows their complaint; the history's filers take no messages.
    filed = Complaint.objects.filter(Q(citizen__isnull=False) | Q(contact__isnull=False))
    assert filed.annotate(following=Count("followers")).filter(following=0).count() == 0
    assert set(Complaint.objects.values_list("contact_preference", flat=True)) == {"none"}
    assert Satisfaction.objects.filter(complaint__citizen=None).count() == 0


def _the_dashboard_of_the_last_28_days():
    figures = dashboard(LAST_28_DAYS)
    assert figures.total > 400 and figures.previous_total > 400
    assert sum(point.value for point in figures.volume) == figures.total
    handling = figures.handling
    assert handling.handled > 300 and handling.open_overdue > 0 and handling.open_now > handling.open_overdue
    assert 0 < handling.on_time_rate < 1
    assert handling.median_days is not None and handling.p90_days > handling.median_days
    minimum = unit_min_sample()
    ranked = [row for row in figures.units if row.rank is not None]
    unranked = [row for row in figures.units if row.rank is None and row.handled > 0]
    assert len(ranked) == 7 and all(row.handled >= minimum for row in ranked)
    assert [row.handled < minimum for row in unranked] == [True]
    assert all(figures.satisfaction.counts[stars] > 0 for stars in range(1, 6))
    assert 0 < figures.satisfaction.additional_answer_share < 0.1
    assert {bar.key for bar in figures.by_channel} == {"web", "mobile", "phone", "sms", "email", "open311"}
    assert len({bar.key for bar in figures.by_district} - {""}) == 25  # "" is the bar of no location
    # The rollups hold every complaint of the history.
    assert sum(DailyRollup.objects.values_list("received", flat=True)) == Complaint.objects.count()


def _a_hotspot_this_week():
    hotspot_cell = cell_of(*history.HOTSPOT_AT)
    this_week = density_map(LAST_28_DAYS, today=TODAY)
    assert this_week.week.isoformat() == "2026-07-13"
    assert [cell.cell for cell in this_week.hotspots] == [hotspot_cell]
    figure = this_week.hotspots[0]
    assert figure.count >= 8 and 0.5 <= figure.baseline <= 1.5 and figure.district_code == "11620"
    assert CellRollup.objects.filter(cell=hotspot_cell, week__lt=this_week.week).count() >= 6


def _a_rising_term_this_week():
    overall = {trend.term: trend for trend in Trend.objects.filter(audience=Trend.Audience.PUBLIC, category=None)}
    rising = overall["무더위쉼터"]
    assert rising.rank <= 3 and rising.this_week >= 12 and rising.baseline <= 1.5
    assert str(rising.week_start) == "2026-07-09"
    assert TermCount.objects.filter(term="무더위쉼터").exists()
    # The five weeks the trends read are counted.
    assert Complaint.objects.filter(received_at__gte=NOW - timedelta(days=35)).count() > 500
    assert not Complaint.objects.filter(received_at__gte=NOW - timedelta(days=35), terms_counted_at=None).exists()


def _open_near_duplicates():
    open_wifi = Complaint.objects.filter(
        category__service_code="public-wifi", status__in=["received", "assigned", "in_progress"],
        description__contains="합정역 버스 정류장",
    )  # fmt: skip
    points = list(open_wifi.values_list("latitude", "longitude"))
    assert len(points) == 3
    lat0, lon0 = points[0]
    # Within 100 m of each other: 0.0009° of latitude and 0.0011° of longitude are about 100 m.
    assert all(abs(lat - lat0) < 0.0009 and abs(lon - lon0) < 0.0011 for lat, lon in points)


def _the_emergency_alerted_the_unit_on_duty():
    assert set(EmergencyKeyword.objects.values_list("phrase", flat=True)) == {"싱크홀", "가스 냄새", "붕괴", "침수"}
    assert set(EmergencyKeyword.objects.values_list("unit__code", flat=True)) == {"disaster-situation-room"}
    alert = EmergencyAlert.objects.select_related("complaint", "keyword", "unit").get()
    assert (alert.keyword.phrase, alert.unit.code) == ("싱크홀", "disaster-situation-room")
    assert "싱크홀" in alert.complaint.description and alert.complaint.status in ("received", "assigned", "in_progress")
    # Through the outbox, by email to the official on duty (the situation room's head).
    notice = Notification.objects.get(kind="complaint_emergency")
    assert notice.key.startswith(f"complaints:complaint_emergency:{alert.pk}:") and notice.channel == "email"
    assert notice.citizen.email == history.ON_DUTY_EMAIL
    # No other complaint mentions a keyword.
    others = Complaint.objects.exclude(pk=alert.complaint_id)
    assert not others.filter(
        Q(description__contains="싱크홀")
        | Q(description__contains="붕괴")
        | Q(description__contains="침수")
        | Q(description__contains="가스 냄새")
    ).exists()


def _seeding_again_adds_nothing(seeded):
    before = counts()
    wrote = history.seed(
        official=seeded["official"], crowd=seeded["crowd"], app=seeded["app"], now=NOW + timedelta(hours=1)
    )
    assert wrote is False
    assert counts() == before


def test_early_on_a_monday_the_hotspot_is_still_in_this_week():
    """The map's week starts on Monday: a demo seeded at 00:30 on a Monday still has its burst of
    reports in the current week (in the night), and nothing in the future."""
    org_demo.seed()
    complaints_demo._categories()
    official = Citizen.objects.create_superuser(email="desk@demo.seoul.example", password="x", name="데모 공무원")
    monday_night = datetime(2026, 7, 13, 0, 30, tzinfo=SEOUL)
    plan = history.Planner(
        now=monday_night, official=official, crowd=complaints_demo._crowd(monday_night),
        app=complaints_demo._open311_app(official),
    ).plan()  # fmt: skip
    hotspot_cell = cell_of(*history.HOTSPOT_AT)
    in_cell = [
        planned.complaint.received_at for planned in plan
        if planned.complaint.latitude is not None
        and cell_of(planned.complaint.latitude, planned.complaint.longitude) == hotspot_cell
    ]  # fmt: skip
    this_week = [moment for moment in in_cell if moment >= datetime(2026, 7, 13, tzinfo=SEOUL)]
    assert len(this_week) == 10
    assert 6 <= len(in_cell) - len(this_week) <= 9  # about one a week in the eight weeks before
    assert max(planned.complaint.received_at for planned in plan) < monday_night
    # Every event and rating of the plan happened before that moment too.
    moments = [event.at for planned in plan for event in planned.events]
    moments += [rating.rated_at for planned in plan for rating in planned.ratings]
    assert max(moments) < monday_night
