"""Journey 4: a citizen proposes a budget project, an official marks it feasible in the back office,
a committee member reviews it in /review/, citizens vote with the ballot's budget meter, and the
results show the funded projects — on a phone, on a desktop, and on a phone without JavaScript
(the official always works in the admin on a desktop). The calendar moves the cycle from phase to
phase (shift_to_phase, as the dates an official set earlier would)."""

import re

import pytest
from playwright.sync_api import expect

from budgeting.models import BudgetBallot, EligibilityDeclaration, Project, ProjectResult
from governance.models import AgendaItem, Review
from tests.budgeting.conftest import make_member, official, shift_to_phase  # noqa: F401 -- fixtures

from .journey import consented

pytestmark = [pytest.mark.django_db(transaction=True)]

STAFF_BACKEND = "citizens.backends.StaffEmailBackend"
TITLE = "골목길 태양광 보안등 설치"
RIVAL = "한강 공원 야외 도서관"



@pytest.fixture
def cycle_with_rival(make_cycle, city_pot, make_citizen):
    """A cycle in its proposal call whose city-wide pot holds KRW 500 m (an official set it so),
    with a rival project another citizen proposed earlier, already found feasible (KRW 300 m)."""
    cycle = make_cycle("proposal")
    pot = city_pot(cycle)
    pot.total = 500_000_000
    pot.save(update_fields=["total"])
    rival = Project.objects.create(
        cycle=cycle, pot=pot, sector=cycle.sectors.get(slug="environment"), proposer=make_citizen(), title=RIVAL,
        description="공원에 책장을 둡니다.", location="여의도 한강공원", estimated_cost=300_000_000,
        status=Project.Status.FEASIBLE, submitted_at=cycle.created_at, checked_at=cycle.created_at,
        legal_review="문제 없음", technical_review="설치 가능",
    )
    return cycle, rival


def _vote(journeys, mode, voter, cycle, picks):
    """A citizen declares where they take part and casts a ballot for `picks` (titles)."""
    journey = journeys(mode=mode, user=voter)
    page = journey.page
    main = page.locator("#main-content")
    journey.goto(f"/budgeting/{cycle.pk}/")
    journey.click_and_wait(main.get_by_role("link", name="투표", exact=True))
    expect(page.locator("h1")).to_have_text(f"투표: {cycle.title_ko}")
    journey.audit()
    # Not declared yet: the ballot says so and links to the declaration.
    journey.click_and_wait(main.get_by_role("link", name="참여 자격 신고하기"))
    expect(page.locator("h1")).to_have_text("참여 자격")
    journey.audit()
    journey.choose(page.get_by_label("서울에 살고 있습니다"))
    page.get_by_label("자치구").select_option(label="종로구")
    journey.choose(page.get_by_label("저는 공무원이 아닙니다."))
    journey.click_and_wait(page.get_by_role("button", name="신고 저장"))
    expect(page.locator("h1")).to_have_text(f"투표: {cycle.title_ko}")
    expect(page.get_by_text("자격 신고가 저장되었습니다.")).to_be_visible()
    assert EligibilityDeclaration.objects.filter(cycle=cycle, citizen=voter, district_id="11110").exists()
    journey.audit(force=True)  # the ballot itself, now with its form and meter

    meter = page.locator("#ballot-meter")
    expect(meter).to_contain_text("0개 선택")
    for count, title in enumerate(picks, start=1):
        journey.choose(page.get_by_label(title, exact=True))
        if journey.javascript:
            # The meter asks the server for the pots' new state and swaps it in place.
            expect(meter.locator(".budget-meter-pot").first).to_contain_text(f"{count}개 선택")
    before = BudgetBallot.objects.filter(cycle=cycle).count()
    cast = page.get_by_role("button", name="투표하기")
    if journey.javascript:  # htmx posts the ballot and swaps in the receipt page
        cast.click()
    else:
        journey.click_and_wait(cast)
    expect(page.locator("h1")).to_contain_text("투표가 집계되었습니다")
    journey.audit()
    assert BudgetBallot.objects.filter(cycle=cycle).count() == before + 1
    journey.finish()


@pytest.mark.parametrize("mode", ["phone", "desktop", "phone-no-js"])
def test_a_project_goes_from_proposal_through_review_and_vote_to_funding(
    journeys, mode, cycle_with_rival, make_citizen, make_member, official, committee  # noqa: F811
):
    cycle, rival = cycle_with_rival
    proposer = consented(make_citizen())
    member = consented(make_member(committee.subcommittees.get(slug="pb-welfare")))
    voters = [consented(make_citizen(district="11110")) for _ in range(2)]

    # 1. The citizen proposes a project on the cycle's page, saves the draft and submits it.
    citizen = journeys(mode=mode, user=proposer)
    page = citizen.page
    citizen.goto(f"/budgeting/{cycle.pk}/")
    expect(page.locator("h1")).to_have_text(cycle.title_ko)
    citizen.audit()
    citizen.click_and_wait(page.locator("#main-content").get_by_role("link", name="사업 제안하기"))
    expect(page.locator("h1")).to_have_text("사업 제안하기")
    citizen.audit()
    page.get_by_label("제목").fill(TITLE)
    page.get_by_label("요약 (선택)").fill("어두운 골목에 태양광 보안등을 답니다.")
    page.get_by_label(re.compile(r"^설명")).fill("밤길이 어두운 주택가 골목 200곳에 태양광 보안등을 설치합니다.")
    page.get_by_label("분야").select_option(label="복지")
    pots = page.get_by_label(re.compile(r"^예산"))
    pots.select_option(label=pots.locator("option", has_text="시 전체").inner_text().strip())
    page.get_by_label("장소 (선택)").fill("서울시 전역 주택가 골목")
    page.get_by_label("예상 사업비 (원)").fill("250,000,000")
    citizen.click_and_wait(page.get_by_role("button", name="초안 저장"))
    expect(page.locator("h1")).to_have_text(TITLE)
    expect(page.get_by_text("임시 저장했습니다. 내용을 확인한 뒤 서울시에 제출하세요.")).to_be_visible()
    citizen.audit()
    project = Project.objects.get(title=TITLE)
    assert project.status == Project.Status.DRAFT and project.proposer == proposer
    assert project.pot.district_id is None and project.estimated_cost == 250_000_000
    citizen.click_and_wait(page.get_by_role("button", name="서울시에 제출하기"))
    expect(page.get_by_text("사업을 제출했습니다. 이어서 담당 부서가 실행 가능성을 검토합니다.")).to_be_visible()
    project.refresh_from_db()
    assert project.status == Project.Status.SUBMITTED

    # 2. The feasibility check: the official records it in the back office.
    cycle = shift_to_phase(cycle, "feasibility")
    admin = journeys(mode="desktop", user=official, backend=STAFF_BACKEND)
    back = admin.page
    admin.goto("/admin/budgeting/project/")
    admin.click_and_wait(back.get_by_role("link", name=TITLE, exact=True))
    admin.click_and_wait(back.get_by_role("link", name="실행 가능성 기록"))
    back.get_by_label("실행 가능: 위원회 심의를 거쳐 투표에 오릅니다").check()
    back.get_by_label("법률적 실행 가능성").fill("도로법상 설치에 문제가 없습니다.")
    back.get_by_label("기술적 실행 가능성").fill("태양광 보안등은 기존 전주에 설치할 수 있습니다.")
    admin.click_and_wait(back.get_by_role("button", name="기록"))
    expect(back.get_by_text(f'"{TITLE}" 사업의 실행 가능성을 기록했습니다.')).to_be_visible()
    project.refresh_from_db()
    assert project.status == Project.Status.FEASIBLE and project.checked_by == official

    # 3. Deliberation: the official puts it on the welfare subcommittee's agenda ...
    cycle = shift_to_phase(cycle, "deliberation")
    admin.goto(f"/admin/budgeting/project/{project.pk}/change/")
    admin.click_and_wait(back.get_by_role("link", name="위원회에 올리기"))
    admin.click_and_wait(back.get_by_role("button", name="올리기"))
    expect(back.get_by_text(f'"{TITLE}" 사업을 위원회 안건으로 올렸습니다.')).to_be_visible()
    project.refresh_from_db()
    item = AgendaItem.objects.get(pk=project.agenda_item_id)
    assert item.committee.slug == "pb-welfare" and item.asks_score

    # ... and a member of it reviews the project in the review workspace.
    reviewer = journeys(mode=mode, user=member)
    desk = reviewer.page
    reviewer.goto("/review/")
    expect(desk.locator("h1")).to_have_text("위원 심의 공간")
    reviewer.audit()
    row = desk.get_by_role("row").filter(has=desk.get_by_role("link", name=TITLE))
    expect(row).to_contain_text("검토 필요")
    reviewer.click_and_wait(row.get_by_role("link", name=TITLE))
    expect(desk.locator("h1")).to_have_text(TITLE)
    reviewer.audit()
    reviewer.choose(desk.get_by_label("찬성", exact=True))
    desk.get_by_label("점수").fill("85")
    desk.get_by_label(re.compile(r"^의견")).fill("주민 안전에 꼭 필요한 사업입니다.")
    if reviewer.javascript:  # htmx swaps the review section in place
        desk.get_by_role("button", name="검토 의견 제출").click()
    else:
        reviewer.click_and_wait(desk.get_by_role("button", name="검토 의견 제출"))
    expect(desk.get_by_text("검토 의견을 저장했습니다. 마감 시한까지 수정할 수 있습니다.")).to_be_visible()
    reviewer.audit(force=True)
    review = Review.objects.get(item=item, membership__person=member)
    assert review.score == 85 and review.recommendation == "approve"
    reviewer.finish()

    # 4. The citizen vote: two citizens, each in their own browser, vote with the budget meter.
    cycle = shift_to_phase(cycle, "vote")
    _vote(journeys, mode, voters[0], cycle, [TITLE])
    _vote(journeys, mode, voters[1], cycle, [TITLE, RIVAL])

    # 5. The vote is over: the official counts and publishes in the back office.
    cycle = shift_to_phase(cycle, "assembly")
    admin.goto("/admin/budgeting/cycle/")
    admin.click_and_wait(back.get_by_role("link", name=cycle.title_ko, exact=True))
    admin.click_and_wait(back.get_by_role("link", name="개표하기"))
    admin.click_and_wait(back.get_by_role("button", name="집계"))
    expect(back.get_by_text(f'"{cycle.title_ko}"의 집계를 시작했습니다.')).to_be_visible()
    admin.click_and_wait(back.get_by_role("link", name="결과 공개하기"))
    admin.click_and_wait(back.get_by_role("button", name="게시"))
    expect(back.get_by_text(f'"{cycle.title_ko}"의 결과를 공개했습니다.')).to_be_visible()
    admin.finish()
    funded = ProjectResult.objects.get(project=project)
    assert funded.funded and funded.votes == 2
    # 250 m funded first; the rival's 300 m no longer fits in the 250 m left of the 500 m pot.
    assert not ProjectResult.objects.get(project=rival).funded

    # 6. The proposer reads the results: their project is funded.
    citizen.goto(f"/budgeting/{cycle.pk}/")
    citizen.click_and_wait(page.locator("#main-content").get_by_role("link", name="결과", exact=True))
    expect(page.locator("h1")).to_have_text("시민투표 결과")
    citizen.audit()
    citizen.click_and_wait(page.locator("#results-pots").get_by_role("link", name="시 전체"))
    expect(page.locator("h1")).to_have_text("결과: 시 전체")
    citizen.audit()
    projects = page.locator("#pot-projects")
    expect(projects.get_by_role("row").filter(has_text=TITLE)).to_contain_text("선정")
    expect(projects.get_by_role("row").filter(has_text=TITLE)).not_to_contain_text("미선정")
    expect(projects.get_by_role("row").filter(has_text=RIVAL)).to_contain_text("미선정")
    citizen.finish()
