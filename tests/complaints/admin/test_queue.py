"""The officials' queue: each official sees their units' complaints only (the list, a complaint's
page, its buttons, photos and personal data), the intake desk sees all; filters, search, masked
personal data in the list, and a query count that does not grow with the data."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit.models import AuditEvent
from complaints.models import Complaint, ComplaintPhoto
from complaints.services.handling import (
    complaint_assign,
    complaint_dispute_transfer,
    complaint_transfer,
)

from .conftest import change_url, changelist_url, move_url

pytestmark = pytest.mark.django_db


def listed(response):
    return {complaint.tracking_number for complaint in response.context["cl"].result_list}


def test_an_official_lists_only_their_units_complaints(login, roads_official, roads_complaint, parks_complaint):
    response = login(roads_official).get(changelist_url())

    assert response.status_code == 200
    assert listed(response) == {roads_complaint.tracking_number}
    html = response.content.decode()
    assert parks_complaint.tracking_number not in html
    assert parks_complaint.title not in html
    assert "김" not in html.split("<tbody>")[-1].split("</tbody>")[0]  # the parks filer's name, even masked


def test_a_unit_above_sees_the_complaints_of_the_units_below(login, make_official, roads, roads_complaint):
    bureau_official = make_official(roads.parent)
    assert listed(login(bureau_official).get(changelist_url())) == {roads_complaint.tracking_number}


def test_an_official_cannot_open_or_act_on_another_unit_s_complaint(login, roads_official, parks_complaint):
    client = login(roads_official)
    status_before = parks_complaint.status

    for url in (change_url(parks_complaint), move_url(parks_complaint, "assign"),
                move_url(parks_complaint, "answer"), f"/admin/complaints/complaint/{parks_complaint.pk}/photo/0/",
                f"/admin/complaints/complaint/{parks_complaint.pk}/history/"):  # fmt: skip
        response = client.get(url)
        assert response.status_code == 404, url
        assert parks_complaint.title not in response.content.decode()
    assert client.post(move_url(parks_complaint, "answer"), {"answer": "답변"}).status_code == 404
    assert client.post(f"/admin/complaints/complaint/{parks_complaint.pk}/personal-data/").status_code == 404

    parks_complaint.refresh_from_db()
    assert parks_complaint.status == status_before
    assert not AuditEvent.objects.filter(action="complaint.personal_data_view").exists()


def test_the_intake_desk_sees_every_unit_s_complaints(login, intake_desk, roads_complaint, parks_complaint):
    response = login(intake_desk).get(changelist_url())
    assert listed(response) == {roads_complaint.tracking_number, parks_complaint.tracking_number}
    assert login(intake_desk).get(change_url(parks_complaint)).status_code == 200


def test_a_transfer_moves_the_complaint_to_the_receiving_unit_s_queue(
    login, roads_official, parks_official, roads_complaint, parks
):
    complaint_transfer(actor=roads_official, complaint=roads_complaint, to_unit=parks, reason="공원 안의 길입니다.")

    assert listed(login(parks_official).get(changelist_url())) == {roads_complaint.tracking_number}
    assert listed(login(roads_official).get(changelist_url())) == set()


def test_a_coordinator_sees_disputed_transfers_only(
    login, coordinator, roads_official, parks_official, roads_complaint, parks_complaint, parks
):
    assert login(coordinator).get(changelist_url()).status_code == 200
    assert listed(login(coordinator).get(changelist_url())) == set()
    complaint_transfer(actor=roads_official, complaint=roads_complaint, to_unit=parks, reason="공원 안의 길입니다.")
    complaint_dispute_transfer(actor=parks_official, complaint=roads_complaint, reason="도로관리과 소관입니다.")

    assert listed(login(coordinator).get(changelist_url())) == {roads_complaint.tracking_number}
    assert login(coordinator).get(change_url(parks_complaint)).status_code == 404


def test_a_citizen_or_an_official_without_a_unit_has_no_queue(login, citizen, make_official, roads_complaint):
    assert login(citizen).get(changelist_url()).status_code == 302  # to the admin's sign-in
    response = login(make_official()).get(changelist_url())
    assert response.status_code == 403


def test_the_list_shows_the_filer_masked(login, roads_official, roads_complaint, roads_filer):
    html = login(roads_official).get(changelist_url()).content.decode()
    assert "홍*동" in html
    assert f"010-****-{roads_filer.phone_last4}" in html
    assert "홍길동" not in html
    assert roads_filer.phone not in html and roads_filer.phone[3:] not in html
    assert "hong@example.com" not in html


def test_the_list_shows_tracking_number_category_status_unit_due_date_and_channel(login, roads_official, roads_complaint):
    html = login(roads_official).get(changelist_url()).content.decode()
    due = timezone.localtime(roads_complaint.due_at).strftime("%Y-%m-%d %H:%M")
    for text in (roads_complaint.tracking_number, "도로 파손", "도로관리과", due):
        assert text in html
    assert 'class="complaint-overdue"' not in html


@pytest.fixture
def deadline_mix(file_complaint, roads_official):
    """Three open roads complaints: overdue, due later today, due in a week; and an answered overdue one."""
    now = timezone.now()
    overdue, today, later, answered = (file_complaint() for _ in range(4))
    start_of_today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    # Halfway to Seoul's midnight: still today and still ahead, whatever the hour the tests run.
    later_today = now + (start_of_today + timedelta(days=1) - now) / 2
    Complaint.objects.filter(pk=overdue.pk).update(due_at=now - timedelta(days=2))
    Complaint.objects.filter(pk=today.pk).update(due_at=later_today)
    Complaint.objects.filter(pk=later.pk).update(due_at=now + timedelta(days=7))
    Complaint.objects.filter(pk=answered.pk).update(due_at=now - timedelta(days=2), status="answered",
                                                     answer="처리했습니다.", answered_at=now)  # fmt: skip
    return overdue, today, later, answered


def test_the_deadline_filters(login, roads_official, deadline_mix):
    overdue, today, later, answered = deadline_mix
    client = login(roads_official)
    assert listed(client.get(changelist_url(), {"deadline": "overdue"})) == {overdue.tracking_number}
    due_today = listed(client.get(changelist_url(), {"deadline": "due_today"}))
    assert today.tracking_number in due_today and later.tracking_number not in due_today
    assert answered.tracking_number not in due_today
    assert listed(client.get(changelist_url(), {"deadline": "open"})) == {
        overdue.tracking_number, today.tracking_number, later.tracking_number
    }
    html = client.get(changelist_url(), {"deadline": "overdue"}).content.decode()
    assert 'class="complaint-overdue"' in html


def test_my_assignments_status_category_and_channel_filters(
    login, roads_official, make_official, roads, file_complaint, intake_desk
):
    colleague = make_official(roads)
    mine, theirs = file_complaint(), file_complaint(channel="phone", filed_by=intake_desk)
    complaint_assign(actor=roads_official, complaint=mine, assignee=roads_official)
    complaint_assign(actor=roads_official, complaint=theirs, assignee=colleague)
    client = login(roads_official)

    assert listed(client.get(changelist_url(), {"assigned": "me"})) == {mine.tracking_number}
    assert listed(client.get(changelist_url(), {"channel__exact": "phone"})) == {theirs.tracking_number}
    assert listed(client.get(changelist_url(), {"status__exact": "assigned"})) == {
        mine.tracking_number, theirs.tracking_number
    }
    assert listed(client.get(changelist_url(), {"category__id__exact": mine.category_id})) == {
        mine.tracking_number, theirs.tracking_number
    }


def test_search_finds_a_complaint_by_its_exact_tracking_number(login, intake_desk, roads_complaint, parks_complaint):
    client = login(intake_desk)
    assert listed(client.get(changelist_url(), {"q": f" {parks_complaint.tracking_number} "})) == {
        parks_complaint.tracking_number
    }
    assert listed(client.get(changelist_url(), {"q": parks_complaint.tracking_number[:6]})) == set()


def test_search_does_not_reach_beyond_the_official_s_units(login, roads_official, parks_complaint):
    assert listed(login(roads_official).get(changelist_url(), {"q": parks_complaint.tracking_number})) == set()


def queries_for_changelist(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("url", [changelist_url(), changelist_url() + "?deadline=overdue&assigned=me"])
def test_the_changelist_query_count_does_not_grow_with_the_data(login, roads_official, file_complaint, guest, url):
    from complaints.services.intake import Filer

    client = login(roads_official)
    for _ in range(2):
        file_complaint()
    file_complaint(filer=Filer(contact=guest, name="이순신"))
    client.get(url)  # warm the session and the content types
    few = queries_for_changelist(client, url)
    for _ in range(12):
        file_complaint()
    file_complaint(filer=Filer(contact=guest, name="강감찬"))
    many = queries_for_changelist(client, url)
    assert Complaint.objects.count() == 16
    assert few == many


def test_a_photo_is_served_to_an_official_who_sees_the_complaint(login, roads_official, roads_complaint, tmp_path, settings):
    from django.core.files.base import ContentFile

    settings.MEDIA_ROOT = str(tmp_path)
    ComplaintPhoto.objects.create(complaint=roads_complaint, position=0,
                                  image=ContentFile(b"\xff\xd8\xffjpeg", name="a.jpg"))  # fmt: skip
    response = login(roads_official).get(f"/admin/complaints/complaint/{roads_complaint.pk}/photo/0/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content).startswith(b"\xff\xd8")
    assert login(roads_official).get(f"/admin/complaints/complaint/{roads_complaint.pk}/photo/1/").status_code == 404


def test_an_email_filer_is_shown_without_the_address(login, intake_desk):
    from complaints.inbound.contacts import contact_for_email
    from complaints.services.intake import Filer, complaint_file_for_triage

    contact = contact_for_email("sender@example.com", language="ko")
    complaint_file_for_triage(channel="email", description="민원", filer=Filer(contact=contact, preference="email"))
    html = login(intake_desk).get(changelist_url()).content.decode()
    assert "sender@example.com" not in html and "s***@e******.com" not in html
    assert "email sender" in html or "이메일" in html


def test_the_complaint_page_query_count_does_not_grow_with_its_history(
    login, roads_official, parks_official, roads_complaint, parks, roads, tmp_path, settings
):
    from django.core.files.base import ContentFile

    from complaints.services.handling import complaint_accept_transfer

    settings.MEDIA_ROOT = str(tmp_path)
    client = login(roads_official)
    url = change_url(roads_complaint)
    client.get(url)
    few = queries_for_changelist(client, url)
    complaint = roads_complaint
    for _ in range(3):  # a transfer back and forth, each accepted: more events and transfers
        complaint = complaint_transfer(actor=roads_official, complaint=complaint, to_unit=parks, reason="이관")
        complaint = complaint_accept_transfer(actor=parks_official, complaint=complaint)
        complaint = complaint_transfer(actor=parks_official, complaint=complaint, to_unit=roads, reason="재이관")
        complaint = complaint_accept_transfer(actor=roads_official, complaint=complaint)
    for position in range(2):
        ComplaintPhoto.objects.create(complaint=complaint, position=position,
                                      image=ContentFile(b"\xff\xd8\xff", name=f"{position}.jpg"))  # fmt: skip
    many = queries_for_changelist(client, url)
    assert complaint.events.count() > 10 and complaint.transfers.count() == 6
    assert few == many


@pytest.mark.parametrize("object_id", ["99999999999999999999999", "abc", "-1", "0"])
def test_an_unknown_or_malformed_id_is_a_404(login, intake_desk, object_id):
    client = login(intake_desk)
    assert client.get(f"/admin/complaints/complaint/{object_id}/change/").status_code == 404
    assert client.post(f"/admin/complaints/complaint/{object_id}/answer/", {"answer": "x"}).status_code == 404
    assert client.get(f"/admin/complaints/complaint/{object_id}/photo/99999999999999999999/").status_code == 404
