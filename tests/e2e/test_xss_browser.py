"""The XSS corpus in a real browser: the demo site with a payload in every text people write
(tests/site/xss_world.py), crawled in Chromium as a visitor, a citizen and an official (the admin
included). No payload may run (each calls `__xss(marker)`, recorded by tests/e2e/page_watch.py),
no dialog may open, and no page may report a Content-Security-Policy violation: a payload that
reached the page as markup would be stopped by the policy, and the stop is a violation too."""

import pytest

from tests.site.xss_corpus import MARKER_RE
from tests.site.xss_world import build_world, crawl, demo_users, start_urls

from .page_watch import NOT_PAGES, browser_fetch, prove_the_watch_works, watched_context

pytestmark = [pytest.mark.django_db(transaction=True)]

# Pages of each role, one per URL shape: what the payloads reach, in a few minutes.
PAGES_PER_ROLE = 110


def test_no_stored_payload_runs_in_the_browser(browser, live_server):
    texts = build_world()
    users = demo_users()
    site = start_urls(samples=False)
    roles = (("visitor", None, [url for url in site if "/admin/" not in url]),
             ("citizen", users["citizen"], [url for url in site if "/admin/" not in url]),
             ("official", users["official"], [url for url in site if url.startswith("/admin/")]))
    report, pages, shown = [], 0, set()
    for role, user, starts in roles:
        context, watch = watched_context(browser, live_server, user)
        page = context.new_page()
        for _url, status in crawl(browser_fetch(page, live_server, watch), starts=starts, per_shape=1,
                                  limit=PAGES_PER_ROLE, admin=role == "official", skip=NOT_PAGES):
            if status == 200:
                pages += 1
                shown.update(marker for marker in MARKER_RE.findall(page.content()) if marker in texts)
        report += [f"[{role}] {line}" for line in watch.executed + watch.violations]
        assert prove_the_watch_works(page, watch) == (True, True)
        context.close()
    assert not report, "\n".join(report[:60])
    # The crawl did reach the payloads: its pages showed a good share of the stored texts.
    assert pages > 200
    assert len(shown) > len(texts) // 4, (len(shown), len(texts))
