"""Journeys 2 and 3 with the keyboard alone (journey 1 is in test_keyboard_and_zoom.py): a proposal
written, published and supported, and a poll voted in — Tab, Space, the arrow keys and Enter, every
stop showing its focus."""

import pytest
from playwright.sync_api import expect

from proposals.models import Proposal
from tests.citizens.conftest import make_citizen  # noqa: F401 -- a fixture, found by name
from voting.models import Ballot

from .keyboard import by_name, by_text, choose_option, press_enter_and_wait, tab_to
from .test_journey_poll import TITLE as POLL_TITLE
from .test_journey_poll import open_poll  # noqa: F401 -- a fixture, found by name
from .test_journey_proposal import BODY, TITLE, routing  # noqa: F401 -- routing: a fixture

pytestmark = [pytest.mark.django_db(transaction=True)]


def test_journey_2_with_the_keyboard_alone(journeys, routing, make_citizen):  # noqa: F811
    proposer = make_citizen(phone="010-3222-4001")
    supporter = make_citizen(phone="010-3222-4002")
    journey = journeys(mode="desktop", user=proposer)
    page = journey.page
    journey.goto("/proposals/")
    tab_to(page, by_text("제안하기"))
    press_enter_and_wait(page)
    expect(page.locator("h1")).to_have_text("제안하기")

    tab_to(page, by_name("title"))
    page.keyboard.type(TITLE)
    tab_to(page, by_name("body"))
    page.keyboard.type(BODY)
    tab_to(page, by_name("category"))
    choose_option(page, "id_category", "교통")
    tab_to(page, by_text("초안 저장"))
    press_enter_and_wait(page)
    expect(page.locator("h1")).to_have_text(TITLE)

    tab_to(page, by_text("게시하기…"))
    press_enter_and_wait(page)
    expect(page.locator("h1")).to_have_text("제안 게시하기")
    tab_to(page, by_text("제안 게시"))
    press_enter_and_wait(page)
    expect(page.get_by_text("제안을 게시했습니다.")).to_be_visible()
    proposal = Proposal.objects.get()
    assert proposal.status == Proposal.Status.OPEN and proposal.body == BODY

    # A supporter finds it in the list and supports it (htmx swaps the box in place).
    second = journeys(mode="desktop", user=supporter)
    other = second.page
    second.goto("/proposals/")
    tab_to(other, by_text(TITLE))
    press_enter_and_wait(other)
    tab_to(other, by_text("공감하기"))
    other.keyboard.press("Enter")
    expect(other.get_by_text("공감해 주셔서 감사합니다.")).to_be_visible()
    assert proposal.supports.filter(citizen=supporter, withdrawn_at__isnull=True).count() == 1
    journey.finish()
    second.finish()


def test_journey_3_with_the_keyboard_alone(journeys, open_poll, make_citizen):  # noqa: F811
    voter = make_citizen(phone="010-3222-4003")
    journey = journeys(mode="desktop", user=voter)
    page = journey.page
    journey.goto("/votes/")
    tab_to(page, by_text(POLL_TITLE))
    press_enter_and_wait(page)
    expect(page.locator("h1")).to_have_text(POLL_TITLE)

    # Into the options: Tab reaches the first, the arrow key moves to the second and picks it.
    tab_to(page, lambda state: state["tag"] == "input" and state["type"] == "radio")
    page.keyboard.press("ArrowDown")
    expect(page.get_by_role("radio", name="반대")).to_be_checked()
    tab_to(page, by_text("투표하기"))
    page.keyboard.press("Enter")  # htmx posts it and swaps in the receipt
    expect(page.locator("h1")).to_contain_text("투표가 집계되었습니다")
    assert list(Ballot.objects.filter(poll=open_poll).values_list("choices", flat=True)) == [[2]]
    journey.finish()
