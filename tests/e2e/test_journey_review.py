"""Journey 6: a committee member opens their review queue, reviews an item, and sees the other
members' reviews only afterwards — on a phone, on a desktop, and on a phone without JavaScript.
The item was put on the agenda earlier, and another member has already reviewed it (services)."""

import re

import pytest
from playwright.sync_api import expect

from governance.models import Membership, Review
from governance.services.agenda import agenda_item_create
from governance.services.reviews import review_submit
from tests.budgeting.conftest import make_member, official  # noqa: F401 -- fixtures

from .journey import consented

pytestmark = [pytest.mark.django_db(transaction=True)]

ITEM = "경로당 스마트 건강관리 사업"
OTHERS_OPINION = "측정기 관리 인력 계획이 더 필요합니다."
MY_OPINION = "어르신 건강 관리에 꼭 필요한 사업입니다."



@pytest.mark.parametrize("mode", ["phone", "desktop", "phone-no-js"])
def test_a_member_sees_the_others_reviews_only_after_submitting_their_own(
    journeys, mode, committee, make_member, official  # noqa: F811
):
    welfare = committee.subcommittees.get(slug="pb-welfare")
    me = consented(make_member(welfare))
    other = consented(make_member(welfare))
    item = agenda_item_create(
        actor=official, committee=welfare, title_ko=ITEM, description_ko="구립 경로당 30곳에 건강 측정기를 둡니다.",
        asks_score=True, score_min=0, score_max=100,
    )
    review_submit(actor=other, item=item, recommendation="revise", score=60, opinion=OTHERS_OPINION)
    other_name = Membership.objects.get(person=other).public_name

    journey = journeys(mode=mode, user=me)
    page = journey.page
    main = page.locator("#main-content")
    # The way in: "My Seoul" says what waits and links to the workspace.
    journey.goto("/me/")
    panel = page.get_by_role("region", name="위원회 심의")
    expect(panel).to_contain_text("검토를 기다리는 안건이 1건 있습니다.")
    journey.audit()
    journey.click_and_wait(panel.get_by_role("link", name="위원 심의 공간 열기"))
    expect(page.locator("h1")).to_have_text("위원 심의 공간")
    journey.audit()
    row = main.get_by_role("row").filter(has=page.get_by_role("link", name=ITEM))
    expect(row).to_contain_text("검토 필요")
    journey.click_and_wait(row.get_by_role("link", name=ITEM))

    # Before their own review: the page says the others' come afterwards, and shows none of them.
    expect(page.locator("h1")).to_have_text(ITEM)
    journey.audit()
    expect(main).to_contain_text(
        "다른 위원의 검토 의견은 본인의 의견을 제출한 뒤, 또는 마감 시한이 지난 뒤에 볼 수 있습니다."
    )
    expect(main).not_to_contain_text(OTHERS_OPINION)
    expect(main.get_by_role("heading", name="다른 위원의 검토 의견")).to_have_count(0)
    expect(page.get_by_role("article", name=f"{other_name} 위원의 검토 의견")).to_have_count(0)

    journey.choose(page.get_by_label("찬성", exact=True))
    page.get_by_label("점수").fill("90")
    page.get_by_label(re.compile(r"^의견")).fill(MY_OPINION)
    submit = page.get_by_role("button", name="검토 의견 제출")
    if journey.javascript:  # htmx swaps the review section in place
        submit.click()
    else:
        journey.click_and_wait(submit)
    expect(page.get_by_text("검토 의견을 저장했습니다. 마감 시한까지 수정할 수 있습니다.")).to_be_visible()
    mine = Review.objects.get(item=item, membership__person=me)
    assert (mine.recommendation, mine.score, mine.opinion) == ("approve", 90, MY_OPINION)

    # Now the other member's review is there, with the tally of both.
    expect(main.get_by_role("heading", name="다른 위원의 검토 의견")).to_be_visible()
    others = page.get_by_role("article", name=f"{other_name} 위원의 검토 의견")
    expect(others).to_contain_text(OTHERS_OPINION)
    expect(others).to_contain_text("60점")
    expect(main).not_to_contain_text("다른 위원의 검토 의견은 본인의 의견을 제출한 뒤")
    journey.audit(force=True)

    # Back in the queue (the link under the item: on a phone the breadcrumb shows only home and this
    # page), the item is marked as reviewed.
    journey.click_and_wait(main.locator(".site-back").get_by_role("link", name="위원 심의 공간"))
    expect(page.locator("h1")).to_have_text("위원 심의 공간")
    row = main.get_by_role("row").filter(has=page.get_by_role("link", name=ITEM))
    expect(row).to_contain_text("제출 완료")
    expect(row.get_by_role("cell").last).to_have_text("2")  # both members have reviewed
    journey.finish()
