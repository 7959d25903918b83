"""What a review of the complaints channel found, each pinned by a test: contacts the outbox's
purge must keep, duplicates that would leak a private answer, messages triage must not refuse,
the intake desk's reach, and the filer link of complaints filed without a phone."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from complaints.errors import ComplaintError
from complaints.models import Complaint, Follower
from complaints.notifications import track_url
from complaints.services.handling import (
    complaint_answer,
    complaint_assign,
    complaint_mark_duplicate,
    complaint_start,
    complaint_transfer,
)
from complaints.services.intake import Filer, complaint_complete_triage, complaint_file_for_triage
from notifications.models import Contact, Notification
from notifications.retention import outbox_purge_expired

pytestmark = pytest.mark.django_db


def test_the_outbox_purge_keeps_a_contact_that_a_complaint_or_a_follow_refers_to(file_complaint, guest, make_citizen):
    filed = file_complaint(filer=Filer(contact=guest, preference="none"))
    follower_contact = Contact.objects.create(phone="+821055509876", phone_index="i" * 64, phone_last4="9876")
    Follower.objects.create(complaint=filed, contact=follower_contact)
    Contact.objects.filter(pk__in=[guest.pk, follower_contact.pk]).update(created_at=timezone.now() - timedelta(days=30))
    outbox_purge_expired(now=timezone.now() + timedelta(days=2))
    assert Contact.objects.filter(pk=guest.pk).exists() and Contact.objects.filter(pk=follower_contact.pk).exists()
    filed.refresh_from_db()
    assert filed.contact_id == guest.pk and Follower.objects.filter(contact=follower_contact).exists()


def test_a_complaint_cannot_be_merged_into_one_the_official_does_not_see(file_complaint, park_suggestion, roads_official):
    elsewhere = file_complaint(category=park_suggestion, is_public=True, location=None)
    with pytest.raises(ComplaintError):
        complaint_mark_duplicate(actor=roads_official, complaint=file_complaint(is_public=True), original=elsewhere)


def test_triage_keeps_an_email_that_quotes_addresses_and_links(guest, intake_desk, pothole):
    complaint = complaint_file_for_triage(
        channel="email", description="Hong <hong@example.com> wrote:\n자세한 내용 <https://news.example.com/1> R&D;",
        filer=Filer(contact=guest, preference="email"),
    )  # fmt: skip
    complaint = complaint_complete_triage(actor=intake_desk, complaint=complaint, category=pothole, title="보도 파손")
    assert complaint.category == pothole and complaint.due_at is not None
    assert "<hong@example.com>" in complaint.description


def test_triage_refuses_a_complaint_no_longer_received(guest, intake_desk, pothole, roads_official):
    complaint = complaint_file_for_triage(channel="sms", description="가로등 고장", filer=Filer(contact=guest))
    Complaint.objects.filter(pk=complaint.pk).update(status="rejected", rejection_reason="중복", rejection_remedy="이의신청")
    with pytest.raises(ComplaintError):
        complaint_complete_triage(actor=intake_desk, complaint=complaint, category=pothole, title="가로등")
    complaint.refresh_from_db()
    assert complaint.category_id is None


def test_an_uncategorised_complaint_is_not_transferred(guest, intake_desk, parks):
    complaint = complaint_file_for_triage(channel="sms", description="가로등 고장", filer=Filer(contact=guest))
    with pytest.raises(ComplaintError):
        complaint_transfer(actor=intake_desk, complaint=complaint, to_unit=parks, reason="공원 안입니다")
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.RECEIVED and not complaint.transfers.exists()


def test_the_triage_desk_answers_at_intake_only(file_complaint, make_official, roads_official):
    desk = make_official(permissions=("triage_complaint",))
    received = file_complaint()
    complaint_answer(actor=desk, complaint=received, answer="바로 안내드립니다.")
    taken = complaint_start(actor=roads_official, complaint=complaint_assign(actor=roads_official, complaint=file_complaint()))
    with pytest.raises(ComplaintError):
        complaint_answer(actor=desk, complaint=taken, answer="제가 답합니다.")
    taken.refresh_from_db()
    assert taken.status == Complaint.Status.IN_PROGRESS


def test_a_complaint_filed_without_a_phone_links_its_filer_in(client, pothole):
    contact = Contact.objects.create(email="filer@example.com", email_index="e" * 64)
    complaint = complaint_file_for_triage(channel="email", description="가로등이 꺼졌어요",
                                          filer=Filer(contact=contact, preference="email"))  # fmt: skip
    link = track_url(complaint)
    assert "/complaints/track/link/" in link
    response = client.get(link.split("://", 1)[1].split("/", 1)[1].join(["/", ""]))
    assert response.status_code == 303
    with translation.override("ko"):
        assert response["Location"] == reverse("complaints:detail", args=[complaint.tracking_number])
    assert client.get(response["Location"]).status_code == 200
    tampered = client.get(reverse("complaints:claim", args=["x" + link.rsplit("/", 2)[-2]]))
    assert tampered.status_code == 404


def test_a_follower_is_told_of_the_answer_without_being_asked_to_rate_it(file_complaint, participant, roads_official):
    complaint = file_complaint(is_public=True)
    neighbour = participant()
    Follower.objects.create(complaint=complaint, citizen=neighbour)
    complaint_answer(actor=roads_official, complaint=complaint_assign(actor=roads_official, complaint=complaint),
                     answer="보수했습니다.")  # fmt: skip
    filer_notice = Notification.objects.get(kind="complaint_answered", citizen=complaint.citizen, channel="sms")
    follower_notice = Notification.objects.get(kind="complaint_answered", citizen=neighbour, channel="sms")
    assert "/complaints/track/" in filer_notice.body
    assert f"/complaints/{complaint.tracking_number}/" in follower_notice.body
    assert "/complaints/track/" not in follower_notice.body
