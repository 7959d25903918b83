"""Journey 1: a new citizen signs in with their phone and the SMS code, answers the consents, and
sets their district and how they want to be notified — on a phone, on a desktop, and on a phone
without JavaScript; each page passes axe-core."""

import pytest
from playwright.sync_api import expect

from citizens.models import Citizen
from citizens.phones import normalize_mobile

pytestmark = [pytest.mark.django_db(transaction=True)]

PHONE = "010-2345-6789"


@pytest.mark.parametrize("mode", ["phone", "desktop", "phone-no-js"])
def test_a_new_citizen_signs_in_consents_and_sets_district_and_channels(journeys, sms_inbox, mode):
    journey = journeys(mode=mode)
    page = journey.page
    journey.goto("/signin/")
    expect(page.locator("h1")).to_have_text("휴대전화로 로그인")
    journey.audit()

    page.get_by_label("휴대전화 번호").fill(PHONE)
    journey.click_and_wait(page.get_by_role("button", name="인증번호 받기"))
    expect(page.locator("h1")).to_have_text("문자로 받은 인증번호를 입력하세요")
    journey.audit()

    # A wrong code first: the page says so and lets the citizen try again.
    code = sms_inbox.last_code(normalize_mobile(PHONE))
    wrong = "000000" if code != "000000" else "111111"
    page.get_by_role("textbox", name="인증번호").fill(wrong)
    journey.click_and_wait(page.get_by_role("button", name="로그인", exact=True))
    expect(page.locator(".site-field.has-error")).to_be_visible()
    assert not Citizen.objects.exists()

    page.get_by_role("textbox", name="인증번호").fill(code)
    journey.click_and_wait(page.get_by_role("button", name="로그인", exact=True))
    # A new account goes through the consents first.
    expect(page.locator("h1")).to_have_text("개인정보 수집·이용 동의")
    journey.audit()
    for box in page.locator("form input[type=checkbox]").all():
        journey.choose(box)
    journey.click_and_wait(page.get_by_role("button", name="동의 내용 저장"))

    expect(page.locator("h1")).to_have_text("내 프로필")
    journey.audit()
    page.get_by_label("생년월일").fill("1988-03-14")
    journey.choose(page.get_by_label("서울 거주"))
    page.get_by_label("자치구").select_option(label="마포구")
    journey.choose(page.get_by_label("문자와 이메일"))
    page.get_by_label("이메일 (선택)").fill("citizen@example.com")
    journey.click_and_wait(page.get_by_role("button", name="저장", exact=True))

    expect(page.locator("h1")).to_have_text("마이 서울")
    journey.audit()
    citizen = Citizen.objects.get()
    assert citizen.district.name_ko == "마포구"
    assert citizen.notify_by == Citizen.NotifyBy.BOTH
    assert citizen.email == "citizen@example.com"
    assert citizen.profile_completed_at is not None
    expect(page.locator(".me-profile")).to_contain_text("마포구")
    journey.finish()
