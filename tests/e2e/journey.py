"""A citizen's (or an official's) way through the live site in a real browser, and what every page
on that way must satisfy.

A `Journey` is one browser context — a phone (390×844, touch) or a desktop screen, with JavaScript
on or off, in Korean or English — and a page in it. As it moves, it records what no page may do:
answer with a server error, log a script error or a Content-Security-Policy violation, or (with
JavaScript on) carry a serious or critical accessibility violation as axe-core finds it. The test
calls `journey.audit()` on each page it reaches (once per page kind: ids in the path are folded)
and `journey.finish()` at the end, which fails with everything recorded.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from django.test import Client

# The modes a journey runs in: the phone-sized screen, a desktop one, and the phone
# without JavaScript (progressive enhancement: every journey completes without it).
MODES = {
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "javascript": True},
    "desktop": {"viewport": {"width": 1280, "height": 900}, "is_mobile": False, "has_touch": False,
                "javascript": True},
    "phone-no-js": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
                    "javascript": False},
}  # fmt: skip
LOCALES = {"ko": "ko-KR", "en": "en-US"}
# axe-core's impacts that fail a journey (the issue: zero serious or critical violations).
BLOCKING_IMPACTS = {"serious", "critical"}

# Resolves once nothing has moved for three frames (KRDS sets scroll-behavior: smooth, and its
# html and body are 100 % high, so the scrolling may be the body's rather than the window's): the
# window's and body's scroll positions and the focused element's place are all watched.
SCROLL_SETTLED = """() => new Promise((resolve) => {
  const where = () => {
    const focused = document.activeElement;
    const top = focused && focused !== document.body ? focused.getBoundingClientRect().top : 0;
    return [window.scrollY, document.documentElement.scrollTop, document.body.scrollTop, top].join(",");
  };
  let last = null, still = 0;
  const check = () => {
    const now = where();
    still = now === last ? still + 1 : 0;
    last = now;
    if (still >= 3) resolve(); else requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
})"""

# The font's stylesheet is in the page and every face it asked for has loaded.
FONTS_IN = """() => document.querySelector('link[href*="pretendard"]') !== null
  && document.fonts.status === 'loaded'"""

_CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__journeyProblem("CSP " + event.violatedDirective + " " + event.blockedURI);
}, true);
"""


def _axe_script() -> str:
    from axe_playwright_python import base

    return Path(base.AXE_FILE_PATH).read_text(encoding="utf-8")


def page_kind(url: str) -> str:
    """The path with its numbers and slugs of ids folded, so a page kind is audited once."""
    return re.sub(r"/\d+(?=/|$)", "/<id>", urlsplit(url).path)


@dataclass
class Journey:
    context: object
    page: object
    base_url: str
    javascript: bool
    language: str
    problems: list = field(default_factory=list)
    audited: set = field(default_factory=set)
    pages_audited: int = 0
    # Pages and form answers the server refused on purpose (a second ballot's 409, a form's 400):
    # the test asserts on what they say, and Chromium's console line about them is not a fault.
    refused_urls: set = field(default_factory=set)

    # Moving ------------------------------------------------------------------------------------

    def url(self, path: str) -> str:
        return self.base_url + path

    def goto(self, path: str):
        response = self.page.goto(self.url(path))
        self.settle()
        return response

    def settle(self):
        """Wait until the web font is in: the page adds its stylesheet at the first frame, and the
        text reflows when it arrives — a click aimed before that can land beside its target."""
        if self.javascript:
            self.page.wait_for_function(FONTS_IN)

    @property
    def path(self) -> str:
        return urlsplit(self.page.url).path

    def click_and_wait(self, locator):
        """Click something that loads a page (a link or a form's button), with or without script."""
        with self.page.expect_navigation():
            locator.click()
        self.settle()

    def choose(self, control):
        """Tick a checkbox or radio button as a person does: KRDS draws the box on the label and
        hides the input under it, so the label is what is clicked."""
        control_id = control.get_attribute("id")
        label = self.page.locator(f"label[for='{control_id}']")
        label.click()
        if not control.is_checked():
            # The page moved under the pointer (a late font or an htmx swap): once more.
            label.click()
        assert control.is_checked(), f"{control_id} did not take the click"

    # Watching ----------------------------------------------------------------------------------

    def _on_response(self, response):
        if response.status >= 500 and response.url.startswith(self.base_url):
            self.problems.append(f"{response.status} from {response.request.method} {urlsplit(response.url).path}")
        elif response.status in (400, 403, 409, 422) and response.request.resource_type in ("document", "xhr", "fetch"):
            self.refused_urls.add(response.url)

    def _on_console(self, message):
        if message.type == "error":
            refused = message.location.get("url") in self.refused_urls
            if refused and message.text.startswith("Failed to load resource"):
                return
            self.problems.append(f"console error on {self.path}: {message.text[:300]}")

    def _on_page_error(self, error):
        self.problems.append(f"script error on {self.path}: {str(error)[:300]}")

    def _record(self, source, description):
        self.problems.append(f"{self.path}: {description}")

    def audit(self, *, force: bool = False):
        """axe-core on the page as it is now: serious and critical violations are recorded. Pages
        without script are not audited (axe is a script); the same pages are, in the other modes."""
        kind = page_kind(self.page.url)
        if not self.javascript:
            # The page's own script marks <html> "js" first thing: without script it must stay "no-js".
            if self.page.locator("html.no-js").count() != 1:
                self.problems.append(f"{kind}: a script ran with JavaScript off")
            return
        if kind in self.audited and not force:
            return
        self.audited.add(kind)
        self.page.wait_for_load_state("load")
        # KRDS scrolls smoothly to an anchor: axe measures targets' spacing, so the page must stand still.
        self.page.evaluate(SCROLL_SETTLED)
        self.page.evaluate(_AXE_SCRIPT_HOLDER.script())
        results = self.page.evaluate(
            "axe.run(document, {preload: false, resultTypes: ['violations'], runOnly: {type: 'tag', values: "
            "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}})"
        )
        self.pages_audited += 1
        for violation in results["violations"]:
            if violation.get("impact") in BLOCKING_IMPACTS:
                targets = "; ".join(" ".join(node["target"]) for node in violation["nodes"][:4])
                self.problems.append(
                    f"axe {violation['impact']} {violation['id']} on {kind}: {violation['help']} — {targets}"
                )

    def finish(self):
        problems, self.problems = self.problems, []
        self.context.close()
        assert not problems, "\n".join(problems)


class _AxeScriptHolder:
    """axe-core's source, read once per run from the package that ships it."""

    _script = None

    def script(self) -> str:
        if self._script is None:
            type(self)._script = _axe_script()
        return self._script


_AXE_SCRIPT_HOLDER = _AxeScriptHolder()


def open_journey(browser, live_server, *, mode="phone", language="ko", user=None, backend=None) -> Journey:
    """A new browser context in `mode` and `language`, signed in as `user` when one is given (a
    session made by the test client; `backend` names the authentication backend for staff)."""
    settings = MODES[mode]
    context = browser.new_context(
        viewport=settings["viewport"], is_mobile=settings["is_mobile"], has_touch=settings["has_touch"],
        java_script_enabled=settings["javascript"], locale=LOCALES[language], accept_downloads=False,
    )  # fmt: skip
    journey = Journey(context=context, page=None, base_url=live_server.url, javascript=settings["javascript"],
                      language=language)  # fmt: skip
    if user is not None:
        sign_in_context(context, live_server, user, backend=backend)
    context.expose_binding("__journeyProblem", journey._record)
    context.add_init_script(_CSP_LISTENER)
    page = context.new_page()
    page.on("response", journey._on_response)
    page.on("console", journey._on_console)
    page.on("pageerror", journey._on_page_error)
    journey.page = page
    return journey


def sign_in_context(context, live_server, user, *, backend=None):
    client = Client()
    if backend:
        client.force_login(user, backend=backend)
    else:
        client.force_login(user)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])


@dataclass
class SmsInbox:
    """The messages the file SMS backend wrote (one file each: To, Reference, a blank line, the body)."""

    directory: Path

    def messages(self, to: str | None = None) -> list[dict]:
        found = []
        for path in sorted(self.directory.glob("*.txt")):
            head, _, body = path.read_text(encoding="utf-8").partition("\n\n")
            headers = dict(line.split(": ", 1) for line in head.splitlines() if ": " in line)
            if to is None or headers.get("To") == to:
                found.append({"to": headers.get("To"), "reference": headers.get("Reference"), "body": body.strip()})
        return found

    def last_code(self, to: str) -> str:
        """The 6-digit code in the newest message to `to` (an E.164 number)."""
        for message in reversed(self.messages(to)):
            match = re.search(r"(?<!\d)(\d{6})(?!\d)", message["body"])
            if match:
                return match.group(1)
        raise AssertionError(f"no code was sent to {to}: {self.messages()}")


def consented(person):
    """A person the journey starts with, who has answered every consent (the sign-in journey walks
    through that page; the others begin after it)."""
    from citizens.consents import purposes
    from citizens.services import consent_record

    consent_record(citizen=person, answers={purpose.key: True for purpose in purposes()})
    return person
