"""Every move of a complaint through the buttons of its page: each legal one calls its service
and changes the complaint; an illegal one (the wrong state, a missing reason, another unit's
complaint) shows a message or a form error and changes nothing."""

import pytest
from django.utils.translation import gettext as tr

from complaints.models import Complaint, ComplaintEvent, Transfer
from complaints.services.handling import (
    complaint_answer,
    complaint_assign,
    complaint_dispute_transfer,
    complaint_start,
    complaint_transfer,
)
from governance.models import OrgUnit

from .conftest import change_url, changelist_url, form_errors, messages_of, move_url

pytestmark = pytest.mark.django_db


def button_urls(client, complaint):
    return {move["url"] for move in client.get(change_url(complaint)).context["complaint_moves"]}


def reload(complaint):
    return Complaint.objects.get(pk=complaint.pk)


def moves_made(complaint):
    return list(ComplaintEvent.objects.filter(complaint=complaint, kind="move").values_list("move", flat=True))


def test_a_received_complaint_offers_only_its_legal_moves(login, roads_official, roads_complaint):
    urls = button_urls(login(roads_official), roads_complaint)
    assert urls == {move_url(roads_complaint, name) for name in ("assign", "transfer", "answer", "reject",
                                                                 "mark-duplicate")}  # fmt: skip


def test_assign_with_an_official_of_the_unit(login, roads_official, make_official, roads, roads_complaint):
    colleague = make_official(roads, name="박주무관")
    client = login(roads_official)
    page = client.get(move_url(roads_complaint, "assign"))
    assert page.status_code == 200
    assert colleague in page.context["form"].fields["assignee"].queryset

    response = client.post(move_url(roads_complaint, "assign"), {"assignee": colleague.pk})

    assert response.status_code == 302 and response.url == change_url(roads_complaint)
    complaint = reload(roads_complaint)
    assert (complaint.status, complaint.assignee_id) == ("assigned", colleague.pk)
    assert moves_made(complaint) == ["assign"]


def test_assign_refuses_an_official_of_another_unit(login, roads_official, parks_official, roads_complaint):
    response = login(roads_official).post(move_url(roads_complaint, "assign"), {"assignee": parks_official.pk})
    assert response.status_code == 200
    assert form_errors(response) == {"assignee": [tr("Choose an official of the complaint's unit.")]}
    assert reload(roads_complaint).status == "received"


def test_start_then_answer_then_close(login, roads_official, roads_complaint):
    client = login(roads_official)
    complaint_assign(actor=roads_official, complaint=roads_complaint)
    assert client.post(move_url(roads_complaint, "start")).status_code == 302
    assert reload(roads_complaint).status == "in_progress"

    assert client.post(move_url(roads_complaint, "answer"), {"answer": "보도블록을 교체했습니다."}).status_code == 302
    complaint = reload(roads_complaint)
    assert (complaint.status, complaint.answer, complaint.answered_by_id) == (
        "answered", "보도블록을 교체했습니다.", roads_official.pk
    )
    assert client.post(move_url(roads_complaint, "close")).status_code == 302
    assert reload(roads_complaint).status == "closed"
    assert moves_made(roads_complaint) == ["assign", "start", "answer", "close"]


def test_transfer_takes_the_complaint_out_of_the_unit_s_sight(login, roads_official, roads_complaint, parks):
    response = login(roads_official).post(move_url(roads_complaint, "transfer"),
                                          {"to_unit": parks.pk, "reason": "공원 안의 산책로입니다."})  # fmt: skip
    assert response.status_code == 302 and response.url == changelist_url()
    complaint = reload(roads_complaint)
    assert (complaint.status, complaint.unit_id) == ("transferred", parks.pk)
    assert Transfer.objects.get(complaint=complaint).reason == "공원 안의 산책로입니다."


def test_transfer_needs_a_reason(login, roads_official, roads_complaint, parks):
    response = login(roads_official).post(move_url(roads_complaint, "transfer"), {"to_unit": parks.pk, "reason": ""})
    assert response.status_code == 200
    assert "reason" in form_errors(response)
    assert reload(roads_complaint).status == "received"
    assert not Transfer.objects.exists()


@pytest.fixture
def transferred(roads_official, roads_complaint, parks):
    return complaint_transfer(actor=roads_official, complaint=roads_complaint, to_unit=parks, reason="공원 소관")


def test_the_receiving_unit_accepts_the_transfer(login, parks_official, transferred):
    client = login(parks_official)
    assert button_urls(client, transferred) == {
        move_url(transferred, name) for name in ("accept-transfer", "dispute-transfer", "reject", "mark-duplicate")
    }
    assert client.post(move_url(transferred, "accept-transfer")).status_code == 302
    assert reload(transferred).status == "assigned"
    assert Transfer.objects.get(complaint=transferred).outcome == "accepted"


def test_the_receiving_unit_disputes_and_a_coordinator_decides(login, parks_official, coordinator, transferred, roads):
    response = login(parks_official).post(move_url(transferred, "dispute-transfer"), {"reason": "도로 소관입니다."})
    assert response.status_code == 302
    assert Transfer.objects.get(complaint=transferred).outcome == "disputed"

    client = login(coordinator)
    assert move_url(transferred, "coordinate") in button_urls(client, transferred)
    response = client.post(move_url(transferred, "coordinate"), {"unit": roads.pk, "note": "도로 시설물"})
    assert response.status_code == 302
    complaint = reload(transferred)
    assert (complaint.status, complaint.unit_id) == ("assigned", roads.pk)
    transfer = Transfer.objects.get(complaint=complaint)
    assert (transfer.outcome, transfer.decided_unit_id) == ("coordinated", roads.pk)


def test_reject_needs_the_reason_and_the_remedy(login, roads_official, roads_complaint):
    client = login(roads_official)
    page = client.get(move_url(roads_complaint, "reject"))
    assert page.context["form"].initial["remedy"]  # the usual remedy is offered

    refused = client.post(move_url(roads_complaint, "reject"), {"reason": "사유", "remedy": ""})
    assert refused.status_code == 200 and "remedy" in form_errors(refused)
    assert reload(roads_complaint).status == "received"

    done = client.post(move_url(roads_complaint, "reject"), {"reason": "사유가 없습니다.", "remedy": "이의신청 가능"})
    assert done.status_code == 302
    complaint = reload(roads_complaint)
    assert (complaint.status, complaint.rejection_reason, complaint.rejection_remedy) == (
        "rejected", "사유가 없습니다.", "이의신청 가능"
    )


def test_mark_duplicate_by_the_original_s_tracking_number(login, roads_official, roads_complaint, file_complaint):
    original = file_complaint()
    client = login(roads_official)
    unknown = client.post(move_url(roads_complaint, "mark-duplicate"), {"original": "2000-9999999"})
    assert unknown.status_code == 200
    assert form_errors(unknown) == {"original": ["No complaint has this tracking number."]}

    itself = client.post(move_url(roads_complaint, "mark-duplicate"), {"original": roads_complaint.tracking_number})
    assert itself.status_code == 200 and form_errors(itself)
    assert reload(roads_complaint).status == "received"

    done = client.post(move_url(roads_complaint, "mark-duplicate"), {"original": original.tracking_number})
    assert done.status_code == 302
    complaint = reload(roads_complaint)
    assert (complaint.status, complaint.duplicate_of_id) == ("duplicate", original.pk)


def test_an_illegal_move_opened_shows_a_message_and_changes_nothing(login, roads_official, roads_complaint):
    client = login(roads_official)
    response = client.get(move_url(roads_complaint, "close"))

    assert response.status_code == 302 and response.url == change_url(roads_complaint)
    assert messages_of(response) == [tr("Only an answered complaint can be closed.")]
    assert move_url(roads_complaint, "close") not in button_urls(client, roads_complaint)
    assert reload(roads_complaint).status == "received"


def test_an_illegal_move_posted_shows_the_service_s_refusal_and_changes_nothing(login, roads_official, roads_complaint):
    complaint_answer(actor=roads_official, complaint=roads_complaint, answer="답변")
    response = login(roads_official).post(move_url(roads_complaint, "start"))

    assert response.status_code == 200
    assert form_errors(response)["__all__"]
    complaint = reload(roads_complaint)
    assert complaint.status == "answered"
    assert moves_made(complaint) == ["answer"]


def test_a_move_of_another_role_is_forbidden(login, parks_official, coordinator, transferred, roads_official):
    # The sending unit no longer sees the complaint; the receiving unit may not coordinate.
    assert login(roads_official).post(move_url(transferred, "dispute-transfer"), {"reason": "x"}).status_code == 404
    assert login(parks_official).post(move_url(transferred, "coordinate"), {"unit": transferred.unit_id}).status_code == 403
    complaint_dispute_transfer(actor=parks_official, complaint=transferred, reason="도로 소관입니다.")
    # A coordinator decides the unit, but does not accept the transfer for a unit.
    assert login(coordinator).post(move_url(transferred, "accept-transfer")).status_code == 403
    assert reload(transferred).status == "transferred"
    assert Transfer.objects.get(complaint=transferred).outcome == "disputed"


def test_an_inactive_unit_cannot_be_chosen(login, roads_official, roads_complaint):
    closed = OrgUnit.objects.create(code="old-unit", kind=OrgUnit.Kind.BUREAU, name_ko="폐지된 국", name_en="Old",
                                    is_active=False)  # fmt: skip
    response = login(roads_official).post(move_url(roads_complaint, "transfer"), {"to_unit": closed.pk, "reason": "x"})
    assert response.status_code == 200 and "to_unit" in form_errors(response)
    assert reload(roads_complaint).status == "received"


def test_a_started_complaint_can_be_answered_by_the_assignee(login, roads_official, roads_complaint):
    complaint_assign(actor=roads_official, complaint=roads_complaint, assignee=roads_official)
    complaint_start(actor=roads_official, complaint=roads_complaint)
    urls = button_urls(login(roads_official), roads_complaint)
    assert move_url(roads_complaint, "answer") in urls and move_url(roads_complaint, "assign") not in urls


def test_a_disputed_transfer_cannot_be_disputed_again(login, parks_official, transferred):
    complaint_dispute_transfer(actor=parks_official, complaint=transferred, reason="도로 소관")
    response = login(parks_official).post(move_url(transferred, "dispute-transfer"), {"reason": "또"})
    assert response.status_code in (403, 404)
    assert Transfer.objects.get(complaint=transferred).dispute_reason == "도로 소관"
