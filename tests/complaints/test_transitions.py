"""Every move from every state, through the services: a legal move reaches its state with its
event, audit row and notification; an illegal one raises IllegalMove and changes nothing.
Deadlines stored at intake per type, kept through a transfer, renewed by a reopen; duplicates;
rejections that state a reason and a remedy."""

from datetime import datetime

import pytest
from django.db import IntegrityError, transaction
from django.forms.models import model_to_dict

from audit.models import AuditEvent
from complaints.calendar import work_calendar
from complaints.deadlines import SEOUL, due_at
from complaints.errors import ComplaintError
from complaints.models import Category, Complaint, ComplaintEvent, ComplaintType, Follower, Transfer
from complaints.services.handling import (
    complaint_accept_transfer,
    complaint_answer,
    complaint_assign,
    complaint_close,
    complaint_coordinate,
    complaint_dispute_transfer,
    complaint_mark_duplicate,
    complaint_rate,
    complaint_reject,
    complaint_reopen,
    complaint_start,
    complaint_transfer,
)
from complaints.services.intake import Filer, complaint_complete_triage, complaint_file_for_triage
from complaints.states import MOVES, IllegalMove, Move, Status, allowed, target_of
from notifications.models import Notification

from .complaint_states import complaint_in_state

pytestmark = pytest.mark.django_db


def seoul(*parts):
    return datetime(*parts, tzinfo=SEOUL)


# What each legal move tells the filer (none: the citizen hears of it with the next step).
NOTIFIED = {
    Move.ASSIGN: {"complaint_assigned"},
    Move.START: set(),
    Move.TRANSFER: {"complaint_transferred"},
    Move.ACCEPT_TRANSFER: {"complaint_assigned"},
    Move.ANSWER: {"complaint_answered"},
    Move.REJECT: {"complaint_rejected"},
    Move.MARK_DUPLICATE: {"complaint_duplicate"},
    Move.REOPEN: set(),
    Move.CLOSE: set(),
}


@pytest.fixture
def complaint_in(file_complaint, make_citizen, parks):
    """A complaint (filed through intake: unit roads) put straight into a state, with what the
    state implies (an answer, a pending transfer to parks, an original it duplicates...)."""
    return lambda state: complaint_in_state(state, file_complaint=file_complaint, transfer_to=parks,
                                            other_filer=make_citizen())  # fmt: skip


@pytest.fixture
def movers(intake_desk, citizen, roads, parks, file_complaint, make_citizen):
    """How each move is made through its service: by the 120 intake desk (who handles every unit),
    or, for a reopen, by the filer."""
    original = file_complaint(filer=Filer(citizen=make_citizen()))  # what a duplicate repeats
    return {
        Move.ASSIGN: lambda c: complaint_assign(actor=intake_desk, complaint=c),
        Move.START: lambda c: complaint_start(actor=intake_desk, complaint=c),
        Move.TRANSFER: lambda c: complaint_transfer(actor=intake_desk, complaint=c,
                                                    to_unit=parks if c.unit_id != parks.pk else roads,
                                                    reason="소관 부서가 아닙니다."),  # fmt: skip
        Move.ACCEPT_TRANSFER: lambda c: complaint_accept_transfer(actor=intake_desk, complaint=c),
        Move.ANSWER: lambda c: complaint_answer(actor=intake_desk, complaint=c, answer="현장을 확인하고 보수했습니다."),
        Move.REJECT: lambda c: complaint_reject(actor=intake_desk, complaint=c, reason="민원 내용이 불명확합니다.",
                                                remedy="90일 안에 행정심판을 청구할 수 있습니다."),  # fmt: skip
        Move.MARK_DUPLICATE: lambda c: complaint_mark_duplicate(actor=intake_desk, complaint=c, original=original),
        Move.REOPEN: lambda c: complaint_reopen(actor=citizen, complaint=c, reason="아직 고쳐지지 않았습니다."),
        Move.CLOSE: lambda c: complaint_close(actor=intake_desk, complaint=c),
    }


def snapshot(complaint):
    return {
        "complaint": model_to_dict(Complaint.objects.get(pk=complaint.pk)),
        "events": list(ComplaintEvent.objects.order_by("pk").values_list("pk", flat=True)),
        "audit": AuditEvent.objects.count(),
        "notifications": list(Notification.objects.order_by("pk").values_list("pk", flat=True)),
        "transfers": list(Transfer.objects.order_by("pk").values_list("pk", "outcome")),
        "followers": list(Follower.objects.order_by("pk").values_list("pk", "complaint_id")),
    }


PAIRS = [(move, state) for move in MOVES for state in Status]


def test_the_grid_covers_every_move_and_state():
    assert len(PAIRS) == len(Move) * len(Status) == 81
    assert sum(allowed(move, state) for move, state in PAIRS) == 22


@pytest.mark.parametrize("move, state", [pair for pair in PAIRS if allowed(*pair)],
                         ids=lambda value: str(value))  # fmt: skip
def test_a_legal_move_succeeds_with_its_event_audit_and_notification(move, state, complaint_in, movers):
    complaint = complaint_in(state)
    before_events = set(ComplaintEvent.objects.values_list("pk", flat=True))
    before_notifications = set(Notification.objects.values_list("pk", flat=True))

    result = movers[move](complaint)

    complaint.refresh_from_db()
    assert complaint.status == target_of(move) == result.status
    event = ComplaintEvent.objects.exclude(pk__in=before_events).get(complaint=complaint, kind="move")
    assert (event.move, event.from_status, event.to_status) == (move, state, target_of(move))
    assert event.actor_id is not None
    assert AuditEvent.objects.filter(action=f"complaint.{move}", target_id=str(complaint.pk)).count() == 1
    new = Notification.objects.exclude(pk__in=before_notifications).filter(citizen=complaint.citizen)
    assert set(new.values_list("kind", flat=True)) == NOTIFIED[move]


@pytest.mark.parametrize("move, state", [pair for pair in PAIRS if not allowed(*pair)],
                         ids=lambda value: str(value))  # fmt: skip
def test_an_illegal_move_raises_and_changes_nothing(move, state, complaint_in, movers):
    complaint = complaint_in(state)
    before = snapshot(complaint)
    with pytest.raises(IllegalMove) as raised:
        movers[move](complaint)
    assert isinstance(raised.value, ComplaintError)
    assert (raised.value.move, raised.value.status, raised.value.code) == (move, state, "illegal_move")
    assert snapshot(complaint) == before


def test_an_official_of_another_unit_is_refused_before_the_state_is_considered(complaint_in, parks_official):
    complaint = complaint_in(Status.ASSIGNED)
    before = snapshot(complaint)
    with pytest.raises(ComplaintError) as raised:
        complaint_start(actor=parks_official, complaint=complaint)
    assert raised.value.code == "forbidden" and not isinstance(raised.value, IllegalMove)
    with pytest.raises(ComplaintError) as raised:
        complaint_close(actor=parks_official, complaint=complaint)  # illegal too, but not theirs first
    assert raised.value.code == "forbidden"
    assert snapshot(complaint) == before


def test_the_unit_official_moves_their_unit_s_complaint(complaint_in, roads_official):
    complaint = complaint_in(Status.RECEIVED)
    complaint = complaint_assign(actor=roads_official, complaint=complaint, assignee=roads_official)
    assert complaint.assignee == roads_official
    with pytest.raises(IllegalMove):
        complaint_assign(actor=roads_official, complaint=complaint)


def test_the_official_in_charge_must_work_in_the_unit(complaint_in, roads_official, parks_official):
    complaint = complaint_in(Status.RECEIVED)
    before = snapshot(complaint)
    with pytest.raises(ComplaintError) as raised:
        complaint_assign(actor=roads_official, complaint=complaint, assignee=parks_official)
    assert raised.value.field == "assignee"
    assert snapshot(complaint) == before


def test_a_disputed_transfer_goes_to_coordination(complaint_in, roads_official, parks_official, coordinator, roads,
                                                  parks, citizen):  # fmt: skip
    complaint = complaint_assign(actor=roads_official, complaint=complaint_in(Status.RECEIVED))
    complaint = complaint_transfer(actor=roads_official, complaint=complaint, to_unit=parks, reason="공원 안입니다.")
    assert complaint.unit == parks and complaint.assignee is None
    transfer = complaint_dispute_transfer(actor=parks_official, complaint=complaint, reason="도로 구역입니다.")
    assert transfer.outcome == Transfer.Outcome.DISPUTED
    with pytest.raises(ComplaintError):  # once disputed, only a coordinator decides
        complaint_accept_transfer(actor=parks_official, complaint=complaint)
    with pytest.raises(ComplaintError):
        complaint_coordinate(actor=parks_official, complaint=complaint, unit=roads)
    complaint = complaint_coordinate(actor=coordinator, complaint=complaint, unit=roads, note="도로관리과 소관")
    assert (complaint.status, complaint.unit) == (Status.ASSIGNED, roads)
    transfer.refresh_from_db()
    assert (transfer.outcome, transfer.decided_unit) == (Transfer.Outcome.COORDINATED, roads)
    assert Notification.objects.filter(citizen=citizen, kind="complaint_assigned").count() == 2
    with pytest.raises(IllegalMove):  # nothing left to coordinate
        complaint_coordinate(actor=coordinator, complaint=complaint, unit=parks)


def test_a_transfer_needs_a_reason_and_another_active_unit(complaint_in, roads_official, roads, parks):
    complaint = complaint_in(Status.ASSIGNED)
    before = snapshot(complaint)
    for to_unit, reason, field in [(parks, "  ", "reason"), (roads, "이유", "to_unit"), (None, "이유", "to_unit"),
                                   (parks, "<b>이유</b>", "reason")]:  # fmt: skip
        with pytest.raises(ComplaintError) as raised:
            complaint_transfer(actor=roads_official, complaint=complaint, to_unit=to_unit, reason=reason)
        assert raised.value.field == field
    parks.is_active = False
    parks.save()
    with pytest.raises(ComplaintError):
        complaint_transfer(actor=roads_official, complaint=complaint, to_unit=parks, reason="이유")
    assert snapshot(complaint) == before


# --- Deadlines ---------------------------------------------------------------------------------


@pytest.fixture
def on_site(roads):
    return Category.objects.create(service_code="fallen-tree", name_ko="쓰러진 나무", name_en="Fallen tree",
                                   complaint_type=ComplaintType.ON_SITE, default_unit=roads)  # fmt: skip


@pytest.mark.parametrize("category_name, received, due", [
    # A grievance (7 days) received the Monday before Chuseok 2026 (24-26 Sep).
    ("pothole", seoul(2026, 9, 21, 10, 0), seoul(2026, 10, 1, 18, 0)),
    # A suggestion (14 days) over Chuseok, National Foundation Day's substitute (5 Oct) and Hangul Day (9 Oct).
    ("park_suggestion", seoul(2026, 9, 21, 10, 0), seoul(2026, 10, 14, 18, 0)),
    # A grievance received the Friday before Seollal 2027 (6-9 Feb, with its substitute holiday).
    ("pothole", seoul(2027, 2, 5, 16, 0), seoul(2027, 2, 17, 18, 0)),
    # An on-site complaint: 24 working hours (three working days of 8 hours) from receipt.
    ("on_site", seoul(2026, 11, 10, 10, 0), seoul(2026, 11, 13, 10, 0)),
    # ... and across Chuseok: Wednesday 3 h, then Monday 28, Tuesday 29 and 5 h of Wednesday 30.
    ("on_site", seoul(2026, 9, 23, 15, 0), seoul(2026, 9, 30, 15, 0)),
])  # fmt: skip
def test_the_deadline_is_stored_at_intake_by_type(category_name, received, due, request, file_complaint):
    category = request.getfixturevalue(category_name)
    complaint = file_complaint(category=category, now=received)
    assert complaint.complaint_type == category.complaint_type
    assert complaint.due_at == due
    assert Complaint.objects.get(pk=complaint.pk).due_at == due


def test_a_triaged_complaint_counts_from_receipt_not_from_triage(guest, intake_desk, pothole):
    complaint = complaint_file_for_triage(channel="sms", description="보도블록이 깨졌어요", filer=Filer(contact=guest),
                                          now=seoul(2026, 9, 21, 10, 0))  # fmt: skip
    assert complaint.due_at is None
    complaint = complaint_complete_triage(actor=intake_desk, complaint=complaint, category=pothole,
                                          now=seoul(2026, 9, 23, 11, 0))  # fmt: skip
    assert complaint.due_at == seoul(2026, 10, 1, 18, 0)


def test_a_transfer_does_not_restart_the_deadline(file_complaint, roads_official, parks_official, parks):
    complaint = file_complaint(now=seoul(2026, 9, 21, 10, 0))
    complaint = complaint_transfer(actor=roads_official, complaint=complaint, to_unit=parks, reason="공원 안입니다.",
                                   now=seoul(2026, 9, 23, 9, 0))  # fmt: skip
    complaint = complaint_accept_transfer(actor=parks_official, complaint=complaint, now=seoul(2026, 9, 28, 9, 0))
    assert complaint.due_at == seoul(2026, 10, 1, 18, 0)
    assert Complaint.objects.get(pk=complaint.pk).due_at == seoul(2026, 10, 1, 18, 0)


def test_a_reopen_gives_a_new_deadline_from_the_request(file_complaint, roads_official, citizen, pothole):
    complaint = file_complaint(now=seoul(2026, 9, 21, 10, 0))
    complaint = complaint_answer(actor=roads_official, complaint=complaint, answer="보수했습니다.",
                                 now=seoul(2026, 9, 22, 10, 0))  # fmt: skip
    Complaint.objects.filter(pk=complaint.pk).update(overdue_at=seoul(2026, 9, 22, 9, 0))
    complaint = complaint_reopen(actor=citizen, complaint=complaint, reason="그대로입니다.",
                                 now=seoul(2026, 10, 6, 14, 0))  # fmt: skip
    assert complaint.due_at == due_at(seoul(2026, 10, 6, 14, 0), pothole.period, work_calendar())
    assert complaint.due_at == seoul(2026, 10, 15, 18, 0)  # 6, 7, 8, 12, 13, 14, 15 (Hangul Day skipped)
    assert (complaint.answer_round, complaint.overdue_at) == (2, None)


# --- Duplicates --------------------------------------------------------------------------------


@pytest.fixture
def original_and_duplicate(file_complaint, participant, citizen, guest):
    second_filer = participant()
    original = file_complaint(title="시청 앞 포트홀")
    duplicate = file_complaint(filer=Filer(citizen=second_filer), title="시청 앞 도로 구멍")
    # Someone else already follows the duplicate (a guest, by phone).
    Follower.objects.create(complaint=duplicate, contact=guest)
    return original, duplicate, second_filer


def test_a_duplicate_moves_its_followers_and_its_filer_hears_the_original_s_answer(
    original_and_duplicate, roads_official, citizen, guest
):
    original, duplicate, second_filer = original_and_duplicate
    duplicate = complaint_mark_duplicate(actor=roads_official, complaint=duplicate, original=original)
    assert (duplicate.status, duplicate.duplicate_of) == (Status.DUPLICATE, original)
    assert set(Follower.objects.filter(complaint=original).values_list("citizen_id", "contact_id")) == {
        (citizen.pk, None), (second_filer.pk, None), (None, guest.pk),
    }  # fmt: skip
    assert ComplaintEvent.objects.filter(complaint=original, kind=ComplaintEvent.Kind.FOLLOWER_MOVED).exists()
    told = Notification.objects.get(citizen=second_filer, kind="complaint_duplicate")
    assert original.tracking_number in told.body

    complaint_answer(actor=roads_official, complaint=original, answer="포트홀을 메웠습니다.")
    answered = Notification.objects.filter(kind="complaint_answered")
    assert answered.filter(citizen=citizen).count() == 1  # the original's filer
    assert "포트홀을 메웠습니다." in answered.get(citizen=second_filer).body  # the duplicate's filer
    assert answered.filter(contact=guest).count() == 1  # who followed the duplicate


def test_a_duplicate_of_an_answered_complaint_hears_the_answer_at_once(original_and_duplicate, roads_official,
                                                                       citizen):  # fmt: skip
    original, duplicate, second_filer = original_and_duplicate
    complaint_answer(actor=roads_official, complaint=original, answer="이미 보수를 마쳤습니다.")
    assert not Notification.objects.filter(citizen=second_filer, kind="complaint_answered").exists()
    complaint_mark_duplicate(actor=roads_official, complaint=duplicate, original=original)
    assert "이미 보수를 마쳤습니다." in Notification.objects.get(citizen=second_filer, kind="complaint_answered").body
    assert Notification.objects.filter(citizen=citizen, kind="complaint_answered").count() == 1  # not twice


def test_a_duplicate_needs_a_valid_original(original_and_duplicate, roads_official, complaint_in):
    original, duplicate, _second = original_and_duplicate
    before = snapshot(duplicate)
    for bad in (None, duplicate, complaint_in(Status.DUPLICATE), complaint_in(Status.REJECTED)):
        with pytest.raises(ComplaintError) as raised:
            complaint_mark_duplicate(actor=roads_official, complaint=duplicate, original=bad)
        assert raised.value.field == "original"
    assert snapshot(duplicate)["complaint"] == before["complaint"]


def test_marking_a_transferred_complaint_as_duplicate_ends_its_transfer(complaint_in, intake_desk, file_complaint):
    complaint = complaint_in(Status.TRANSFERRED)
    complaint_mark_duplicate(actor=intake_desk, complaint=complaint, original=file_complaint())
    assert Transfer.objects.get(complaint=complaint).outcome == Transfer.Outcome.CANCELLED


# --- Rejection ---------------------------------------------------------------------------------


@pytest.mark.parametrize("reason, remedy, field", [
    ("", "행정심판을 청구할 수 있습니다.", "reason"),
    ("   ", "행정심판을 청구할 수 있습니다.", "reason"),
    ("소관이 아닙니다.", "", "remedy"),
    ("소관이 아닙니다.", None, "remedy"),
    ("소관이 아닙니다.", "<a href='x'>여기</a>", "remedy"),
    ("x" * 2_001, "행정심판을 청구할 수 있습니다.", "reason"),
])  # fmt: skip
def test_a_rejection_requires_a_reason_and_a_remedy(reason, remedy, field, complaint_in, roads_official):
    complaint = complaint_in(Status.ASSIGNED)
    before = snapshot(complaint)
    with pytest.raises(ComplaintError) as raised:
        complaint_reject(actor=roads_official, complaint=complaint, reason=reason, remedy=remedy)
    assert raised.value.field == field
    assert snapshot(complaint) == before


def test_the_database_refuses_a_rejection_without_a_remedy(complaint_in):
    complaint = complaint_in(Status.ASSIGNED)
    with pytest.raises(IntegrityError), transaction.atomic():
        Complaint.objects.filter(pk=complaint.pk).update(status=Status.REJECTED, rejection_reason="사유")


def test_a_rejection_states_its_reason_and_remedy_to_the_filer(complaint_in, roads_official, citizen):
    citizen.set_email("filer@example.org")
    citizen.save()
    complaint = complaint_in(Status.IN_PROGRESS)
    Complaint.objects.filter(pk=complaint.pk).update(contact_preference="email")
    complaint = complaint_reject(actor=roads_official, complaint=complaint, reason="사유지 안의 도로입니다.",
                                 remedy="결과 통지를 받은 날부터 90일 이내에 행정심판을 청구할 수 있습니다.")  # fmt: skip
    assert (complaint.rejection_reason, complaint.status) == ("사유지 안의 도로입니다.", Status.REJECTED)
    notice = Notification.objects.get(citizen=citizen, kind="complaint_rejected")
    assert "사유지 안의 도로입니다." in notice.body and "90일 이내에 행정심판" in notice.body


# --- The filer's moves -------------------------------------------------------------------------


def test_only_the_filer_reopens_and_rates(complaint_in, make_citizen, roads_official, citizen):
    complaint = complaint_in(Status.ANSWERED)
    stranger = make_citizen()
    for actor in (stranger, roads_official):
        with pytest.raises(ComplaintError) as raised:
            complaint_reopen(actor=actor, complaint=complaint, reason="불만족")
        assert raised.value.code == "forbidden"
        with pytest.raises(ComplaintError):
            complaint_rate(actor=actor, complaint=complaint, rating=1)
    with pytest.raises(ComplaintError) as raised:
        complaint_reopen(actor=citizen, complaint=complaint, reason="")
    assert raised.value.field == "reason"
    complaint_rate(actor=citizen, complaint=complaint, rating=2, comment="부족합니다.")
    with pytest.raises(ComplaintError) as raised:
        complaint_rate(actor=citizen, complaint=complaint, rating=3)
    assert raised.value.code == "conflict"
    complaint = complaint_reopen(actor=citizen, complaint=complaint, reason="추가 답변을 요청합니다.")
    assert complaint.status == Status.REOPENED


@pytest.mark.parametrize("state", [Status.RECEIVED, Status.IN_PROGRESS, Status.REJECTED, Status.REOPENED])
def test_an_unanswered_complaint_cannot_be_rated(state, complaint_in, citizen):
    complaint = complaint_in(state)
    with pytest.raises(ComplaintError) as raised:
        complaint_rate(actor=citizen, complaint=complaint, rating=5)
    assert raised.value.code == "invalid"


@pytest.mark.parametrize("rating", [0, 6, "five", None])
def test_a_rating_is_1_to_5(rating, complaint_in, citizen):
    with pytest.raises(ComplaintError) as raised:
        complaint_rate(actor=citizen, complaint=complaint_in(Status.ANSWERED), rating=rating)
    assert raised.value.field == "rating"
