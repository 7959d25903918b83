"""The participatory-budget ballot in a real browser: ticking a project asks the server for the
budget meter (htmx) and swaps it in place; a pick over the limit is explained at once; the ballot
is cast and the receipt shown."""

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from budgeting.models import BudgetBallot, Cycle, Project
from budgeting.services.eligibility import declaration_record
from citizens.consents import purposes
from citizens.services import consent_record

pytestmark = [pytest.mark.django_db(transaction=True)]

RECEIPT_TITLE = "투표가 집계되었습니다"  # "Your ballot is counted", as the Korean page says


@pytest.fixture
def ballot_ready(make_cycle, city_pot, citizen):
    cycle = make_cycle("vote")
    Cycle.objects.filter(pk=cycle.pk).update(max_picks=2)
    for number, cost in enumerate((100, 200, 300), start=1):
        Project.objects.create(cycle=cycle, pot=city_pot(cycle), title=f"사업 {number}", estimated_cost=cost * 1_000_000,
                               status="feasible", submitted_at=cycle.created_at, checked_at=cycle.created_at)
    consent_record(citizen=citizen, answers={purpose.key: True for purpose in purposes()})
    declaration_record(actor=citizen, cycle=cycle, basis="resident", district=None, not_public_official=True)
    return cycle


def _tick(page, title):
    page.locator("label", has_text=title).click()


def test_the_meter_follows_the_picks_and_the_ballot_is_cast(signed_in_page, live_server, ballot_ready, citizen):
    cycle = ballot_ready
    page = signed_in_page(citizen)
    with translation.override("ko"):  # the Korean page, whatever language an earlier test left active
        page.goto(live_server.url + reverse("budgeting:ballot", args=[cycle.pk]))
    meter = page.locator("#ballot-meter")
    assert "0개 선택" in meter.inner_text()

    _tick(page, "사업 1")
    expect(meter).to_contain_text("1개 선택")
    _tick(page, "사업 2")
    _tick(page, "사업 3")
    # Three picks where two are allowed: the meter, swapped in by htmx, says why.
    expect(page.locator("#ballot-meter .budget-meter-problem")).to_be_visible()
    expect(page.locator("#ballot-meter")).to_have_count(1)  # swapped in place, not emptied or doubled
    assert BudgetBallot.objects.count() == 0  # measuring writes nothing

    _tick(page, "사업 3")  # back to two
    expect(page.locator("#ballot-meter .budget-meter-problem")).to_have_count(0)
    page.get_by_role("button", name="투표하기").click()
    # htmx posts the ballot and swaps in the receipt page the server redirects to.
    expect(page.locator("h1")).to_contain_text(RECEIPT_TITLE)
    assert BudgetBallot.objects.count() == 1
    assert sorted(BudgetBallot.objects.get().projects) == sorted(
        Project.objects.filter(title__in=["사업 1", "사업 2"]).values_list("pk", flat=True)
    )
