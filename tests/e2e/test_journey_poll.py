"""Journey 3: a citizen votes in an open M-Voting poll, gets a receipt, checks it on the poll's
ledger page; a second attempt is refused; the results show once the poll has closed — on a phone,
on a desktop, and on a phone without JavaScript; each page passes axe-core."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from audit import ledger
from audit.models import LedgerEntry
from citizens.models import Citizen
from governance.models import OrgUnit
from tests.citizens.conftest import make_citizen  # noqa: F401 -- fixture: a citizen who consented and completed the profile
from voting.models import Ballot, Participation, Poll
from voting.services import poll_create, poll_publish
from voting.services.polls import polls_advance

pytestmark = [pytest.mark.django_db(transaction=True)]

TITLE = "한강공원 야간 조명 확대"
OPTIONS = [{"label": "찬성"}, {"label": "반대"}, {"label": "잘 모르겠음"}]


@pytest.fixture
def open_poll(db):
    """An open policy vote the city published earlier, its results hidden until it closes."""
    unit = OrgUnit.objects.create(code="hangang", kind=OrgUnit.Kind.BUREAU, name_ko="미래한강본부",
                                  name_en="Future Hangang Headquarters")  # fmt: skip
    official = Citizen.objects.create_user(phone="+821090001234", is_staff=True)
    now = timezone.now()
    poll = poll_create(
        actor=official, kind=Poll.Kind.POLICY, title=TITLE, description="야간 조명을 늘릴지 시민 의견을 묻습니다.",
        options=OPTIONS, opens_at=now - timedelta(hours=1), closes_at=now + timedelta(days=7), org_unit=unit,
        results_visibility=Poll.ResultsVisibility.AFTER_CLOSE,
    )  # fmt: skip
    return poll_publish(actor=official, poll=poll)


def _close(poll):
    """Voting ends: the poll's closing time comes (moved to now), and the scheduled job closes it."""
    Poll.objects.filter(pk=poll.pk).update(closes_at=timezone.now())
    assert polls_advance()["closed"] == 1
    poll.refresh_from_db()
    assert poll.status == Poll.Status.CLOSED


def _ledger_entry(poll, digest):
    return LedgerEntry.objects.filter(scope=poll.ledger_scope, receipt_digest=digest)


def _back_to(journey, path, *, steps=6):
    """The browser's Back button, pressed until the page at `path` is shown again."""
    for _ in range(steps):
        if journey.path == path:
            return
        journey.page.go_back()
    assert journey.path == path, f"Back never reached {path}"


def _send(journey, button):
    """Press a form's button: without script the browser loads the answer; with it, htmx swaps
    the answer into the page (the caller then waits for what the page says)."""
    if journey.javascript:
        button.click()
    else:
        journey.click_and_wait(button)


@pytest.mark.parametrize("mode", ["phone", "desktop", "phone-no-js"])
def test_a_citizen_votes_checks_the_receipt_is_refused_twice_and_sees_the_results(
    journeys,
    make_citizen,  # noqa: F811 -- the citizens' fixture, imported above
    open_poll,
    mode,
):
    poll = open_poll
    citizen = make_citizen(phone="010-3456-7890")
    journey = journeys(mode=mode, user=citizen)
    page = journey.page

    # The polls list: the open poll is there; the citizen opens it from its card.
    journey.goto("/votes/")
    journey.audit()
    journey.click_and_wait(page.get_by_role("link", name=TITLE))
    expect(page.locator("h1")).to_have_text(TITLE)
    journey.audit()

    # The ballot: one option, then the button.
    journey.choose(page.get_by_role("radio", name="찬성"))
    _send(journey, page.get_by_role("button", name="투표하기"))
    expect(page.locator("h1")).to_have_text("투표가 집계되었습니다")
    receipt = page.locator("#voting-receipt-code code").inner_text()
    journey.audit(force=True)  # with script the receipt is swapped into the poll's address
    assert Participation.objects.filter(poll=poll, citizen=citizen).count() == 1
    ballot = Ballot.objects.get(poll=poll)
    assert ballot.choices == [1]
    assert ballot.receipt_digest == ledger.receipt_digest(ledger.normalize_receipt(receipt))

    # The receipt's page links to the poll's ledger; while the results are hidden, the ledger sends
    # the voter to the receipt check.
    journey.click_and_wait(page.get_by_role("link", name="이 투표의 원장"))
    expect(page.locator("h1")).to_have_text("이 투표의 원장")
    journey.audit()
    entries = page.locator("section", has=page.get_by_role("heading", name="이 투표의 영수증"))
    journey.click_and_wait(entries.get_by_role("link", name="영수증 확인"))
    expect(page.locator("h1")).to_have_text("영수증 확인")
    journey.audit()
    page.get_by_role("textbox", name="영수증 번호").fill(receipt)
    _send(journey, page.get_by_role("button", name="영수증 확인"))
    result = page.locator(".receipt-result")
    expect(result).to_contain_text("내 표가 이 투표의 결과에 집계되었습니다.")
    digest = result.locator("code").first.inner_text()
    assert digest == ballot.receipt_digest
    assert _ledger_entry(poll, digest).exists()

    # A second attempt: back through the browser's history to the ballot page (the browser shows it
    # as it was, with the form), another option, the button: refused, and nothing is written.
    detail_path = journey.path.removesuffix("verify/")
    _back_to(journey, detail_path)
    expect(page.get_by_role("button", name="투표하기")).to_be_visible()
    journey.choose(page.get_by_role("radio", name="반대"))
    cast_url = journey.url(f"{detail_path}vote/")
    with page.expect_response(lambda response: response.url == cast_url) as answer:
        _send(journey, page.get_by_role("button", name="투표하기"))
    assert answer.value.status == 409
    expect(page.get_by_role("alert")).to_have_text("이미 이 투표에 참여했습니다. 투표는 변경할 수 없습니다.")
    expect(page.locator("#vote")).to_contain_text("이 투표에 참여했습니다. 한 번 투표하면 바꿀 수 없습니다.")
    expect(page.get_by_role("button", name="투표하기")).to_have_count(0)
    journey.audit(force=True)
    assert Participation.objects.filter(poll=poll).count() == 1
    assert list(Ballot.objects.filter(poll=poll).values_list("choices", flat=True)) == [[1]]

    # The results stay hidden while voting is open.
    journey.click_and_wait(page.locator("#main-content").get_by_role("link", name="결과", exact=True))
    expect(page.locator("h1")).to_have_text("결과")
    expect(page.locator("main")).to_contain_text("결과 비공개 중")
    expect(page.locator("#results-options")).to_have_count(0)
    journey.audit()

    # Voting closes; the citizen comes back to the results: their vote is counted.
    _close(poll)
    page.reload()
    expect(page.locator("#results-ballots")).to_have_text("1")
    counts = page.locator("#results-options tbody tr")
    expect(counts.filter(has_text="찬성").locator(".voting-count")).to_have_text("1")
    expect(counts.filter(has_text="반대").locator(".voting-count")).to_have_text("0")
    expect(counts.filter(has_text="잘 모르겠음").locator(".voting-count")).to_have_text("0")
    journey.audit(force=True)

    # And the poll's ledger now lists the receipts: the citizen's digest is among them.
    journey.click_and_wait(page.locator("#main-content").get_by_role("link", name="이 투표의 원장").first)
    expect(page.locator("h1")).to_have_text("이 투표의 원장")
    expect(page.locator(".voting-ledger-table")).to_contain_text(digest)
    journey.audit(force=True)
    journey.finish()
