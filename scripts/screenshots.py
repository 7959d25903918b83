"""`make screenshots`: the portal's main pages photographed in headless Chromium, in Korean, on a
phone (390×844) and on a desktop (1280×900), into docs/screenshots/<page>-phone.png and
<page>-desktop.png.

The site runs as production would on loopback with the demo data (scripts/local_site.py, in
var/screenshots/); pages a citizen sees signed in are taken with the demo citizen's session, the
review workspace with the demo committee secretary's. A detail page is the first one its list
links to. Chromium is the system's (CHROMIUM_PATH, else `chromium` on the PATH); Playwright drives it.
"""

import argparse
import os
import re
import shutil
import sys

from local_site import ROOT, free_port, prepare_site, running_site, session_for, site_environment  # scripts/

WORKDIR = ROOT / "var" / "screenshots"
OUTPUT = ROOT / "docs" / "screenshots"
DEMO_CITIZEN = "010-0000-0001"
DEMO_SECRETARY = "010-0000-0100"
SCREENS = {
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
    "desktop": {"viewport": {"width": 1280, "height": 900}},
}


class Page:
    """One picture: a path, or the first link of a list page matching a pattern; who looks at it."""

    def __init__(self, name, path, *, follow=None, who=None):
        self.name, self.path, self.follow, self.who = name, path, follow, who


PAGES = [
    Page("home", "/"),
    Page("signin", "/signin/"),
    Page("my-seoul", "/me/", who="citizen"),
    Page("proposals-list", "/proposals/"),
    Page("proposal-detail", "/proposals/", follow=r"^/proposals/\d+/$"),
    Page("voting-list", "/votes/"),
    Page("voting-poll", "/votes/", follow=r"^/votes/\d+/$", who="citizen"),
    Page("budgeting-cycle", "/budgeting/", follow=r"^/budgeting/\d+/$"),
    Page("complaints-index", "/complaints/"),
    Page("complaints-new", "/complaints/new/", who="citizen"),
    Page("complaints-map", "/complaints/map/"),
    Page("review-workspace", "/review/", who="secretary"),
]

# A function, not an expression: Playwright would evaluate an expression with eval(), which the CSP refuses.
READY = """() => document.fonts.status === "loaded"
  && document.fonts.check('16px "Pretendard GOV Variable"', "서울")"""


def chromium() -> str:
    found = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        raise SystemExit("Chromium is needed: apt-get install -y chromium (or set CHROMIUM_PATH)")
    return found


def shoot(browser, base, sessions, page_spec, screen):
    context = browser.new_context(locale="ko-KR", **SCREENS[screen])
    if page_spec.who:
        context.add_cookies([{"name": "sessionid", "value": sessions[page_spec.who], "url": base}])
    page = context.new_page()
    try:
        response = page.goto(base.rstrip("/") + page_spec.path)
        if page_spec.follow:
            hrefs = page.locator("main a[href]").evaluate_all("links => links.map((link) => link.getAttribute('href'))")
            target = next((href for href in hrefs if re.match(page_spec.follow, href)), None)
            if target is None:
                raise SystemExit(f"{page_spec.name}: no link on {page_spec.path} matches {page_spec.follow}")
            response = page.goto(base.rstrip("/") + target)
        if response.status != 200:
            raise SystemExit(f"{page_spec.name}: {page.url} answered {response.status}")
        page.wait_for_load_state("networkidle")
        page.wait_for_function(READY)
        destination = OUTPUT / f"{page_spec.name}-{screen}.png"
        page.screenshot(path=str(destination), animations="disabled")
        return destination
    finally:
        context.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="page names to take (default: all)")
    arguments = parser.parse_args()
    from playwright.sync_api import sync_playwright

    if WORKDIR.exists():
        shutil.rmtree(WORKDIR)
    WORKDIR.mkdir(parents=True)
    OUTPUT.mkdir(parents=True, exist_ok=True)
    environment = site_environment(free_port(), WORKDIR)
    prepare_site(environment, WORKDIR)
    sessions = {"citizen": session_for(environment, DEMO_CITIZEN), "secretary": session_for(environment, DEMO_SECRETARY)}
    pages = [spec for spec in PAGES if not arguments.only or spec.name in arguments.only]
    with running_site(environment, WORKDIR) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium(), args=["--no-sandbox", "--disable-background-networking", "--disable-sync"]
        )
        try:
            for spec in pages:
                for screen in SCREENS:
                    path = shoot(browser, base, sessions, spec, screen)
                    print(f"{path.relative_to(ROOT)}  ({path.stat().st_size // 1024} KB)", flush=True)
        finally:
            browser.close()
    print(f"{len(pages) * len(SCREENS)} screenshots in {OUTPUT.relative_to(ROOT)}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
