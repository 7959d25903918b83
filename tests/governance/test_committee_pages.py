"""The public committee and meeting pages: public fields only, both languages, 404s, and query
counts that do not grow with the data."""

from datetime import timedelta

import pytest
from django.utils import timezone

from governance.models import Membership
from governance.services import committees as committee_services
from governance.services import meetings as meeting_services

from .test_committee_support import appoint, fill, make_committee, make_person, path

pytestmark = pytest.mark.django_db


def count_queries(client, django_assert_max_num_queries, url):
    client.get(url)  # warm caches (content types, site settings) that a second request does not repeat
    with django_assert_max_num_queries(30) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def populate(committee, members, meetings):
    fill(committee, members)
    for number in range(meetings):
        meeting = meeting_services.meeting_schedule(
            actor=None, committee=committee, title_ko=f"제{number + 1}차 회의", title_en=f"Meeting {number + 1}",
            place_ko="서울시청", starts_at=timezone.now() + timedelta(days=number - meetings // 2),
        )
        meeting_services.meeting_agenda_add(actor=None, meeting=meeting, title_ko="안건 하나")
        meeting_services.meeting_agenda_add(actor=None, meeting=meeting, title_ko="안건 둘")
        if meeting.starts_at < timezone.now():
            meeting_services.meeting_mark_held(actor=None, meeting=meeting)


def test_the_list_shows_committees_and_subcommittees_in_both_languages(client):
    parent = make_committee("participatory-budget-committee", kind="budget", name_ko="시민참여예산위원회",
                            name_en="Participatory Budget Committee")
    make_committee("pb-welfare", kind="subcommittee", parent=parent, name_ko="복지 분과", name_en="Welfare Subcommittee")
    make_committee("closed", name_ko="폐지된 위원회", name_en="Abolished committee", is_active=False)
    fill(parent, 3)
    korean = client.get(path("committee_list")).content.decode()
    english = client.get(path("committee_list", language="en")).content.decode()
    assert "시민참여예산위원회" in korean and "복지 분과" in korean and "폐지된" not in korean
    assert "Participatory Budget Committee" in english and "Welfare Subcommittee" in english
    assert path("committee_detail", "pb-welfare") in korean


def test_the_committee_page_shows_rules_and_public_member_fields_only(client):
    committee = make_committee()
    person = make_person(name="실명비공개")
    from citizens.models import Citizen

    Citizen.objects.filter(pk=person.pk).update(phone_last4="4321")
    appoint(committee, Citizen.objects.get(pk=person.pk), role=Membership.Role.CHAIR, public_name="김데모")
    ended = appoint(committee, public_name="박퇴임")
    committee_services.membership_end(actor=None, membership=ended)
    page = client.get(path("committee_detail", committee.slug)).content.decode()
    assert "김데모" in page and "가상대학교" in page and "도시계획" in page
    assert "서울특별시 스마트도시 및 정보화 조례" in page
    assert "22" in page and "50%" in page
    assert "박퇴임" not in page  # ended: no longer a current member
    assert "실명비공개" not in page and "@test.seoul.example" not in page and "4321" not in page
    english = client.get(path("committee_detail", committee.slug, language="en")).content.decode()
    assert "Example University" in english and "Urban planning" in english and "Chair" in english


def test_unknown_committees_and_meetings_get_the_404_page(client):
    make_committee()
    for language in ("ko", "en"):
        for url in (path("committee_detail", "no-such", language=language),
                    path("committee_meetings", "no-such", language=language),
                    path("meeting_detail", 99999, language=language)):
            response = client.get(url)
            assert response.status_code == 404
            assert b'id="main-content"' in response.content  # the site's own page, not a bare error


def test_the_meeting_list_pages_and_marks_approved_minutes(client):
    committee = make_committee()
    populate(committee, 3, 25)
    first = client.get(path("committee_meetings", committee.slug))
    assert len(first.context["page"].object_list) == 20
    assert client.get(path("committee_meetings", committee.slug) + "?page=2").status_code == 200
    assert client.get(path("committee_meetings", committee.slug) + "?page=abc").status_code == 200


def test_the_meeting_page_shows_agenda_attendance_and_votes(client):
    committee = make_committee()
    members = fill(committee, 5)
    meeting = meeting_services.meeting_schedule(
        actor=None, committee=committee, title_ko="정기회의", title_en="Regular meeting", place_ko="서울시청",
        starts_at=timezone.now() - timedelta(hours=3),
    )
    item = meeting_services.meeting_agenda_add(actor=None, meeting=meeting, title_ko="공공 와이파이 평가",
                                               title_en="Public Wi-Fi evaluation")
    meeting_services.meeting_agenda_add(actor=None, meeting=meeting, title_ko="비공개 인사 안건", is_public=False)
    meeting = meeting_services.meeting_mark_held(actor=None, meeting=meeting)
    meeting_services.meeting_record_attendance(actor=None, meeting=meeting, present=members[:4])
    meeting_services.agenda_item_record_votes(actor=None, meeting=meeting, item=item, votes_for=3, votes_against=1)
    page = client.get(path("meeting_detail", meeting.pk, language="en")).content.decode()
    assert "Public Wi-Fi evaluation" in page and "비공개 인사 안건" not in page
    assert "4 of 5 members present; quorum 3" in page
    assert "3 for, 1 against, 0 abstaining" in page


@pytest.mark.parametrize("language", ["ko", "en"])
@pytest.mark.parametrize(
    "page", ["committee_list", "committee_detail", "committee_meetings", "meeting_detail", "committee_draws"]
)
def test_query_counts_do_not_grow_with_the_data(client, django_assert_max_num_queries, page, language):
    def url(committee):
        if page == "committee_list":
            return path(page, language=language)
        if page == "meeting_detail":
            return path(page, committee.meetings.order_by("number").first().pk, language=language)
        return path(page, committee.slug, language=language)

    small = make_committee("small")
    populate(small, 2, 1)
    few = count_queries(client, django_assert_max_num_queries, url(small))

    big = make_committee("big", accepts_volunteers=True)
    populate(big, 15, 30)
    for number in range(4):
        make_committee(f"big-sub-{number}", parent=big, kind="subcommittee")
        fill(make_committee(f"other-{number}"), 3)
    many = count_queries(client, django_assert_max_num_queries, url(big))
    assert many == few
