"""Meetings: numbering, quorum, attendance, minutes that stay hidden until approved, votes, and the
iCalendar feeds parsed back."""

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from citizens.models import Citizen
from governance import ical
from governance.errors import GovernanceError
from governance.models import Attendance, Meeting
from governance.services import meetings as services
from notifications.models import Notification

from .test_committee_support import appoint, fill, make_committee, make_person, path

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("messages_in_english")]


def schedule(committee, *, days=-1, **fields):
    values = {"title_ko": "정기회의", "title_en": "Regular meeting", "place_ko": "서울시청 8층",
              "starts_at": timezone.now() + timedelta(days=days)}
    values.update(fields)
    return services.meeting_schedule(actor=None, committee=committee, **values)


def held(committee, **fields):
    return services.meeting_mark_held(actor=None, meeting=schedule(committee, **fields))


def test_meetings_are_numbered_per_committee_and_audited():
    committee, other = make_committee(), make_committee("other")
    assert [schedule(committee).number, schedule(committee).number, schedule(other).number] == [1, 2, 1]
    assert AuditEvent.objects.filter(action="meeting.schedule").count() == 3


def test_serving_members_are_told_of_a_meeting_ahead():
    committee = make_committee()
    person = make_person()
    Citizen.objects.filter(pk=person.pk).update(notify_by=Citizen.NotifyBy.EMAIL)
    appoint(committee, Citizen.objects.get(pk=person.pk))
    meeting = schedule(committee, days=10)
    (notification,) = Notification.objects.filter(kind="governance_meeting_scheduled")
    assert notification.citizen_id == person.pk and notification.channel == "email"
    assert f"meeting {meeting.number}" in notification.subject or "회의" in notification.subject
    schedule(committee, days=-10)  # a past meeting being recorded tells no one
    assert Notification.objects.filter(kind="governance_meeting_scheduled").count() == 1


@pytest.mark.parametrize(
    ("fields", "words"),
    [({"title_ko": " "}, "title"), ({"place_ko": ""}, "place"),
     ({"ends_at": timezone.now() - timedelta(days=2)}, "end after it starts")],
    ids=["no title", "no place", "ends before it starts"],
)
def test_bad_schedules_are_refused(fields, words):
    with pytest.raises(GovernanceError) as refused:
        schedule(make_committee(), **fields)
    assert words in refused.value.message
    assert not Meeting.objects.exists()


def test_an_online_meeting_needs_no_place():
    assert schedule(make_committee(), place_ko="", online=True).online


@pytest.mark.parametrize(("members", "ratio", "quorum"), [(8, "0.50", 4), (7, "0.50", 4), (7, "0.60", 5), (1, "1", 1)])
def test_the_quorum_is_the_ratio_of_members_serving_rounded_up(members, ratio, quorum):
    committee = make_committee(quorum_ratio=Decimal(ratio))
    fill(committee, members)
    meeting = held(committee)
    assert (meeting.members_serving, meeting.quorum) == (members, quorum)
    assert Attendance.objects.filter(meeting=meeting, present=False).count() == members


def test_members_who_left_before_the_meeting_do_not_count():
    committee = make_committee()
    gone, *_stay = fill(committee, 4)
    from governance.services.committees import membership_end

    membership_end(actor=None, membership=gone, ended_on=timezone.localdate() - timedelta(days=5))
    assert held(committee, days=-1).members_serving == 3


def test_a_meeting_ahead_cannot_be_held_and_a_held_one_not_cancelled():
    committee = make_committee()
    with pytest.raises(GovernanceError, match="once it has started"):
        services.meeting_mark_held(actor=None, meeting=schedule(committee, days=3))
    with pytest.raises(GovernanceError, match="Only a scheduled meeting"):
        services.meeting_cancel(actor=None, meeting=held(committee))


def test_attendance_counts_who_was_present():
    committee = make_committee()
    members = fill(committee, 6)
    meeting = held(committee)
    services.meeting_record_attendance(actor=None, meeting=meeting, present=members[:4])
    assert Attendance.objects.filter(meeting=meeting, present=True).count() == 4
    services.meeting_record_attendance(actor=None, meeting=meeting, present=[m.pk for m in members[:2]])
    assert Attendance.objects.filter(meeting=meeting, present=True).count() == 2
    stranger = appoint(make_committee("other"))
    with pytest.raises(GovernanceError, match="serving on the day"):
        services.meeting_record_attendance(actor=None, meeting=meeting, present=[stranger])


def test_attendance_needs_a_held_meeting():
    committee = make_committee()
    member = appoint(committee)
    with pytest.raises(GovernanceError, match="held"):
        services.meeting_record_attendance(actor=None, meeting=schedule(committee), present=[member])


def test_minutes_stay_hidden_until_approved_and_then_stay_as_they_are(client):
    committee = make_committee()
    members = fill(committee, 4)
    meeting = held(committee)
    services.meeting_record_attendance(actor=None, meeting=meeting, present=members[:3])
    url, english_url = path("meeting_detail", meeting.pk), path("meeting_detail", meeting.pk, language="en")
    services.meeting_write_minutes(actor=None, meeting=meeting, minutes_ko="초안: 비공개 논의 내용",
                                   minutes_en="Draft: not yet public")
    meeting.refresh_from_db()
    assert meeting.minutes == ""
    page = client.get(url).content.decode()
    assert "초안: 비공개 논의 내용" not in page and "Draft: not yet public" not in client.get(english_url).content.decode()

    services.meeting_approve_minutes(actor=None, meeting=meeting)
    assert "초안: 비공개 논의 내용" in client.get(url).content.decode()
    assert "Draft: not yet public" in client.get(english_url).content.decode()
    with pytest.raises(GovernanceError, match="approved"):
        services.meeting_write_minutes(actor=None, meeting=meeting, minutes_ko="고쳐 쓰기")
    with pytest.raises(GovernanceError, match="approved"):
        services.meeting_record_attendance(actor=None, meeting=meeting, present=members)
    with pytest.raises(GovernanceError, match="draft"):
        services.meeting_approve_minutes(actor=None, meeting=meeting)


def test_minutes_need_a_held_meeting():
    with pytest.raises(GovernanceError, match="held"):
        services.meeting_write_minutes(actor=None, meeting=schedule(make_committee()), minutes_ko="x")


def test_votes_need_the_quorum_and_cannot_exceed_those_present():
    committee = make_committee()
    members = fill(committee, 6)
    meeting = schedule(committee)
    item = services.meeting_agenda_add(actor=None, meeting=meeting, title_ko="기본계획 심의")
    meeting = services.meeting_mark_held(actor=None, meeting=meeting)
    services.meeting_record_attendance(actor=None, meeting=meeting, present=members[:2])
    with pytest.raises(GovernanceError, match="quorum"):
        services.agenda_item_record_votes(actor=None, meeting=meeting, item=item, votes_for=2, votes_against=0)
    services.meeting_record_attendance(actor=None, meeting=meeting, present=members[:4])
    with pytest.raises(GovernanceError, match="More votes"):
        services.agenda_item_record_votes(actor=None, meeting=meeting, item=item, votes_for=4, votes_against=1)
    item = services.agenda_item_record_votes(actor=None, meeting=meeting, item=item, votes_for=3, votes_against=1)
    assert (item.votes_for, item.votes_against, item.votes_abstain) == (3, 1, 0)
    other = services.meeting_agenda_add(actor=None, meeting=schedule(committee), title_ko="다른 회의 안건")
    with pytest.raises(GovernanceError, match="not on the agenda"):
        services.agenda_item_record_votes(actor=None, meeting=meeting, item=other, votes_for=1, votes_against=0)


def test_agenda_items_go_on_scheduled_meetings_in_order():
    committee = make_committee()
    meeting = schedule(committee, days=5)
    first = services.meeting_agenda_add(actor=None, meeting=meeting, title_ko="첫째")
    second = services.meeting_agenda_add(actor=None, meeting=meeting, title_ko="둘째")
    assert (first.order, second.order, second.committee_id) == (1, 2, committee.pk)
    services.meeting_cancel(actor=None, meeting=meeting)
    with pytest.raises(GovernanceError, match="scheduled meeting"):
        services.meeting_agenda_add(actor=None, meeting=meeting, title_ko="셋째")


# --- iCalendar -------------------------------------------------------------------------------


def parse_ics(raw: bytes):
    """Parse a feed back as a calendar client would, checking the RFC 5545 rules on the way."""
    text = raw.decode("utf-8")
    assert text.endswith("\r\n")
    assert "\n" not in text.replace("\r\n", ""), "bare line feeds"
    for line in text.split("\r\n"):
        assert len(line.encode("utf-8")) <= 75, f"line longer than 75 octets: {line!r}"
    unfolded = text.replace("\r\n ", "").split("\r\n")[:-1]

    def unescape(value):
        return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)

    calendar, events, current = {}, [], None
    for line in unfolded:
        name, value = line.split(":", 1)
        if (name, value) == ("BEGIN", "VEVENT"):
            current = {}
        elif (name, value) == ("END", "VEVENT"):
            events.append(current)
            current = None
        elif current is not None:
            current[name] = unescape(value)
        else:
            calendar[name] = value
    return calendar, events


def test_the_feed_lists_upcoming_meetings_and_parses_back(client, settings):
    settings.PUBLIC_BASE_URL = "https://participation.seoul.example"
    committee = make_committee()
    title = "제4차 스마트도시 기본계획(2026~2030) 수립 방향에 관한 전문가 의견 청취 및 토론, 그리고; 역슬래시\\ 포함"
    ahead = schedule(committee, days=7, title_ko=title, place_ko="서울시청 본관 8층 다목적회의실,\n북측 입구",
                     ends_at=timezone.now() + timedelta(days=7, hours=2))
    services.meeting_agenda_add(actor=None, meeting=ahead, title_ko="기본계획, 초안; 검토")
    cancelled = services.meeting_cancel(actor=None, meeting=schedule(committee, days=14))
    held(committee)  # past: not in the feed

    response = client.get(path("meetings_ics"))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar, events = parse_ics(response.content)
    assert (calendar["BEGIN"], calendar["VERSION"], calendar["METHOD"]) == ("VCALENDAR", "2.0", "PUBLISH")
    assert [event["UID"] for event in events] == [f"meeting-{ahead.pk}@participation.seoul.example",
                                                 f"meeting-{cancelled.pk}@participation.seoul.example"]
    first = events[0]
    assert first["SUMMARY"] == f"스마트도시위원회: {title}"
    assert first["LOCATION"] == "서울시청 본관 8층 다목적회의실,\n북측 입구"
    assert "1. 기본계획, 초안; 검토" in first["DESCRIPTION"]
    assert first["DTSTART"] == ahead.starts_at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    assert datetime.strptime(first["DTEND"], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC) == ahead.ends_at.replace(
        microsecond=0)
    assert re.fullmatch(r"\d{8}T\d{6}Z", first["DTSTAMP"])
    assert first["URL"] == f"{settings.PUBLIC_BASE_URL}/governance/meetings/{ahead.pk}/"  # never the Host header
    assert (first["STATUS"], events[1]["STATUS"]) == ("CONFIRMED", "CANCELLED")
    assert (first["SEQUENCE"], events[1]["SEQUENCE"]) == ("0", "1")  # clients replace the event they hold

    english_feed = client.get(path("meetings_ics", language="en"))
    _calendar, english_events = parse_ics(english_feed.content)
    assert english_events[0]["SUMMARY"] == "Smart City Committee: Regular meeting"


def test_the_committee_feed_lists_only_its_meetings(client, settings):
    settings.PUBLIC_BASE_URL = "https://participation.seoul.example:8443/"
    committee, other = make_committee(), make_committee("other", name_ko="다른 위원회")
    mine = schedule(committee, days=3)
    schedule(other, days=3)
    _calendar, events = parse_ics(client.get(path("committee_meetings_ics", committee.slug))
                                  .content)
    assert [event["UID"] for event in events] == [f"meeting-{mine.pk}@participation.seoul.example"]
    assert client.get(path("committee_meetings_ics", "nope")).status_code == 404


def test_folding_never_splits_a_character():
    line = ical.content_line("SUMMARY", "가" * 60)
    parts = line.split("\r\n ")
    assert all(len(part.encode()) <= 75 for part in parts[:1]) and all(len(p.encode()) <= 74 for p in parts[1:])
    assert "".join(parts) == "SUMMARY:" + "가" * 60


def test_escaping():
    assert ical.escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    assert ical.escape_text("a\x00b\x08c\x0bd\x1fe\x7ff\tg\rh") == "abcdef\tg\\nh"


def test_control_characters_are_dropped_and_uids_ignore_the_host_header(client, settings):
    settings.PUBLIC_BASE_URL = "https://participation.seoul.example"
    settings.ALLOWED_HOSTS = ["*"]
    committee = make_committee(name_ko="스마트\x01도시\x1b위원회")
    meeting = schedule(committee, days=3, title_ko="정기\x07회의\x7f", place_ko="시청\t8층\r\n북측\x0b입구")
    raw = client.get(path("meetings_ics"), HTTP_HOST="attacker.example").content
    assert not re.search(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", raw)  # tabs stay, newlines are escaped
    _calendar, (event,) = parse_ics(raw)
    assert event["SUMMARY"] == "스마트도시위원회: 정기회의"
    assert event["LOCATION"] == "시청\t8층\n북측입구"
    assert event["UID"] == f"meeting-{meeting.pk}@participation.seoul.example"
    assert event["SEQUENCE"] == "0" and re.fullmatch(r"\d{8}T\d{6}Z", event["DTSTAMP"])


@pytest.mark.parametrize("count", [1, 12])
def test_the_feed_query_count_does_not_grow(client, django_assert_num_queries, count):
    committee = make_committee()
    for _ in range(count):
        meeting = schedule(committee, days=5)
        services.meeting_agenda_add(actor=None, meeting=meeting, title_ko="안건")
    with django_assert_num_queries(2):
        client.get(path("meetings_ics"))
    with django_assert_num_queries(3):
        client.get(path("committee_meetings_ics", committee.slug))
