"""Keyboard and text size: the skip link works, focus is always visible, journey 1 completes with
the keyboard alone, and the journeys' pages survive text at 200 % (WCAG 2.4.1, 2.4.7, 2.1.1, 1.4.4)."""

import pytest
from playwright.sync_api import expect

from citizens.models import Citizen
from citizens.phones import normalize_mobile

from .journey import consented
from .keyboard import by_name, by_text, choose_option, tab_to

pytestmark = [pytest.mark.django_db(transaction=True)]

PHONE = "010-3456-7890"

def test_the_skip_link_leads_to_the_content(journeys):
    journey = journeys(mode="desktop")
    page = journey.page
    journey.goto("/signin/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="본문 바로가기")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("#main-content")).to_be_focused()
    # The next Tab is inside the content, not back in the header.
    page.keyboard.press("Tab")
    assert page.evaluate("document.querySelector('#main-content').contains(document.activeElement)")
    journey.finish()


@pytest.mark.parametrize("mode", ["phone", "desktop"])
def test_journey_1_with_the_keyboard_alone(journeys, sms_inbox, mode):
    journey = journeys(mode=mode)
    page = journey.page
    journey.goto("/signin/")
    # At rest the field's border is 1px: the 2px one is the focus indicator.
    assert page.locator("#id_phone").evaluate("element => getComputedStyle(element).borderTopWidth") == "1px"
    tab_to(page, by_name("phone"))
    page.keyboard.type(PHONE)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("문자로 받은 인증번호를 입력하세요")

    tab_to(page, by_name("code"))
    page.keyboard.type(sms_inbox.last_code(normalize_mobile(PHONE)))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("개인정보 수집·이용 동의")

    boxes = page.locator("form input[type=checkbox]")
    names = [boxes.nth(index).get_attribute("name") for index in range(boxes.count())]
    for name in names:
        tab_to(page, by_name(name))
        page.keyboard.press("Space")
    assert all(boxes.nth(index).is_checked() for index in range(boxes.count()))
    tab_to(page, by_text("동의 내용 저장"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("내 프로필")

    tab_to(page, by_name("birth_date"))
    page.keyboard.type("03141988" if page.locator("#id_birth_date").get_attribute("type") == "date" else "1988-03-14")
    tab_to(page, by_name("residence_basis"))
    page.keyboard.press("Space")  # the first choice: lives in Seoul
    tab_to(page, by_name("district"))
    choose_option(page, "id_district", "마포구")
    tab_to(page, by_name("notify_by"))
    page.keyboard.press("Space")  # the first choice: SMS
    tab_to(page, by_text("저장"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    errors = page.locator(".site-field.has-error").all_inner_texts()
    assert not errors, errors
    expect(page.locator("h1")).to_have_text("마이 서울")

    citizen = Citizen.objects.get()
    assert str(citizen.birth_date) == "1988-03-14"
    assert citizen.residence_basis == Citizen.ResidenceBasis.LIVES
    assert citizen.district.name_ko == "마포구"
    assert citizen.notify_by == Citizen.NotifyBy.SMS
    journey.finish()


ZOOM_PAGES = ["/", "/signin/", "/proposals/", "/proposals/new/", "/votes/", "/budgeting/", "/complaints/",
              "/complaints/new/", "/complaints/track/", "/me/profile/"]  # fmt: skip

# Text at 200 %: the root font size doubled, as a browser's text-size setting does (KRDS sizes
# everything in rem). Then nothing may need side scrolling and no text may be cut off.
DOUBLE_TEXT = """() => {
  const root = document.documentElement;
  const before = parseFloat(getComputedStyle(root).fontSize);
  root.style.fontSize = (before * 2) + "px";
  return [before, parseFloat(getComputedStyle(root).fontSize)];
}"""
CLIPPED_TEXT = """() => {
  const clipped = [];
  for (const element of document.querySelectorAll("main h1, main h2, main h3, main p, main label, main legend, main a, main button, header a, header button")) {
    const style = getComputedStyle(element);
    const box = element.getBoundingClientRect();
    // (Headings for screen readers only are 1px and clipped on purpose.)
    if (box.width <= 1 || box.height <= 1 || style.visibility === "hidden") continue;
    const hides = ["hidden", "clip"].includes(style.overflowX) || ["hidden", "clip"].includes(style.overflowY);
    if (hides && (element.scrollWidth > element.clientWidth + 1 || element.scrollHeight > element.clientHeight + 1)
        && style.textOverflow !== "ellipsis") {
      clipped.push(element.tagName.toLowerCase() + ": " + element.innerText.trim().slice(0, 40));
    }
  }
  return clipped;
}"""


@pytest.mark.parametrize("mode", ["phone", "desktop"])
def test_text_at_200_percent_loses_nothing(journeys, make_citizen, mode):
    journey = journeys(mode=mode, user=consented(make_citizen()))
    page = journey.page
    problems = []
    for path in ZOOM_PAGES:
        journey.goto(path)
        before, after = page.evaluate(DOUBLE_TEXT)
        assert after == 2 * before
        page.wait_for_timeout(50)  # one layout
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 1:
            problems.append(f"{path}: {overflow}px of side scrolling at 200 % text")
        problems += [f"{path}: cut off: {item}" for item in page.evaluate(CLIPPED_TEXT)]
    assert not problems, "\n".join(problems)
    journey.finish()
