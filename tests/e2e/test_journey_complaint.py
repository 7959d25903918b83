"""Journey 5: a citizen files a complaint with a photo and a map pin, gets its tracking number by
SMS, tracks it as a guest, an official answers it in the back office, and the citizen rates the
answer and asks for an additional one — on a phone, on a desktop, and on a phone without
JavaScript, where the map gives way to the address field (journey 8); each page passes axe-core.

The map draws the district boundaries from this site (complaints:boundaries) and tiles only when
MAP_TILE_URL names a tile server: the journey sets none, so it never waits on the internet. A tap
on the map fills the form's hidden latitude and longitude fields (static/complaints/map.js)."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from PIL import Image
from playwright.sync_api import expect

from citizens.backends import PASSWORD_BACKEND
from citizens.phones import normalize_mobile
from complaints.models import Complaint, ComplaintEvent, ComplaintPhoto, Satisfaction
from governance.models import OrgAssignment

# The channel's own fixtures: the road unit and its pothole category; a citizen who signed in,
# consented and completed their profile.
from tests.citizens.conftest import make_citizen  # noqa: F401 -- a fixture, found by name
from tests.complaints.conftest import CITY_HALL, pothole, roads  # noqa: F401 -- fixtures, found by name
from tests.complaints.web.test_browser import SCREEN_POINT

pytestmark = [pytest.mark.django_db(transaction=True)]

PHONE = "010-2222-3333"
ADDRESS = "세종대로 110 서울시청 앞"
ANSWER = "보도블록 교체 공사를 마쳤습니다. 불편을 드려 죄송합니다."
MORE = "공사 후에도 3번 출구 옆 블록이 흔들립니다. 그 부분의 보수 일정도 알려 주세요."



@pytest.fixture(autouse=True)
def offline_map_fresh_limits_and_media(settings, tmp_path):
    """No tile server (the map is the districts alone, from this site); no rate-limit counters
    left in the cache by an earlier test (the tracking page's wrong guesses); photos to a
    temporary folder."""
    settings.MAP_TILE_URL = ""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def road_official(roads):  # noqa: F811 -- the fixture imported above
    """An official of the road management division (signs in to the back office with a password)."""
    official = get_user_model().objects.create_user(email="road.official@seoul.example", password="a-long-passphrase",
                                                    name="박주무관", is_staff=True)  # fmt: skip
    OrgAssignment.objects.create(unit=roads, official=official, role=OrgAssignment.Role.MEMBER,
                                 started_on=date(2020, 1, 1))  # fmt: skip
    return official


@pytest.fixture
def photo_file(tmp_path):
    path = tmp_path / "pothole.jpg"
    Image.new("RGB", (320, 240), (120, 110, 100)).save(path, "JPEG")
    return path


def pin_city_hall(journey, *, touch):
    """Zoom in on the map and tap (or click) City Hall, as a person would."""
    page = journey.page
    canvas = page.locator(".complaints-map-canvas svg")
    # The boundaries arrived (25 districts): the map is drawn.
    expect(page.locator("path.complaints-map-district")).to_have_count(25)
    for _ in range(3):
        page.get_by_role("button", name="확대").click()
    canvas.scroll_into_view_if_needed()
    # The map's own projection gives the point on the screen; a tap is aimed within the map's box.
    x, y = page.evaluate(SCREEN_POINT, [CITY_HALL[1], CITY_HALL[0]])
    box = canvas.bounding_box()
    position = {"x": x - box["x"], "y": y - box["y"]}
    if touch:
        canvas.tap(position=position)
    else:
        canvas.click(position=position)
    expect(page.locator("[data-map-district]")).to_have_text("자치구: 중구")
    latitude, longitude = float(page.input_value("#id_latitude")), float(page.input_value("#id_longitude"))
    assert abs(latitude - CITY_HALL[0]) < 0.002 and abs(longitude - CITY_HALL[1]) < 0.002, (latitude, longitude)


def wait_until_scrolled(page):
    """KRDS scrolls smoothly to an anchor: axe measures the targets once the page stands still."""
    page.wait_for_function(
        "() => new Promise(done => { const y = scrollY;"
        " requestAnimationFrame(() => requestAnimationFrame(() => done(scrollY === y))); })"
    )


@pytest.mark.parametrize("mode", ["phone", "desktop", "phone-no-js"])
def test_a_complaint_filed_tracked_answered_rated_and_asked_again(
    journeys, sms_inbox, make_citizen, pothole, road_official, photo_file, mode  # noqa: F811 -- imported fixtures
):
    citizen = make_citizen(phone=PHONE)
    journey = journeys(mode=mode, user=citizen)
    page = journey.page

    # --- Filing: the category, the text, a photo and the place --------------------------------
    journey.goto("/complaints/")
    journey.audit()
    journey.click_and_wait(page.get_by_role("main").get_by_role("link", name="민원 신청").first)
    expect(page.locator("h1")).to_have_text("민원 신청")
    journey.audit()

    page.get_by_role("combobox", name="분야").select_option(label="도로 파손")
    if journey.javascript:
        # htmx brings the category's notice.
        expect(page.get_by_text("긴급한 위험은 119에 신고하세요.")).to_be_visible()
    page.get_by_label("제목").fill("시청 앞 보도블록 파손")
    page.get_by_label("무엇이 문제입니까?").fill("시청 앞 3번 출구 보도블록이 깨져 있어 넘어질 뻔했습니다.")
    if journey.javascript:
        expect(page.get_by_label("주소 또는 장소")).to_be_visible()
        pin_city_hall(journey, touch=mode == "phone")
    else:
        # Without JavaScript the map stays hidden and the address says where.
        expect(page.locator("figure.complaints-map")).to_be_hidden()
        page.get_by_label("주소 또는 장소").fill(ADDRESS)
    page.get_by_label("사진(선택)").set_input_files(photo_file)
    journey.choose(page.get_by_label("비공개: 신청인과 담당 공무원만 볼 수 있음"))
    journey.click_and_wait(page.get_by_role("button", name="민원 신청하기"))

    expect(page.locator("h1")).to_have_text("민원이 접수되었습니다")
    journey.audit()
    number = page.locator(".complaints-tracking-number").inner_text().strip()
    complaint = Complaint.objects.get(tracking_number=number)
    assert complaint.citizen_id == citizen.pk
    assert (complaint.category_id, complaint.unit.name_ko, complaint.status) == (pothole.pk, "도로관리과", "received")
    assert complaint.is_public is False
    if journey.javascript:
        latitude, longitude = float(complaint.latitude), float(complaint.longitude)
        assert abs(latitude - CITY_HALL[0]) < 0.002 and abs(longitude - CITY_HALL[1]) < 0.002
        assert complaint.district_id == "11140"  # Jung-gu, from the pin
    else:
        assert (complaint.latitude, complaint.longitude, complaint.address) == (None, None, ADDRESS)
    assert ComplaintPhoto.objects.filter(complaint=complaint).count() == 1
    expect(page.get_by_text("담당 부서: 도로관리과")).to_be_visible()

    # The tracking number also came by SMS.
    received = sms_inbox.messages(to=normalize_mobile(PHONE))
    assert len(received) == 1 and f"접수번호 {number}" in received[0]["body"], received
    assert f"/complaints/track/?number={number}" in received[0]["body"]

    journey.click_and_wait(page.get_by_role("link", name="민원 보기"))
    expect(page.locator("h1")).to_have_text("시청 앞 보도블록 파손")
    journey.audit()
    photo = page.get_by_role("img", name="민원 사진 1")
    expect(photo).to_be_visible()
    assert photo.evaluate("image => image.complete && image.naturalWidth") == 320

    # --- A guest tracks it with the number and the phone's last 4 digits ----------------------
    guest = journeys(mode=mode)
    guest.goto("/complaints/")
    guest.click_and_wait(guest.page.get_by_role("main").get_by_role("link", name="민원 처리 상황 조회").first)
    expect(guest.page.locator("h1")).to_have_text("민원 처리 상황 조회")
    guest.audit()
    guest.page.get_by_role("textbox", name="접수번호").fill(number)
    guest.page.get_by_label("휴대전화 번호 끝 4자리").fill("0000")
    guest.click_and_wait(guest.page.get_by_role("button", name="처리 상황 보기"))
    expect(guest.page.get_by_role("alert")).to_contain_text("맞는 민원이 없습니다")
    guest.page.get_by_label("휴대전화 번호 끝 4자리").fill(PHONE[-4:])
    guest.click_and_wait(guest.page.get_by_role("button", name="처리 상황 보기"))
    expect(guest.page.locator("h1")).to_have_text("시청 앞 보도블록 파손")
    expect(guest.page.locator(".complaints-facts")).to_contain_text("도로관리과")
    expect(guest.page.locator(".complaints-facts dd").first).to_have_text("접수")
    guest.audit()
    guest.finish()

    # --- An official of the road unit answers it in the back office ---------------------------
    official = journeys(mode="desktop", user=road_official, backend=PASSWORD_BACKEND)
    office = official.page
    official.goto("/admin/")
    official.click_and_wait(office.locator("#content-main").get_by_role("link", name="민원", exact=True))
    official.click_and_wait(office.get_by_role("link", name=number))
    official.click_and_wait(office.get_by_role("link", name="답변하기"))
    office.get_by_label("답변").fill(ANSWER)
    official.click_and_wait(office.get_by_role("button", name="답변 발송"))
    expect(office.locator(".messagelist")).to_contain_text("답변했습니다")
    official.finish()
    complaint.refresh_from_db()
    assert (complaint.status, complaint.answer, complaint.answered_by_id) == ("answered", ANSWER, road_official.pk)
    # The answer reached the citizen by SMS too, with where to rate it.
    messages = sms_inbox.messages(to=normalize_mobile(PHONE))
    assert len(messages) == 2 and f"민원 {number} 답변: {ANSWER}" in messages[1]["body"], messages

    # --- The citizen reads the answer, rates it, and asks for an additional answer ------------
    # The citizen's page of the complaint, where they left it, once more.
    page.reload()
    expect(page.locator("h2", has_text="서울시 답변")).to_be_visible()
    expect(page.locator("#answer")).to_contain_text(ANSWER)
    journey.audit(force=True)
    journey.choose(page.get_by_label("2 – 불만족"))
    page.get_by_label("의견(선택)").fill("보수 범위가 답변에 빠져 있습니다.")
    journey.click_and_wait(page.get_by_role("button", name="평가 보내기"))
    # Dissatisfied: the page thanks them and offers the request for an additional answer at once.
    expect(page.get_by_text("평가해 주셔서 감사합니다. 답변에서 빠진 내용이 있으면")).to_be_visible()
    expect(page.locator("#rating")).to_contain_text("이 답변을 5점 만점에 2점으로 평가하셨습니다.")
    rating = Satisfaction.objects.get(complaint=complaint)
    assert (rating.answer_round, rating.rating, rating.comment) == (1, 2, "보수 범위가 답변에 빠져 있습니다.")
    # The page opens at the request's form (#reopen): audited once the (smooth) scroll there is over.
    expect(page.locator("#reopen form")).to_be_in_viewport()
    if journey.javascript:
        wait_until_scrolled(page)
    journey.audit(force=True)

    page.get_by_label("답변에서 빠진 내용은 무엇입니까?").fill(MORE)
    journey.click_and_wait(page.get_by_role("button", name="추가 답변 요청", exact=True))
    expect(page.get_by_text("추가 답변 요청을 도로관리과에 보냈습니다.")).to_be_visible()
    expect(page.locator(".complaints-facts dd").first).to_have_text("추가 답변 요청")
    journey.audit(force=True)
    complaint.refresh_from_db()
    assert (complaint.status, complaint.answer_round) == ("reopened", 2)
    assert ComplaintEvent.objects.filter(complaint=complaint, move="reopen", note=MORE).count() == 1
    journey.finish()
