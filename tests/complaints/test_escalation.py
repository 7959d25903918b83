"""Escalation across time (freezegun): an open complaint past its deadline is flagged once and its
unit head alerted with a link to the back office; a complaint still open 30 days after receipt
(or after a reopen) gets the legally required progress notice once. Safe to run twice."""

from datetime import date, datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils.translation import gettext as tr
from freezegun import freeze_time

from audit.models import AuditEvent
from complaints.models import Complaint, ComplaintEvent
from complaints.services.escalation import complaints_escalate
from complaints.services.handling import complaint_answer, complaint_assign, complaint_reopen, complaint_start
from complaints.services.intake import Filer, complaint_file_for_triage
from complaints.tasks import escalate_complaints
from governance.models import OrgAssignment
from notifications.models import Notification

pytestmark = pytest.mark.django_db
SEOUL = ZoneInfo("Asia/Seoul")


def seoul(*args):
    return datetime(*args, tzinfo=SEOUL)


# A grievance (7 days, counted in days) received on Monday 21 September 2026, before Chuseok
# (24-26 September): due Thursday 1 October at 18:00.
RECEIVED = seoul(2026, 9, 21, 10, 0)
DUE = seoul(2026, 10, 1, 18, 0)


@pytest.fixture
def roads_head(make_official, roads):
    return make_official(roads, role=OrgAssignment.Role.HEAD, email="head.roads@example.org")


@pytest.fixture
def late_complaint(file_complaint, roads_official):
    complaint = file_complaint(now=RECEIVED, title="보도블록 파손")
    assert complaint.due_at == DUE
    return complaint_assign(actor=roads_official, complaint=complaint, now=RECEIVED)


def overdue_alerts():
    return Notification.objects.filter(kind="complaint_overdue")


def test_nothing_is_flagged_before_the_deadline(late_complaint, roads_head):
    report = complaints_escalate(now=seoul(2026, 10, 1, 17, 59))
    assert report.overdue == [] and report.heads_notified == 0
    late_complaint.refresh_from_db()
    assert late_complaint.overdue_at is None
    assert not overdue_alerts().exists()


def test_an_overdue_complaint_is_flagged_and_its_unit_head_alerted_once(late_complaint, roads_head, roads_official,
                                                                        make_official, parks):  # fmt: skip
    make_official(parks, role=OrgAssignment.Role.HEAD)  # another unit's head hears nothing
    with freeze_time(seoul(2026, 10, 1, 18, 1)):
        report = complaints_escalate()
    late_complaint.refresh_from_db()
    assert late_complaint.overdue_at == seoul(2026, 10, 1, 18, 1)
    assert report.overdue == [late_complaint.tracking_number]
    event = ComplaintEvent.objects.get(complaint=late_complaint, kind=ComplaintEvent.Kind.OVERDUE)
    assert event.is_public is False and event.unit_id == late_complaint.unit_id
    assert AuditEvent.objects.filter(action="complaint.overdue", target_id=str(late_complaint.pk)).count() == 1

    alert = overdue_alerts().get()
    assert alert.citizen == roads_head and alert.channel == "sms"
    assert late_complaint.tracking_number in alert.body and "2026-10-01 18:00" in alert.body
    assert report.heads_notified == 1

    with freeze_time(seoul(2026, 10, 2, 9, 0)):
        again = complaints_escalate()
    assert again.overdue == [] and again.heads_notified == 0
    assert ComplaintEvent.objects.filter(complaint=late_complaint, kind=ComplaintEvent.Kind.OVERDUE).count() == 1
    assert overdue_alerts().count() == 1


def test_the_alert_links_to_the_complaint_in_the_back_office(late_complaint, roads_head):
    roads_head.notify_by = roads_head.NotifyBy.EMAIL
    roads_head.save()
    complaints_escalate(now=seoul(2026, 10, 2, 9, 0))
    alert = overdue_alerts().get()
    assert alert.channel == "email"
    url = settings.PUBLIC_BASE_URL + reverse("admin:complaints_complaint_change", args=[late_complaint.pk])
    assert url.startswith("http") and url in alert.body
    assert late_complaint.tracking_number in alert.subject


def test_a_former_head_and_an_inactive_head_are_not_alerted(late_complaint, make_official, roads):
    former = make_official(roads, role=OrgAssignment.Role.HEAD)
    OrgAssignment.objects.filter(official=former).update(ended_on=date(2025, 12, 31))
    inactive = make_official(roads, role=OrgAssignment.Role.HEAD, is_active=False)
    OrgAssignment.objects.filter(official=inactive).update(started_on=date(2026, 1, 1))
    report = complaints_escalate(now=seoul(2026, 10, 2, 9, 0))
    assert report.overdue == [late_complaint.tracking_number]
    assert report.without_head == [late_complaint.tracking_number]
    assert not overdue_alerts().exists()


def test_answered_and_closed_complaints_are_never_overdue(late_complaint, roads_head, roads_official):
    complaint_answer(actor=roads_official, complaint=late_complaint, answer="보수했습니다.", now=seoul(2026, 10, 5, 9))
    report = complaints_escalate(now=seoul(2026, 10, 6, 9, 0))
    assert report.overdue == []
    late_complaint.refresh_from_db()
    assert late_complaint.overdue_at is None


def test_a_reopened_complaint_has_a_new_deadline_and_may_run_late_again(late_complaint, roads_head, roads_official,
                                                                        citizen):  # fmt: skip
    complaints_escalate(now=seoul(2026, 10, 2, 9, 0))
    complaint = complaint_answer(actor=roads_official, complaint=late_complaint, answer="보수했습니다.",
                                 now=seoul(2026, 10, 6, 9, 0))  # fmt: skip
    complaint = complaint_reopen(actor=citizen, complaint=complaint, reason="아직 그대로입니다.",
                                 now=seoul(2026, 10, 7, 9, 0))  # fmt: skip
    assert complaint.overdue_at is None and complaint.due_at > seoul(2026, 10, 7, 9, 0)
    assert complaints_escalate(now=complaint.due_at).overdue == []
    report = complaints_escalate(now=seoul(2026, 11, 2, 9, 0))
    assert report.overdue == [complaint.tracking_number]
    assert overdue_alerts().count() == 2  # one per answer round


def test_a_lost_flag_does_not_send_the_alert_twice(late_complaint, roads_head):
    """Were the flag lost (restored from a backup), the notification's key still holds."""
    complaints_escalate(now=seoul(2026, 10, 2, 9, 0))
    Complaint.objects.filter(pk=late_complaint.pk).update(overdue_at=None)
    report = complaints_escalate(now=seoul(2026, 10, 2, 9, 15))
    assert report.overdue == [late_complaint.tracking_number] and report.heads_notified == 0
    assert overdue_alerts().count() == 1


def test_batches_cover_every_complaint(file_complaint, roads_head):
    complaints = [file_complaint(now=RECEIVED) for _ in range(5)]
    report = complaints_escalate(now=seoul(2026, 10, 2, 9, 0), batch_size=2)
    assert sorted(report.overdue) == sorted(complaint.tracking_number for complaint in complaints)
    assert overdue_alerts().count() == 5
    assert not Complaint.objects.filter(overdue_at__isnull=True).exists()


# --- The 30-day progress notice ----------------------------------------------------------------


def progress_notices():
    return Notification.objects.filter(kind="complaint_progress")


@pytest.fixture
def long_complaint(file_complaint, roads_official):
    complaint = file_complaint(now=seoul(2026, 9, 1, 10, 0), title="도로 함몰")
    complaint = complaint_assign(actor=roads_official, complaint=complaint, now=seoul(2026, 9, 1, 11, 0))
    return complaint_start(actor=roads_official, complaint=complaint, now=seoul(2026, 9, 2, 9, 0))


def test_the_progress_notice_goes_out_30_days_after_receipt_once(long_complaint, citizen):
    with freeze_time(seoul(2026, 10, 1, 9, 59)):
        assert complaints_escalate().progress_notices == []
    assert not progress_notices().exists()
    with freeze_time(seoul(2026, 10, 1, 10, 0)):
        report = complaints_escalate()
    assert report.progress_notices == [long_complaint.tracking_number]
    notice = progress_notices().get()
    assert notice.citizen == citizen and notice.channel == "sms"
    assert long_complaint.tracking_number in notice.body
    assert "도로관리과" in notice.body  # where it stands: the unit, in the filer's language (Korean)
    long_complaint.refresh_from_db()
    assert long_complaint.progress_notice_at == seoul(2026, 10, 1, 10, 0)
    event = ComplaintEvent.objects.get(complaint=long_complaint, kind=ComplaintEvent.Kind.PROGRESS_NOTICE)
    assert event.is_public and event.note == "30"

    with freeze_time(seoul(2026, 10, 1, 10, 15)):
        assert complaints_escalate().progress_notices == []
    assert progress_notices().count() == 1


def test_the_progress_email_says_how_long_and_where_it_stands_in_english(file_complaint, participant,
                                                                         roads_official):  # fmt: skip
    english = participant(language="en", email="jane@example.org", notify_by="email")
    complaint = file_complaint(filer=Filer(citizen=english, preference="email", language="en"),
                               now=seoul(2026, 9, 1, 10, 0))  # fmt: skip
    complaint_assign(actor=roads_official, complaint=complaint, now=seoul(2026, 9, 1, 11, 0))
    complaints_escalate(now=seoul(2026, 10, 3, 8, 0))
    notice = progress_notices().get()
    assert notice.channel == "email" and notice.language == "en"
    assert "open for 32 days" in notice.body
    assert "Road Management Division is handling it (Assigned)." in notice.body
    assert "/en/complaints/track/?number=" + complaint.tracking_number in notice.body


def test_no_notice_for_a_complaint_answered_in_time(long_complaint, roads_official):
    complaint_answer(actor=roads_official, complaint=long_complaint, answer="보수했습니다.", now=seoul(2026, 9, 20, 9))
    assert complaints_escalate(now=seoul(2026, 10, 5, 9, 0)).progress_notices == []
    assert not progress_notices().exists()


def test_after_a_reopen_the_30_days_count_from_the_request(file_complaint, roads_official, citizen):
    complaint = file_complaint(now=seoul(2026, 8, 3, 10, 0))
    complaint = complaint_answer(actor=roads_official, complaint=complaint, answer="처리했습니다.",
                                 now=seoul(2026, 8, 10, 10, 0))  # fmt: skip
    complaint = complaint_reopen(actor=citizen, complaint=complaint, reason="해결되지 않았습니다.",
                                 now=seoul(2026, 8, 25, 10, 0))  # fmt: skip
    # 30 days after receipt, but only 9 after the request for an additional answer.
    assert complaints_escalate(now=seoul(2026, 9, 3, 10, 0)).progress_notices == []
    report = complaints_escalate(now=seoul(2026, 9, 24, 10, 0))
    assert report.progress_notices == [complaint.tracking_number]
    notice = progress_notices().get()
    assert notice.key.endswith(":2")  # the second answer round
    assert tr("%(unit)s is preparing the additional answer you asked for.") % {"unit": "도로관리과"} in notice.body


def test_a_filer_who_takes_no_messages_gets_the_notice_recorded_but_not_sent(file_complaint, citizen):
    complaint = file_complaint(filer=Filer(citizen=citizen, preference="none"), now=seoul(2026, 9, 1, 10, 0))
    report = complaints_escalate(now=seoul(2026, 10, 2, 10, 0))
    assert report.progress_unsent == [complaint.tracking_number]
    assert not progress_notices().exists()
    assert ComplaintEvent.objects.filter(complaint=complaint, kind=ComplaintEvent.Kind.PROGRESS_NOTICE).exists()
    assert complaints_escalate(now=seoul(2026, 10, 3, 10, 0)).progress_unsent == []


def test_a_complaint_still_in_triage_gets_the_notice(guest):
    with freeze_time(seoul(2026, 9, 1, 10, 0)):
        complaint = complaint_file_for_triage(channel="sms", description="집 앞 가로등이 꺼졌어요",
                                              filer=Filer(contact=guest))  # fmt: skip
    report = complaints_escalate(now=seoul(2026, 10, 2, 10, 0))
    assert report.progress_notices == [complaint.tracking_number] and report.overdue == []
    notice = progress_notices().get()
    assert notice.contact == guest
    assert tr("It is waiting for an official to give it a category and send it to the unit in charge.") in notice.body


# --- The command and the task -------------------------------------------------------------------


def test_the_command_prints_what_it_did_and_is_safe_to_run_twice(late_complaint, long_complaint, roads_head):
    out = StringIO()
    call_command("complaints_escalate", "--now", "2026-10-02T09:00", stdout=out)
    printed = out.getvalue()
    # Both are past their deadline; the one received on 1 September is also 30 days open.
    numbers = sorted([late_complaint.tracking_number, long_complaint.tracking_number])
    assert f"Flagged overdue: 2 ({numbers[0]}, {numbers[1]})" in printed
    assert "Unit head alerts written: 2" in printed
    assert "Progress notices (30 days open): 1 (" + long_complaint.tracking_number in printed
    late_complaint.refresh_from_db()
    assert late_complaint.overdue_at == seoul(2026, 10, 2, 9, 0)  # a naive --now is Seoul time

    out = StringIO()
    call_command("complaints_escalate", "--now", "2026-10-02T00:15:00+00:00", stdout=out)
    assert "Flagged overdue: 0" in out.getvalue() and "Progress notices (30 days open): 0" in out.getvalue()
    assert Notification.objects.filter(kind__in=["complaint_overdue", "complaint_progress"]).count() == 3


def test_the_command_says_when_a_unit_has_no_head(late_complaint):
    out = StringIO()
    call_command("complaints_escalate", "--now", "2026-10-02T09:00+09:00", stdout=out)
    assert "without a current head: 1" in out.getvalue()


def test_the_command_refuses_a_bad_moment():
    with pytest.raises(CommandError, match="ISO 8601"):
        call_command("complaints_escalate", "--now", "next tuesday", stdout=StringIO())


def test_the_beat_task_escalates(late_complaint, roads_head):
    with freeze_time(seoul(2026, 10, 2, 9, 0)):
        assert escalate_complaints.apply().get() >= 1
    late_complaint.refresh_from_db()
    assert late_complaint.overdue_at is not None
    assert settings.CELERY_BEAT_SCHEDULE["complaints-escalate"]["task"] == escalate_complaints.name
