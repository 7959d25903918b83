"""What complaint notifications say (every kind, in Korean and in English, by SMS and by email),
which channel they take (the complaint's contact preference, the other channel when the chosen
one has no address, none for "no messages"), their idempotency keys, and the followers."""

from datetime import datetime

import pytest
from django.conf import settings
from django.urls import reverse

from complaints.deadlines import SEOUL
from complaints.models import Complaint, EmergencyKeyword, Follower
from complaints.notifications import KIND_LABELS, notify_filer, notify_followers
from complaints.services.emergency import emergency_keywords_changed
from complaints.services.escalation import complaints_escalate
from complaints.services.handling import (
    complaint_answer,
    complaint_assign,
    complaint_mark_duplicate,
    complaint_reject,
    complaint_transfer,
)
from complaints.services.intake import Filer, complaint_file_for_triage
from governance.models import OrgAssignment
from notifications.kinds import get_kind
from notifications.models import Contact, Notification

pytestmark = pytest.mark.django_db

RECEIVED = datetime(2026, 9, 1, 10, 0, tzinfo=SEOUL)
LONG_ANSWER = "현장을 확인한 결과 시청 앞 보도블록 여러 장이 파손되어 있어 9월 3일에 전면 교체를 마쳤습니다. " * 4
REASON = "사유지 안의 도로라 시가 관리하지 않습니다."
REMEDY = "결과 통지를 받은 날부터 90일 이내에 행정심판을 청구할 수 있습니다."
UNIT_NAMES = {"ko": ("도로관리과", "공원조성과"), "en": ("Road Management Division", "Parks Division")}


def track_url(complaint, language):
    prefix = "/en" if language == "en" else ""
    return f"{settings.PUBLIC_BASE_URL}{prefix}/complaints/track/?number={complaint.tracking_number}"


@pytest.fixture
def filer(participant):
    """A citizen with a phone and an email; the complaint's preference picks the channel."""

    def make(language):
        return participant(language=language, email=f"filer.{language}@example.org")

    return make


@pytest.fixture
def story(filer, file_complaint, roads_official, parks, make_official, roads, participant):
    """Every kind of notice about complaints filed in `language` and told by `channel`:
    {kind: the filer's (or, for the overdue alert, the unit head's) notification}."""

    def run(language, channel):
        person = filer(language)
        head = make_official(roads, role=OrgAssignment.Role.HEAD, language=language,
                             email=f"head.{language}@example.org",
                             notify_by="email" if channel == "email" else "sms")  # fmt: skip
        as_filer = Filer(citizen=person, preference=channel, language=language)
        first = file_complaint(filer=as_filer, title="시청 앞 보도블록", now=RECEIVED)
        complaint_assign(actor=roads_official, complaint=first, now=RECEIVED)
        complaint_answer(actor=roads_official, complaint=first, answer=LONG_ANSWER, now=RECEIVED)

        second = file_complaint(filer=as_filer, title="공원 옆 도로", now=RECEIVED)
        complaint_transfer(actor=roads_official, complaint=second, to_unit=parks, reason="공원 구역입니다.",
                           now=RECEIVED)  # fmt: skip

        third = file_complaint(filer=as_filer, title="사유지 도로", now=RECEIVED)
        complaint_reject(actor=roads_official, complaint=third, reason=REASON, remedy=REMEDY, now=RECEIVED)

        original = file_complaint(filer=Filer(citizen=participant()), now=RECEIVED)
        fourth = file_complaint(filer=as_filer, title="같은 구멍", now=RECEIVED)
        complaint_mark_duplicate(actor=roads_official, complaint=fourth, original=original, now=RECEIVED)

        fifth = file_complaint(filer=as_filer, title="오래된 민원", now=RECEIVED)
        complaints_escalate(now=datetime(2026, 10, 2, 9, 0, tzinfo=SEOUL))

        # An emergency keyword alerts the unit on duty (the head among them).
        EmergencyKeyword.objects.create(phrase="싱크홀", unit=roads)
        emergency_keywords_changed()
        sixth = file_complaint(filer=as_filer, title="싱크홀", description="도로에 싱크홀이 생겼어요", now=RECEIVED)
        emergency_keywords_changed()

        mine = Notification.objects.filter(citizen=person)

        def about(complaint):  # the key names the complaint right after the kind (not a person's id later on)
            return {"key__regex": rf"^complaints:[a-z_]+:{complaint.pk}(:|$)"}

        notices = {
            "complaint_received": mine.get(kind="complaint_received", **about(first)),
            "complaint_assigned": mine.get(kind="complaint_assigned"),
            "complaint_answered": mine.get(kind="complaint_answered"),
            "complaint_transferred": mine.get(kind="complaint_transferred"),
            "complaint_rejected": mine.get(kind="complaint_rejected"),
            "complaint_duplicate": mine.get(kind="complaint_duplicate"),
            "complaint_progress": mine.get(kind="complaint_progress", **about(fifth)),
            "complaint_overdue": Notification.objects.get(citizen=head, kind="complaint_overdue", **about(fifth)),
            "complaint_emergency": Notification.objects.get(citizen=head, kind="complaint_emergency"),
        }
        return notices, {"first": first, "second": second, "third": third, "fourth": fourth, "fifth": fifth,
                         "sixth": sixth, "original": original}  # fmt: skip

    return run


@pytest.mark.parametrize("language", ["ko", "en"])
@pytest.mark.parametrize("channel", ["sms", "email"])
def test_every_kind_says_what_it_must_in_the_filer_s_language(language, channel, story):
    notices, complaints = story(language, channel)
    assert set(notices) == set(KIND_LABELS)
    for kind, notice in notices.items():
        assert (notice.channel, notice.language) == (channel, language), kind
        if channel == "email":
            assert notice.subject and "\n" not in notice.subject, kind
        else:
            assert notice.subject == "", kind
            # An LMS carries at most 2,000 bytes in Korean encoding: no SMS runs past it.
            assert len(notice.body.encode("euc-kr", errors="replace")) <= 2_000, kind
    roads_name, parks_name = UNIT_NAMES[language]
    other_roads, other_parks = UNIT_NAMES["en" if language == "ko" else "ko"]
    first, second = complaints["first"], complaints["second"]

    received = notices["complaint_received"]
    assert first.tracking_number in received.body and track_url(first, language) in received.body
    assert first.due_at.astimezone(SEOUL).strftime("%Y-%m-%d %H:%M") in received.body

    assigned = notices["complaint_assigned"]
    assert first.tracking_number in assigned.body and roads_name in assigned.body
    assert first.due_at.astimezone(SEOUL).strftime("%Y-%m-%d %H:%M") in assigned.body  # the expected date
    assert other_roads not in assigned.body

    transferred = notices["complaint_transferred"]
    assert second.tracking_number in transferred.body and parks_name in transferred.body
    assert other_parks not in transferred.body

    answered = notices["complaint_answered"]
    assert first.tracking_number in answered.body and track_url(first, language) in answered.body
    if channel == "email":
        assert LONG_ANSWER.strip() in answered.body  # the whole answer
    else:
        assert LONG_ANSWER not in answered.body and LONG_ANSWER[:59] + "…" in answered.body  # an excerpt

    rejected = notices["complaint_rejected"]
    assert complaints["third"].tracking_number in rejected.body
    assert REASON in rejected.body and REMEDY in rejected.body  # the law asks for both

    duplicate = notices["complaint_duplicate"]
    assert complaints["fourth"].tracking_number in duplicate.body
    assert complaints["original"].tracking_number in duplicate.body

    progress = notices["complaint_progress"]
    fifth = complaints["fifth"]
    assert fifth.tracking_number in progress.body and roads_name in progress.body
    if channel == "email":
        assert "31" in progress.body and track_url(fifth, language) in progress.body  # days open

    overdue = notices["complaint_overdue"]
    assert fifth.tracking_number in overdue.body
    if channel == "email":
        admin = settings.PUBLIC_BASE_URL + reverse("admin:complaints_complaint_change", args=[fifth.pk])
        assert admin in overdue.body

    emergency = notices["complaint_emergency"]
    sixth = complaints["sixth"]
    assert sixth.tracking_number in emergency.body and "싱크홀" in emergency.body
    assert settings.PUBLIC_BASE_URL + reverse("admin:complaints_complaint_change", args=[sixth.pk]) in emergency.body


def test_english_text_is_english(story):
    notices, complaints = story("en", "email")
    number = complaints["first"].tracking_number
    assert notices["complaint_received"].subject == f"Complaint received: {number}"
    assert "has been answered" in notices["complaint_answered"].body
    assert "Reason:" in notices["complaint_rejected"].body and "How to object:" in notices["complaint_rejected"].body
    assert "has been open for 31 days" in notices["complaint_progress"].body


def test_the_sms_sentences_are_spaced(story):
    notices, complaints = story("en", "sms")
    first = complaints["first"]
    assert notices["complaint_received"].body == (
        f"[Seoul] Your complaint is received: number {first.tracking_number}. "
        f"Answer due by {first.due_at.astimezone(SEOUL):%Y-%m-%d %H:%M}. Track it: {track_url(first, 'en')}"
    )


def test_every_kind_is_registered_with_both_channels():
    for kind in KIND_LABELS:
        assert set(get_kind(kind).channels) == {"sms", "email"}, kind


# --- Channels ----------------------------------------------------------------------------------


def received_notices(complaint):
    return list(Notification.objects.filter(kind="complaint_received", key=f"complaints:complaint_received:"
                                            f"{complaint.pk}").values_list("channel", flat=True))  # fmt: skip


@pytest.mark.parametrize("preference, expected", [("sms", ["sms"]), ("email", ["email"]), ("none", [])])
def test_the_complaint_s_preference_picks_the_channel(preference, expected, filer, file_complaint):
    person = filer("ko")
    complaint = file_complaint(filer=Filer(citizen=person, preference=preference))
    assert received_notices(complaint) == expected


def test_the_preference_of_the_complaint_not_of_the_account_decides(participant, file_complaint):
    person = participant(email="mail.only@example.org", notify_by="email")
    complaint = file_complaint(filer=Filer(citizen=person, preference="sms"))
    assert received_notices(complaint) == ["sms"]


def test_email_falls_back_to_sms_without_an_email_address(citizen, file_complaint):
    assert not citizen.email_index
    complaint = file_complaint(filer=Filer(citizen=citizen, preference="email"))
    assert received_notices(complaint) == ["sms"]


def test_sms_falls_back_to_email_without_a_phone():
    contact = Contact(language="en")
    contact.set_email("sender@example.org")
    contact.save()
    complaint = complaint_file_for_triage(channel="email", description="The streetlight is out.",
                                          filer=Filer(contact=contact, preference="sms", language="en"))  # fmt: skip
    notice = Notification.objects.get(contact=contact)
    assert (notice.channel, notice.kind) == ("email", "complaint_received")
    # Filed without a phone: the signed link that opens it as theirs (no last four digits to give).
    assert "/en/complaints/track/link/" in notice.body
    from complaints.notifications import track_url as link_of

    assert link_of(Complaint.objects.get(pk=complaint.pk), "en") in notice.body


def test_a_guest_hears_by_sms(guest, file_complaint):
    complaint = file_complaint(filer=Filer(contact=guest, preference="sms"))
    notice = Notification.objects.get(contact=guest)
    assert notice.channel == "sms" and complaint.tracking_number in notice.body


def test_a_filer_who_left_hears_nothing(citizen, file_complaint, roads_official):
    complaint = file_complaint()
    citizen.is_active = False
    citizen.save()
    complaint.refresh_from_db()
    assert complaint_assign(actor=roads_official, complaint=complaint)
    assert not Notification.objects.filter(kind="complaint_assigned").exists()


# --- Idempotency -------------------------------------------------------------------------------


def test_a_second_call_with_the_same_key_writes_nothing(file_complaint):
    complaint = file_complaint()
    assert Notification.objects.filter(kind="complaint_received").count() == 1
    assert notify_filer(complaint, "complaint_received") == []
    assert Notification.objects.filter(kind="complaint_received").count() == 1
    written = notify_filer(complaint, "complaint_progress", key_suffix="1", days=30, progress="...")
    assert len(written) == 1 and written[0].key == f"complaints:complaint_progress:{complaint.pk}:1"
    assert notify_filer(complaint, "complaint_progress", key_suffix="1", days=31, progress="...") == []
    assert len(notify_filer(complaint, "complaint_progress", key_suffix="2", days=30, progress="...")) == 1


def test_each_transfer_is_told_once(file_complaint, roads_official, parks_official, parks, roads, citizen):
    from complaints.services.handling import complaint_accept_transfer

    complaint = file_complaint()
    complaint = complaint_transfer(actor=roads_official, complaint=complaint, to_unit=parks, reason="공원입니다.")
    complaint = complaint_accept_transfer(actor=parks_official, complaint=complaint)
    complaint_transfer(actor=parks_official, complaint=complaint, to_unit=roads, reason="도로입니다.")
    told = Notification.objects.filter(citizen=citizen, kind="complaint_transferred")
    assert told.count() == 2 and len(set(told.values_list("key", flat=True))) == 2


# --- Followers ---------------------------------------------------------------------------------


def test_followers_hear_the_answer_in_their_own_language_and_channel(file_complaint, participant, guest, citizen,
                                                                     roads_official):  # fmt: skip
    complaint = file_complaint()
    english = participant(language="en", email="follower@example.org", notify_by="email")
    Follower.objects.create(complaint=complaint, citizen=english)
    Follower.objects.create(complaint=complaint, contact=guest)
    complaint_answer(actor=roads_official, complaint=complaint, answer="보수를 마쳤습니다.")

    answered = Notification.objects.filter(kind="complaint_answered")
    assert answered.filter(citizen=citizen).count() == 1  # the filer, once (not again as a follower)
    to_english = answered.get(citizen=english)
    assert (to_english.channel, to_english.language) == ("email", "en")
    # A follower is not the filer: the complaint's public page, not the tracking page to rate it.
    assert f"/en/complaints/{complaint.tracking_number}/" in to_english.body and "보수를 마쳤습니다." in to_english.body
    to_guest = answered.get(contact=guest)
    assert to_guest.channel == "sms" and f"/complaints/{complaint.tracking_number}/" in to_guest.body
    assert answered.count() == 3

    assert notify_followers(complaint, "complaint_answered", key_suffix="1", answer="x", answer_excerpt="x") == []
    assert answered.count() == 3
