"""Issue 8 with real processes: an emergency complaint reaches the official on duty by SMS through
the outbox worker within a minute, and the text analysis runs on its own queue: a worker of the
default queue never runs it, a worker of the `text` queue does."""

import time

import pytest
from django.utils import timezone

from complaints.models import Complaint, EmergencyAlert, EmergencyKeyword, TermCount
from complaints.services.emergency import emergency_keywords_changed
from notifications.models import Notification
from tests.complaints import conftest as complaints_fixtures

from .conftest import Broker, WorkerFactory, sms_files, wait_until

# The complaints' fixtures (a unit, its official, a category, a citizen filing through the service).
citizen, file_complaint, make_citizen, make_official, participant, pothole, roads, roads_official = (
    complaints_fixtures.citizen, complaints_fixtures.file_complaint, complaints_fixtures.make_citizen,
    complaints_fixtures.make_official, complaints_fixtures.participant, complaints_fixtures.pothole,
    complaints_fixtures.roads, complaints_fixtures.roads_official,
)

pytestmark = [pytest.mark.integration, pytest.mark.postgres, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("language_isolated")]


@pytest.fixture
def gas_keyword(roads):
    emergency_keywords_changed()
    keyword = EmergencyKeyword.objects.create(phrase="가스 냄새", unit=roads)
    yield keyword
    emergency_keywords_changed()


def test_an_emergency_complaint_reaches_the_official_on_duty_within_a_minute(workers, gas_keyword,
                                                                             roads_official, file_complaint):  # fmt: skip
    workers.start()
    filed_at = time.monotonic()
    complaint = file_complaint(description="지하철역 입구에서 가스냄새가 심하게 납니다")
    alert = EmergencyAlert.objects.get(complaint=complaint)
    row = Notification.objects.get(kind="complaint_emergency", citizen=roads_official, channel="sms")

    def delivered():
        return [body for reference, body in sms_files(workers.sms_dir).values() if reference == str(row.pk)]

    bodies = wait_until(delivered, timeout=60, what="the emergency SMS to the official on duty")
    assert time.monotonic() - filed_at < 60
    assert complaint.tracking_number in bodies[0] and "가스 냄새" in bodies[0]
    assert wait_until(lambda: Notification.objects.filter(pk=row.pk, status="sent").exists(), timeout=30,
                      what="the row recorded as sent")  # fmt: skip
    assert alert.keyword_id == gas_keyword.pk


def test_text_analysis_runs_only_on_the_text_queue(workers, file_complaint, pothole):
    workers.start()  # the default queue: notifications
    complaint = file_complaint(description="강남역 사거리에 싱크홀이 생겼어요")
    received = Notification.objects.get(kind="complaint_received")
    # The default worker is alive and took its message...
    wait_until(lambda: Notification.objects.filter(pk=received.pk, status="sent").exists(), timeout=60,
               what="the receipt to be sent by the default worker")  # fmt: skip
    time.sleep(2)
    # ... but the terms wait on the text queue.
    assert Complaint.objects.get(pk=complaint.pk).terms_counted_at is None
    assert TermCount.objects.count() == 0

    text_workers = WorkerFactory(broker=Broker(redis=workers.broker.redis, queue="text"), sms_dir=workers.sms_dir,
                                 log_dir=workers.log_dir)  # fmt: skip
    try:
        worker = text_workers.start(concurrency=1)
        counted = wait_until(lambda: Complaint.objects.filter(pk=complaint.pk, terms_counted_at__isnull=False).first(),
                             timeout=90, what=f"the text worker to count the terms:\n{worker.log_text()}")  # fmt: skip
    finally:
        text_workers.stop_all()
    day = timezone.localdate(counted.received_at)
    assert set(TermCount.objects.values_list("day", "term", "category_id", "count")) == {
        (day, "강남역", pothole.pk, 1), (day, "사거리", pothole.pk, 1), (day, "싱크홀", pothole.pk, 1)
    }
