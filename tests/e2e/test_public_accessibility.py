"""Beyond the journeys: every kind of public page passes axe-core on a phone. The demo site (every
channel, every state) is crawled in Chromium at 390×844 — in Korean as a visitor, under /en/ as a
citizen (their My Seoul pages too), and in the review workspace as a committee secretary — and each
page kind (ids folded) is audited once. A wide table that scrolls sideways on a phone must be
reachable by keyboard, a chart must say what it shows, a page's language must be right — what a
journey does not happen to walk through is held to the same bar."""

import re

import pytest
from django.urls import reverse

from tests.site.xss_world import crawl, demo_users, seed_demo, start_urls

from .journey import page_kind
from .page_watch import NOT_PAGES, Watch, browser_fetch

pytestmark = [pytest.mark.django_db(transaction=True)]

# Page fetches per crawl: one of each URL shape, breadth first, reaches the channels' detail pages.
PAGES = {"visitor": 150, "citizen": 110, "committee secretary": 25}
REVIEW_ONLY = re.compile(NOT_PAGES.pattern + r"|^/(?!(?:en/)?review/)")
# A crawl also follows what a person would not: a fragment's URL without its parameters (404), a
# button's URL that only takes a POST (405). Chromium's console line about those is not a fault.
SLUG_PAGE = re.compile(r"^((?:/en)?/governance/(?:organisation|committees|documents|research)/)[^/]+/")
CRAWL_ONLY = re.compile(
    r"^console error on \S*: Failed to load resource: the server responded with a status of 40[45]\b"
)


def test_every_public_page_kind_has_no_serious_violation_on_a_phone(journeys, live_server):
    seed_demo()
    users = demo_users()
    site = [url for url in start_urls(samples=False) if "/admin/" not in url]
    korean = [*governance_pages(), *(url for url in site if not url.startswith("/en/"))]
    english = [url for url in site if url.startswith("/en/")]
    # The visitor reads the site in Korean, the citizen (their own pages too) in English, the
    # committee secretary works in the review workspace.
    roles = (
        ("visitor", None, korean, NOT_PAGES),
        ("citizen", users["citizen"], ["/en/me/", *english], NOT_PAGES),
        ("committee secretary", users["committee secretary"], ["/review/", "/en/review/"], REVIEW_ONLY),
    )
    audited, problems = {}, []
    for role, user, starts, skip in roles:
        journey = journeys(mode="phone", user=user)
        # The crawl's fetch notes in a Watch what could not load (a download, say); the journey
        # records the server errors, script errors and axe's findings.
        fetch = browser_fetch(journey.page, live_server, Watch())

        def fetch_and_audit(url, fetch=fetch, journey=journey):
            status, html = fetch(url)
            # htmx's fragments (a search's suggestions, a list's next page) are crawled for their
            # links but audited in the pages that hold them; one unit, committee, document or
            # research project stands for the others.
            kind = SLUG_PAGE.sub(r"\1<slug>/", page_kind(url))
            if html is not None and kind not in journey.audited and journey.page.locator("main#main-content").count():
                journey.settle()
                journey.audit()
                journey.audited.add(kind)
            return status, html

        for _url, _status in crawl(
            fetch_and_audit, starts=starts, per_shape=1, limit=PAGES[role], admin=False, skip=skip
        ):
            pass
        audited[role] = journey.audited
        problems += [f"[{role}] {problem}" for problem in journey.problems if not CRAWL_ONLY.search(problem)]
        journey.problems = []
        journey.finish()
    assert not problems, "\n".join(problems) + f"\n(page kinds audited: {sorted(set().union(*audited.values()))})"
    # The crawls reached every channel's detail pages.
    kinds = set().union(*audited.values())
    for kind in (
        r"/proposals/<id>/",
        r"/votes/<id>/results/",
        r"/budgeting/<id>/results/",
        r"/complaints/stats/map/",
        r"/governance/committees/<slug>/",
        r"/governance/committees/<slug>/meetings/",
        r"/governance/meetings/<id>/",
        r"/governance/documents/<slug>/",
        r"/governance/research/<slug>/",
        r"/opendata/\w+/",
        r"/ledger/",
        r"/en/proposals/<id>/",
        r"/en/me/",
        r"/review/items/<id>/",
    ):
        assert any(re.fullmatch(kind, audited_kind) for audited_kind in kinds), f"{kind} not in {sorted(kinds)}"


def governance_pages():
    """Governance's pages below a committee, which a breadth-first crawl reaches late: a
    committee's meetings and draws, and a meeting."""
    from django.utils import translation

    from governance.models import Committee, Meeting

    committee = Committee.objects.filter(meetings__isnull=False).order_by("pk").first()
    meeting = Meeting.objects.filter(committee=committee).order_by("pk").first()
    with translation.override("ko"):
        return [
            reverse("governance:committee_meetings", args=[committee.slug]),
            reverse("governance:committee_draws", args=[committee.slug]),
            reverse("governance:meeting_detail", args=[meeting.pk]),
        ]
