"""A poll's page: what it shows, the vote form or the reason why not, who sees polls that are
not public, and its query count."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from voting.models import Poll
from voting.services import (
    ballot_cast,
    poll_close,
    poll_close_early,
    poll_hide,
    poll_reject,
    reflection_record,
)
from voting.views.access import grant_poll_access

from .conftest import image_bytes, url

pytestmark = pytest.mark.django_db


def detail(client, poll):
    return client.get(url("detail", poll))


def vote_section(page):
    return page[page.index('id="vote"') :]


def test_the_page_shows_the_poll(client, make_poll):
    poll = make_poll(
        title="심야 버스 노선",
        description="첫 줄\n둘째 줄 https://news.seoul.go.kr 참고",
        options=[{"label": "확대", "description": "노선을 두 배로"}, {"label": "유지"}],
        audience_districts=["11680", "11110"],
        audience_min_age=19,
        audience_max_age=39,
    )
    response = detail(client, poll)
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1" in page and "심야 버스 노선" in page
    assert "첫 줄<br>둘째 줄" in page
    assert '<a href="https://news.seoul.go.kr" rel="nofollow">https://news.seoul.go.kr</a>' in page
    assert "확대" in page and "노선을 두 배로" in page and "유지" in page
    assert "Policy vote" in page and "Asked by the city: Smart City" in page
    assert "Gangnam-gu" in page and "Jongno-gu" in page and "Aged 19 to 39." in page
    assert "Choose one option." in page and "Shown while voting runs." in page
    for name in ("results", "ledger", "verify"):
        assert url(name, poll) in page
    assert "css/voting.css" in page


def test_citizen_text_is_escaped(client, make_poll):
    poll = make_poll(
        title="<b>굵게</b>", description="<script>alert(1)</script>",
        options=[{"label": "<img src=x onerror=alert(1)>"}, {"label": "보통"}],
    )
    page = detail(client, poll).content.decode()
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img src=x" not in page and "<b>굵게" not in page


def test_option_images_are_shown_with_their_description(client, make_poll):
    from seoul_portal.images import prepare_image

    image = prepare_image(SimpleUploadedFile("a.png", image_bytes(), content_type="image/png"))
    poll = make_poll(options=[{"label": "분수대", "image": image, "image_alt": "광장 분수대 사진"}, {"label": "잔디밭"}])
    page = detail(client, poll).content.decode()
    src = url("option_image", poll, 1)
    assert f'src="{src}" alt="광장 분수대 사진"' in page
    image_response = client.get(src)
    assert image_response.status_code == 200 and image_response["Content-Type"] == "image/png"
    assert image_response["X-Content-Type-Options"] == "nosniff"
    assert client.get(url("option_image", poll, 2)).status_code == 404  # no image
    assert client.get(url("option_image", poll, 9)).status_code == 404  # no such option


def test_a_visitor_is_told_to_sign_in_and_comes_back_here(client, open_poll):
    section = vote_section(detail(client, open_poll).content.decode())
    assert "Sign in with your phone to vote." in section
    assert f'href="{reverse("citizens:signin")}?next=/en/votes/{open_poll.pk}/"' in section
    assert url("cast", open_poll) not in section


def test_a_voter_gets_the_form_with_the_warning_above_the_button(client, sign_in, voter, open_poll):
    section = vote_section(sign_in(voter).get(url("detail", open_poll)).content.decode())
    form = section[section.index("<form") : section.index("</form>")]
    assert f'method="post" action="{url("cast", open_poll)}"' in form
    assert 'name="csrfmiddlewaretoken"' in form
    assert form.count('type="radio" name="choices"') == 3
    warning = form.index("A vote cannot be changed once cast.")
    assert warning < form.index('<button type="submit"')


def test_multiple_choice_has_checkboxes(client, sign_in, voter, make_poll):
    poll = make_poll(question_type="multiple", max_choices=2)
    page = sign_in(voter).get(url("detail", poll)).content.decode()
    assert page.count('type="checkbox" name="choices"') == 3
    assert "Choose up to 2 options." in page


def test_ranked_choice_has_one_select_per_rank(client, sign_in, voter, make_poll):
    poll = make_poll(
        question_type="ranked", max_choices=2,
        options=[{"label": "가"}, {"label": "나"}, {"label": "다"}],
    )
    page = sign_in(voter).get(url("detail", poll)).content.decode()
    assert '<select name="rank_1"' in page and '<select name="rank_2"' in page
    assert 'name="rank_3"' not in page
    assert page.count('<option value="3">3. 다</option>') == 2
    assert "Rank up to 2 options, your favourite first." in page


@pytest.mark.parametrize(
    ("who", "message"),
    [
        ("unverified", "Only citizens with a verified phone number can vote."),
        ("elsewhere", "This poll is only for residents of the districts it targets."),
        ("no_district", "This poll is for residents of some districts: add your district to your profile."),
        ("too_old", "This poll is only for the age range it targets."),
        ("no_birth_date", "This poll is for an age range: add your birth date to your profile."),
    ],
)
def test_why_someone_cannot_vote(client, sign_in, participant, make_poll, who, message):
    poll = make_poll(audience_districts=["11680"], audience_min_age=20, audience_max_age=40)
    citizen = {
        "unverified": lambda: participant(verified=False),
        "elsewhere": lambda: participant(district="11110"),
        "no_district": lambda: participant(district=None),
        "too_old": lambda: participant(birth_date=date(1950, 1, 1)),
        "no_birth_date": lambda: participant(birth_date=None),
    }[who]()
    section = vote_section(sign_in(citizen).get(url("detail", poll)).content.decode())
    assert message in section
    assert url("cast", poll) not in section
    if who in ("no_district", "no_birth_date"):
        assert f'{reverse("citizens:profile")}?next=/en/votes/{poll.pk}/' in section


def test_an_upcoming_poll_says_when_it_opens(client, sign_in, voter, make_poll, now):
    poll = make_poll(opens_at=now + timedelta(days=1), closes_at=now + timedelta(days=3))
    assert poll.status == Poll.Status.SCHEDULED
    page = sign_in(voter).get(url("detail", poll)).content.decode()
    assert "Voting has not opened yet." in vote_section(page)
    assert "Voting opens on" in page
    assert url("results", poll) not in page  # nothing to count yet


def test_a_closed_poll_shows_the_reason_and_the_policy_follow_up(client, make_poll, official):
    poll = poll_close_early(actor=official, poll=make_poll(), reason="선거법 검토")
    page = detail(client, poll).content.decode()
    assert "Voting has closed." in vote_section(page)
    assert "The city closed this poll early: 선거법 검토" in page
    assert "The city has not yet recorded how the result was reflected in policy." in page
    reflection_record(actor=official, poll=poll, outcome="partly", note="일부 노선 확대", link="https://news.seoul.go.kr/1")
    page = detail(client, poll).content.decode()
    assert "Partly reflected" in page and "일부 노선 확대" in page and 'href="https://news.seoul.go.kr/1"' in page


def test_a_citizen_who_voted_sees_when_and_how_to_check(client, sign_in, voter, open_poll):
    ballot_cast(citizen=voter, poll=open_poll, choices=[1])
    section = vote_section(sign_in(voter).get(url("detail", open_poll)).content.decode())
    assert "You voted in this poll on" in section and "A vote cannot be changed once cast." in section
    assert url("verify", open_poll) in section
    assert url("cast", open_poll) not in section


def test_ballots_so_far_or_the_hidden_notice(client, make_poll, make_citizen, now):
    live = make_poll()
    for _ in range(2):
        ballot_cast(citizen=make_citizen(), poll=live, choices=[1])
    assert "2 ballots cast so far." in detail(client, live).content.decode()
    hidden = make_poll(results_visibility="after_close", closes_at=now + timedelta(hours=1))
    ballot_cast(citizen=make_citizen(), poll=hidden, choices=[1])
    page = detail(client, hidden).content.decode()
    assert "The results are hidden until the poll closes" in page and "ballot cast so far" not in page
    poll_close(poll=hidden, now=hidden.closes_at)
    assert "1 ballot cast so far." in detail(client, hidden).content.decode()


def test_the_report_link_is_on_citizen_polls_only(client, open_poll, citizen_poll):
    assert url("report", citizen_poll) in detail(client, citizen_poll).content.decode()
    assert "Proposed by a citizen and screened by the city" in detail(client, citizen_poll).content.decode()
    assert url("report", open_poll) not in detail(client, open_poll).content.decode()


def test_unpublished_polls_are_seen_only_by_their_proposer_and_staff(client, sign_in, make_poll, proposer, voter,
                                                                      official, screener):
    pending = make_poll(kind="citizen", proposer=proposer, publish=False, title="심사 대기 투표")
    draft = make_poll(publish=False, title="초안")
    assert detail(client, pending).status_code == 404
    sign_in(voter)
    assert detail(client, pending).status_code == 404
    assert detail(client, draft).status_code == 404
    sign_in(proposer)
    page = detail(client, pending).content.decode()
    assert "Your poll is awaiting the city's screening." in page and "심사 대기 투표" in page
    assert url("cast", pending) not in page
    assert detail(client, draft).status_code == 404
    sign_in(official)  # of the draft's unit: not a screener of citizens' polls
    assert detail(client, pending).status_code == 404
    assert "This policy vote is a draft" in detail(client, draft).content.decode()
    sign_in(screener)
    assert "awaiting the city's screening" in detail(client, pending).content.decode()


def test_a_rejected_poll_shows_its_proposer_the_reason(client, sign_in, make_poll, proposer, official):
    poll = poll_reject(actor=official, poll=make_poll(kind="citizen", proposer=proposer, publish=False), reason="상업 광고")
    sign_in(proposer)
    page = detail(client, poll).content.decode()
    assert "The city did not approve this poll. Reason: 상업 광고" in page
    assert url("propose") in page


def test_a_hidden_poll_shows_others_the_notice_only(client, sign_in, citizen_poll, proposer, official, voter):
    poll_hide(actor=official, poll=citizen_poll, reason="욕설이 포함됨")
    response = detail(client, citizen_poll)
    assert response.status_code == 403
    page = response.content.decode()
    assert "This poll has been hidden by the city. Reason: 욕설이 포함됨" in page
    assert citizen_poll.title not in page
    sign_in(voter)
    assert detail(client, citizen_poll).status_code == 403
    sign_in(proposer)
    page = detail(client, citizen_poll).content.decode()
    assert citizen_poll.title in page and "only you and the city's staff see it" in page


def test_a_private_room_needs_its_code(client, sign_in, room_poll, voter):
    response = detail(client, room_poll)
    assert response.status_code == 403
    page = response.content.decode()
    assert "This is a private room: enter its room code to vote." in page
    assert room_poll.title not in page and room_poll.room_code not in page
    assert f'action="{url("room")}"' in page
    sign_in(voter)
    session = client.session
    session["voting_access"] = [room_poll.pk]
    session.save()
    page = detail(client, room_poll).content.decode()
    assert room_poll.title in page and url("cast", room_poll) in page
    assert room_poll.room_code not in page  # the code is the organisers'


def test_organisers_see_the_room_code_and_the_qr_link(client, sign_in, room_poll, onsite_poll, proposer):
    sign_in(proposer)
    assert room_poll.room_code in detail(client, room_poll).content.decode()
    assert url("qr", onsite_poll) in detail(client, onsite_poll).content.decode()


def test_an_onsite_poll_needs_the_qr_code(client, onsite_poll):
    response = detail(client, onsite_poll)
    assert response.status_code == 403
    page = response.content.decode()
    assert "This poll is for an on-site event: scan the QR code shown there." in page
    assert onsite_poll.title not in page


def test_an_unknown_poll_is_404(client):
    assert client.get(reverse("voting:detail", args=[999999])).status_code == 404


def test_the_detail_in_korean_at_the_root(client, open_poll):
    with translation.override("ko"):
        address = reverse("voting:detail", args=[open_poll.pk])
    assert address == f"/votes/{open_poll.pk}/"
    page = client.get(address).content.decode()
    assert '<html lang="ko"' in page and open_poll.title in page
    assert f'href="/votes/{open_poll.pk}/results/"' in page


def test_the_page_costs_the_same_queries_whatever_the_poll_holds(client, sign_in, voter, make_poll, make_citizen,
                                                                 official):
    def count(poll):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url("detail", poll)).status_code == 200
        return len(queries)

    sign_in(voter)
    small = make_poll(options=[{"label": "예"}, {"label": "아니오"}])
    large = make_poll(
        options=[{"label": f"선택지 {n}", "description": "설명"} for n in range(10)],
        audience_districts=["11680", "11110", "11140", "11170"],
    )
    for _ in range(15):
        ballot_cast(citizen=make_citizen(), poll=large, choices=[3])
    ballot_cast(citizen=voter, poll=large, choices=[2])
    assert count(large) == count(small)
    closed_small = poll_close_early(actor=official, poll=make_poll(), reason="사유")
    closed_large = poll_close_early(actor=official, poll=large, reason="사유")
    reflection_record(actor=official, poll=closed_large, outcome="reflected", note="반영")
    assert count(closed_large) == count(closed_small)


def test_a_granted_room_poll_costs_no_more_queries(client, sign_in, voter, room_poll, open_poll, rf):
    sign_in(voter)
    request = rf.get("/")
    request.session = client.session
    grant_poll_access(request, room_poll)
    request.session.save()
    with CaptureQueriesContext(connection) as public:
        client.get(url("detail", open_poll))
    with CaptureQueriesContext(connection) as room:
        client.get(url("detail", room_poll))
    assert len(room) == len(public)


def test_option_images_follow_the_poll_s_visibility(client, sign_in, make_poll, proposer, official, voter):
    from seoul_portal.images import prepare_image

    def with_image(**fields):
        image = prepare_image(SimpleUploadedFile("a.png", image_bytes(), content_type="image/png"))
        return make_poll(kind="citizen", proposer=proposer, options=[{"label": "가", "image": image, "image_alt": "그림"},
                                                                      {"label": "나"}], **fields)

    room = with_image(access=Poll.Access.ROOM)
    hidden = with_image()
    poll_hide(actor=official, poll=hidden, reason="사유")
    sign_in(voter)
    assert client.get(url("option_image", room, 1)).status_code == 404
    assert client.get(url("option_image", hidden, 1)).status_code == 404
    sign_in(proposer)
    for poll in (room, hidden):
        response = client.get(url("option_image", poll, 1))
        assert response.status_code == 200 and response["Cache-Control"] == "private, no-cache"
