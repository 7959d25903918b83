"""Journey 2: a signed-in citizen writes a proposal (a draft, read through, then published); two other
citizens find it in the list and support it; the support window closes with enough supports (the
threshold lowered for the test) and the proposal goes to department review; an official of the unit
it is routed to answers it in the admin; the proposer finds the answer on the proposal's page, and
the SMS file holds the stage messages — on a phone, on a desktop, and on a phone without JavaScript."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from citizens.phones import normalize_mobile
from governance.models import OrgAssignment, OrgUnit
from proposals.models import Category, Proposal, StageChange
from proposals.services import proposal_advance
from tests.citizens.conftest import make_citizen  # noqa: F401 -- a fixture, found by name

pytestmark = [pytest.mark.django_db(transaction=True)]

PROPOSER_PHONE = "010-3111-2001"
SUPPORTER_PHONES = ["010-3111-2002", "010-3111-2003"]
TITLE = "심야 버스 노선을 강남까지 늘려 주세요"
BODY = "자정 이후 강남 방면 버스가 부족합니다.\n심야 버스 노선을 하나 더 만들어 주세요."
REASON = "심야 이동 수요 조사에서 강남 방면 수요가 확인되었습니다."
# The body's label: "제안" and the required marker ("*", then "(필수)" for screen readers).
BODY_LABEL = re.compile(r"^제안\s*\(필수\)$")
PLAN = "2026년 하반기에 강남 방면 심야 버스 노선 1개를 신설합니다."


@pytest.fixture
def routing(db):
    """What officials set up before any citizen writes: the unit, the category routed to it, and an
    official serving in that unit today."""
    from citizens.models import Citizen

    unit = OrgUnit.objects.create(code="transport", kind=OrgUnit.Kind.BUREAU, name_ko="교통실", name_en="Transport")
    category = Category.objects.create(slug="transport", name_ko="교통", name_en="Transport", default_unit=unit)
    official = Citizen.objects.create_user(email="bus.official@seoul.example", is_staff=True)
    OrgAssignment.objects.create(unit=unit, official=official, started_on=date(2020, 1, 1))
    return unit, category, official


def write_and_publish(journey):
    """The proposer: the list → 제안하기 → the form → the draft → 게시하기… → published."""
    page = journey.page
    journey.goto("/proposals/")
    expect(page.locator("h1")).to_have_text("민주주의 서울")
    journey.audit()
    journey.click_and_wait(page.get_by_role("link", name="제안하기").first)
    expect(page.locator("h1")).to_have_text("제안하기")
    journey.audit()

    # Saved without a title first: the form says what is missing and keeps what was typed.
    page.get_by_role("textbox", name=BODY_LABEL).fill(BODY)
    journey.click_and_wait(page.get_by_role("button", name="초안 저장"))
    expect(page.locator(".site-field.has-error")).to_have_count(2)  # the title and the category
    assert not Proposal.objects.exists()
    expect(page.get_by_role("textbox", name=BODY_LABEL)).to_have_value(BODY)

    page.get_by_label("제목").fill(TITLE)
    page.get_by_label("분야").select_option(label="교통")
    page.get_by_label("대상 지역").select_option(label="강남구")
    journey.click_and_wait(page.get_by_role("button", name="초안 저장"))

    expect(page.locator("h1")).to_have_text(TITLE)
    expect(page.get_by_text("초안을 저장했습니다. 내용을 확인하신 뒤 게시해 주세요.")).to_be_visible()
    expect(page.get_by_role("heading", name="작성 중인 제안")).to_be_visible()
    journey.audit()
    draft = Proposal.objects.get()
    assert draft.status == Proposal.Status.DRAFT and draft.title == TITLE and draft.district.name_ko == "강남구"

    journey.click_and_wait(page.get_by_role("link", name="게시하기…"))
    expect(page.locator("h1")).to_have_text("제안 게시하기")
    journey.audit()
    journey.click_and_wait(page.get_by_role("button", name="제안 게시"))

    expect(page.locator("h1")).to_have_text(TITLE)
    expect(page.get_by_text("제안을 게시했습니다.")).to_be_visible()
    expect(page.locator(".proposal-card-meta")).to_contain_text("공감 모집 중")
    journey.audit()
    proposal = Proposal.objects.get()
    assert proposal.status == Proposal.Status.OPEN
    return proposal


def support(journey, proposal):
    """A supporter: the list → the proposal → 공감하기 (htmx swaps the box; without script the page reloads)."""
    page = journey.page
    journey.goto("/proposals/")
    journey.click_and_wait(page.get_by_role("link", name=TITLE))
    expect(page.locator("h1")).to_have_text(TITLE)
    journey.audit()
    box = page.locator("#support")
    count_before = proposal.supports.filter(withdrawn_at__isnull=True).count()
    button = box.get_by_role("button", name="공감하기")
    if journey.javascript:
        button.click()
    else:
        journey.click_and_wait(button)
    # The thanks and the receipt: in the swapped box, or (without script) in the message on the page it reloads.
    expect(page.get_by_text("공감해 주셔서 감사합니다.")).to_be_visible()
    receipt = box.locator(".proposal-receipt-code")
    expect(receipt).to_be_visible()
    expect(box.locator(".proposal-support-count strong")).to_have_text(str(count_before + 1))
    journey.audit(force=True)  # the box after the support, as it was swapped in
    assert proposal.supports.filter(withdrawn_at__isnull=True).count() == count_before + 1
    assert proposal.supports.filter(receipt=receipt.inner_text().strip()).exists()


def answer_in_admin(journey, proposal):
    """The official: the admin's list of proposals → the proposal → 제안에 답변하기 → the form."""
    page = journey.page
    journey.goto("/admin/")
    journey.click_and_wait(page.locator("#content-main").get_by_role("link", name="제안", exact=True))
    journey.click_and_wait(page.locator("#result_list").get_by_role("link", name=TITLE))
    journey.click_and_wait(page.get_by_role("link", name="제안에 답변하기"))
    # Publishing without a plan is refused: an accepted proposal needs one.
    page.get_by_role("radio", name="수용", exact=True).check()
    page.get_by_label("사유").fill(REASON)
    journey.click_and_wait(page.get_by_role("button", name="답변 공개하기"))
    expect(page.locator(".field-plan .errorlist")).to_have_text("수용 답변에는 추진 계획이 필요합니다.")
    assert Proposal.objects.get(pk=proposal.pk).status == Proposal.Status.UNDER_REVIEW

    page.get_by_label("추진 계획").fill(PLAN)
    journey.click_and_wait(page.get_by_role("button", name="답변 공개하기"))
    expect(page.locator(".messagelist")).to_contain_text(f'"{TITLE}" 제안에 대한 답변을 공개했습니다.')


@pytest.mark.parametrize("mode", ["phone", "desktop", "phone-no-js"])
def test_a_proposal_gathers_support_reaches_review_and_is_answered(
    journeys,
    sms_inbox,
    make_citizen,  # noqa: F811 -- tests.citizens' fixture, imported above (the e2e conftest has budgeting's)
    routing,
    settings,
    mode,
):
    settings.PROPOSALS_REVIEW_THRESHOLD = 2
    unit, _category, official = routing
    proposer = make_citizen(phone=PROPOSER_PHONE)
    supporters = [make_citizen(phone=phone) for phone in SUPPORTER_PHONES]

    proposer_journey = journeys(mode=mode, user=proposer)
    proposal = write_and_publish(proposer_journey)
    # One support short of the lowered threshold, the proposer's page says how many more are needed.
    for number, supporter in enumerate(supporters):
        supporter_journey = journeys(mode=mode, user=supporter)
        support(supporter_journey, proposal)
        supporter_journey.finish()
        if number == 0:
            proposer_journey.goto(f"/proposals/{proposal.pk}/")
            expect(proposer_journey.page.locator(".proposal-progress")).to_contain_text(
                "기간 안에 공감이 1개 더 모이면 담당 부서가 답변해야 합니다(공감 2개)."
            )
    proposal.refresh_from_db()
    assert proposal.support_count == 2

    # The 30 days pass: the periodic advance closes the window, and two supports reach review.
    report = proposal_advance(now=proposal.window_closes_at)
    assert report.to_review == [proposal.pk]
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.UNDER_REVIEW and proposal.assigned_unit == unit

    proposer_journey.goto(f"/proposals/{proposal.pk}/")
    page = proposer_journey.page
    expect(page.locator(".proposal-card-meta")).to_contain_text("부서 검토 중")
    expect(page.locator("#answer")).to_contain_text("공감이 충분히 모여 교통실에서")
    proposer_journey.audit(force=True)

    official_journey = journeys(mode="desktop", user=official, backend="citizens.backends.StaffEmailBackend")
    answer_in_admin(official_journey, proposal)
    official_journey.finish()
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.ANSWERED
    assert proposal.answer_type == Proposal.AnswerType.ACCEPTED and proposal.answered_by == official
    assert list(StageChange.objects.filter(proposal=proposal).order_by("pk").values_list("to_status", flat=True)) == [
        "open", "under_review", "answered",
    ]  # fmt: skip

    # The proposer comes back through My Seoul and reads the answer.
    proposer_journey.goto("/me/")
    expect(page.locator("h1")).to_have_text("마이 서울")
    proposer_journey.audit()
    proposer_journey.click_and_wait(page.get_by_role("link", name=TITLE))
    expect(page.locator(".proposal-card-meta")).to_contain_text("부서 답변 완료")
    answer = page.locator("#answer")
    expect(answer.get_by_role("heading", name="부서 답변")).to_be_visible()
    expect(answer).to_contain_text("수용")
    expect(answer).to_contain_text("교통실")
    expect(answer).to_contain_text(REASON)
    expect(page.get_by_text(PLAN)).to_be_visible()
    proposer_journey.audit(force=True)
    proposer_journey.finish()

    # The proposer was told of every stage by SMS (their chosen channel), in Korean.
    messages = [message["body"] for message in sms_inbox.messages(to=normalize_mobile(PROPOSER_PHONE))]
    assert len(messages) == 3, messages
    published, reviewed, answered = messages
    assert f'제안 "{TITLE}"이(가) 게시되었습니다.' in published
    assert f"공감 2건을 받아 담당 부서가 {proposal.answer_due_on:%Y-%m-%d}까지 답변합니다." in reviewed
    assert f'[서울시] 제안 "{TITLE}"에 담당 부서가 답변했습니다.' == answered
    # The supporters do not follow the proposal: they were not told of its stages.
    for phone in SUPPORTER_PHONES:
        assert sms_inbox.messages(to=normalize_mobile(phone)) == []
