"""Journey 7: the journeys' key pages in English (/en/), on the demo site, each in English and
passing axe-core; and the language switcher keeps the page — Korean to English and back, from the
header on a desktop, from the menu on a phone, and as plain links without JavaScript."""

import re

import pytest
from playwright.sync_api import expect

from budgeting.models import Cycle
from proposals.models import Proposal
from tests.site.xss_world import demo_users, seed_demo
from voting.models import Poll

pytestmark = [pytest.mark.django_db(transaction=True)]

HANGUL = re.compile(r"[\uac00-\ud7a3]")


@pytest.fixture
def demo_site():
    seed_demo()
    return demo_users()


def key_pages():
    """The pages the journeys go through (signed in), in English."""
    proposal = Proposal.objects.exclude(published_at=None).order_by("pk").first()
    poll = Poll.objects.filter(status=Poll.Status.OPEN).order_by("pk").first()
    cycle = Cycle.objects.order_by("-pk").first()
    return [
        "/en/", "/en/me/", "/en/me/profile/",
        "/en/proposals/", f"/en/proposals/{proposal.pk}/", "/en/proposals/new/",
        "/en/votes/", f"/en/votes/{poll.pk}/", f"/en/votes/{poll.pk}/ledger/",
        "/en/budgeting/", f"/en/budgeting/{cycle.pk}/", f"/en/budgeting/{cycle.pk}/projects/",
        "/en/complaints/", "/en/complaints/new/", "/en/complaints/track/",
    ]  # fmt: skip


def chrome_text(page) -> str:
    """The page's own words (menu, heading, buttons, breadcrumb, footer), not what people wrote in
    Korean: a demo proposal's title stays Korean on the English page, as it should."""
    parts = [page.locator("footer").first.inner_text()]
    if not re.search(r"/\d+/", page.url):  # a detail page's heading is the title someone wrote
        parts.append(page.locator("h1").first.inner_text())
    parts += page.locator("#krds-header .gnb-menu a").all_inner_texts()
    # Buttons and the breadcrumb's home (labels, legends and the other crumbs may be titles,
    # options and questions someone wrote).
    parts += page.locator("main button, #breadcrumb li.home").all_inner_texts()
    return "\n".join(parts)


def test_the_key_pages_are_in_english(journeys, demo_site):
    journey = journeys(mode="desktop", language="en", user=demo_site["citizen"])
    page = journey.page
    for path in key_pages():
        response = journey.goto(path)
        assert response.status == 200, path
        assert page.locator("html").get_attribute("lang") == "en", path
        untranslated = [line for line in chrome_text(page).splitlines() if HANGUL.search(line)]
        assert not untranslated, f"{path}: {untranslated}"
        journey.audit()
    assert journey.pages_audited == len(key_pages())
    journey.finish()


def switch_language(journey, code: str):
    """Follow the switcher's link to `code` the way this screen offers it."""
    page = journey.page
    header_link = page.locator(f"#krds-header .header-utility a[hreflang={code}]")
    if header_link.is_visible():
        journey.click_and_wait(header_link)
        return
    # A phone: the switcher is in the menu, which the "Menu" button opens (KRDS's script).
    page.locator("#krds-header button.btn-navi.all").click()
    journey.click_and_wait(page.locator(f"#mobile-nav a[hreflang={code}]"))


@pytest.mark.parametrize("mode", ["phone", "desktop", "phone-no-js"])
def test_the_switcher_keeps_the_page(journeys, demo_site, mode):
    proposal = Proposal.objects.exclude(published_at=None).order_by("pk").first()
    journey = journeys(mode=mode)
    page = journey.page
    journey.goto(f"/proposals/{proposal.pk}/")
    expect(page.locator("html")).to_have_attribute("lang", "ko")

    switch_language(journey, "en")
    assert journey.path == f"/en/proposals/{proposal.pk}/"
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_contain_text(proposal.title)
    journey.audit()

    switch_language(journey, "ko")
    assert journey.path == f"/proposals/{proposal.pk}/"
    expect(page.locator("html")).to_have_attribute("lang", "ko")

    # A page with a query keeps it: the proposals' list, filtered and sorted.
    journey.goto("/proposals/?sort=supported&page=1")
    switch_language(journey, "en")
    assert journey.path == "/en/proposals/"
    assert "sort=supported" in page.url
    journey.finish()
