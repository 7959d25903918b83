"""The foundation end to end: a complaint filed, assigned, started, answered, rated and closed."""

import pytest

from complaints.errors import ComplaintError
from complaints.models import Complaint, ComplaintEvent, Follower
from complaints.services.handling import (
    complaint_answer,
    complaint_assign,
    complaint_close,
    complaint_rate,
    complaint_start,
)
from complaints.states import IllegalMove
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_a_complaint_flows_from_receipt_to_closing(file_complaint, roads_official, citizen, django_capture_on_commit_callbacks):
    complaint = file_complaint()
    assert complaint.tracking_number.endswith("-0000001")
    assert complaint.status == Complaint.Status.RECEIVED
    assert complaint.unit.code == "road-management"
    assert complaint.district_id == "11140"  # Jung-gu
    assert complaint.due_at > complaint.received_at
    assert Follower.objects.filter(complaint=complaint, citizen=citizen).exists()
    assert Notification.objects.filter(kind="complaint_received", citizen=citizen).exists()

    complaint = complaint_assign(actor=roads_official, complaint=complaint)
    complaint = complaint_start(actor=roads_official, complaint=complaint)
    complaint = complaint_answer(actor=roads_official, complaint=complaint, answer="보수 공사를 마쳤습니다.")
    assert complaint.status == Complaint.Status.ANSWERED
    assert Notification.objects.filter(kind="complaint_answered", citizen=citizen).exists()
    complaint_rate(actor=citizen, complaint=complaint, rating=5)
    complaint = complaint_close(actor=roads_official, complaint=complaint)
    assert complaint.status == Complaint.Status.CLOSED
    moves = list(ComplaintEvent.objects.filter(complaint=complaint, kind="move").values_list("move", flat=True))
    assert moves == ["assign", "start", "answer", "close"]


def test_an_illegal_move_raises_and_writes_nothing(file_complaint, roads_official):
    complaint = file_complaint()
    with pytest.raises(ComplaintError):
        complaint_close(actor=roads_official, complaint=complaint)
    with pytest.raises(IllegalMove):
        from complaints.states import Move, check_move

        check_move(Move.CLOSE, complaint.status)
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.RECEIVED
    assert not ComplaintEvent.objects.filter(complaint=complaint, kind="move").exists()
