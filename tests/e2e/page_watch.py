"""A browser context that reports what a page should never do: run a payload of the XSS corpus
(tests/site/xss_corpus.py calls `__xss(marker)`), open a dialog, or break the Content-Security-Policy.

Everything is recorded in Python through exposed functions, so it survives navigations: the
violations come from a `securitypolicyviolation` listener registered before any page script, and
from the console, where Chromium logs what the policy blocked."""

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.test import Client

INIT_SCRIPT = """
(() => {
  document.addEventListener("securitypolicyviolation", (event) => {
    window.__cspViolation([event.violatedDirective, event.blockedURI, event.sourceFile, event.lineNumber,
                          (event.sample || "").slice(0, 80)].join(" | "));
  }, true);
  window.alert = window.confirm = window.prompt = (message) => window.__xss("alert:" + message);
})();
"""


@dataclass
class Watch:
    executed: list = field(default_factory=list)
    violations: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    current: str = ""

    def record_execution(self, source, marker):
        self.executed.append(f"{self.current}: payload {marker} ran")

    def record_violation(self, source, description):
        self.violations.append(f"{self.current}: {description}")

    def on_console(self, message):
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.violations.append(f"{self.current}: console: {message.text[:300]}")

    def on_dialog(self, dialog):
        self.executed.append(f"{self.current}: dialog {dialog.message!r}")
        dialog.dismiss()


def watched_context(browser, live_server, user=None, *, locale="ko-KR"):
    """A new browser context (signed in as `user` when given) and the Watch recording it."""
    watch = Watch()
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale=locale, accept_downloads=False)
    if user is not None:
        client = Client()
        client.force_login(user)
        context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    context.expose_binding("__xss", watch.record_execution)
    context.expose_binding("__cspViolation", watch.record_violation)
    context.add_init_script(INIT_SCRIPT)
    return context, watch


# Downloads (exports, calendars, receipts) and machine documents: no page to look at.
NOT_PAGES = re.compile(r"\.(?:csv|json|ics|txt|xml|geojson|png|svg)(?:$|\?)|[?&]format=|/open311/|/anymail/|-inbound/"
                       r"|/notifications/twilio/|/healthz")

# htmx marks an element with this class while its request is in flight.
HTMX_SETTLED = "() => !document.querySelector('.htmx-request')"


def browser_fetch(page, live_server, watch):
    """A `fetch` for tests/site/xss_world.crawl: open the URL, let htmx's load-time requests finish,
    and return (status, the page's HTML) for the crawl to follow its links."""
    from playwright.sync_api import Error

    def fetch(url):
        watch.current = url
        try:
            response = page.goto(live_server.url + url, wait_until="load")
            page.wait_for_function(HTMX_SETTLED, timeout=5_000)
        except Error as error:  # an error page without a body, or a download
            watch.errors.append(f"{url}: {str(error).splitlines()[0]}")
            _leave_error_page(page)
            return None, None
        status = response.status if response else None
        content_type = response.headers.get("content-type", "") if response else ""
        if status != 200 or "html" not in content_type or urlsplit(page.url).netloc != urlsplit(live_server.url).netloc:
            return status, None
        return status, page.content()

    return fetch


def _leave_error_page(page):
    """Chromium follows a failed navigation with its own error page, which would interrupt the next
    one: wait for it, then go to a blank page."""
    from playwright.sync_api import Error

    for _attempt in range(3):
        try:
            page.wait_for_load_state("load", timeout=2_000)
            page.goto("about:blank")
            return
        except Error:
            continue


def prove_the_watch_works(page, watch):
    """The control of a test that expects nothing: a script without the nonce, added to the page the
    crawl ended on, is blocked and reported, and a payload's call is recorded. A watch that saw
    nothing here could not have seen anything in the crawl either."""
    watch.current = "(control)"
    before_violations, before_executed = len(watch.violations), len(watch.executed)
    page.evaluate("""() => {
        const script = document.createElement("script");
        script.textContent = "window.__xss('control-inline')";
        document.body.append(script);
        window.__xss("control-call");
    }""")
    page.wait_for_timeout(300)  # the violation event is dispatched asynchronously
    controls_seen = (len(watch.violations) > before_violations, len(watch.executed) == before_executed + 1)
    del watch.violations[before_violations:]
    del watch.executed[before_executed:]
    return controls_seen
