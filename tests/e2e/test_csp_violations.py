"""No page breaks the Content-Security-Policy: the demo site (every channel, every state) crawled
in Chromium, in Korean and under /en/, as a visitor, a citizen, a committee secretary and an
official (the admin and its pages with their own scripts included). A violation means an inline
script or style without the response's nonce, an inline event handler, a style="" attribute, or a
resource from another host: the page then misses what the policy blocked."""

import pytest

from tests.site.xss_world import crawl, demo_users, seed_demo, start_urls

from .page_watch import NOT_PAGES, browser_fetch, prove_the_watch_works, watched_context

pytestmark = [pytest.mark.django_db(transaction=True)]

PAGES_PER_ROLE = 120


def test_no_page_reports_a_policy_violation(browser, live_server):
    seed_demo()
    users = demo_users()
    site = start_urls(samples=False)
    public = [url for url in site if "/admin/" not in url]
    roles = (("visitor", None, public), ("citizen", users["citizen"], public),
             ("committee secretary", users["committee secretary"], ["/review/", "/en/review/", *public]),
             ("official", users["official"], [url for url in site if url.startswith("/admin/")]))
    report, visited = [], {}
    for role, user, starts in roles:
        context, watch = watched_context(browser, live_server, user)
        page = context.new_page()
        visited[role] = [url for url, status in crawl(browser_fetch(page, live_server, watch), starts=starts,
                                                      per_shape=1, limit=PAGES_PER_ROLE,
                                                      admin=role == "official", skip=NOT_PAGES)
                         if status == 200]
        report += [f"[{role}] {line}" for line in watch.violations + watch.executed]
        assert prove_the_watch_works(page, watch) == (True, True)
        context.close()
    assert not report, "\n".join(report[:80])
    # The crawl reached the channels' pages in both languages, and the back offices.
    everything = [url for urls in visited.values() for url in urls]
    for prefix in ("/proposals/", "/votes/", "/budgeting/", "/complaints/", "/governance/",
                   "/en/proposals/", "/en/votes/", "/en/budgeting/", "/en/complaints/"):
        assert any(url.startswith(prefix) for url in everything), prefix
    assert sum(url.startswith("/admin/") for url in visited["official"]) > 50
    assert any(url.startswith("/review/") for url in visited["committee secretary"])
