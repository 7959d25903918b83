"""Korean renders in the vendored Pretendard GOV font, with no tofu boxes: Chromium names the font
of every glyph of the home page's heading, and screenshots show distinct shapes for distinct
syllables (a missing glyph draws the same empty box for each) and a different picture from the
system's fallback font."""

import pytest

pytestmark = [pytest.mark.django_db(transaction=True)]

FAMILY = "Pretendard GOV"
SYLLABLES = ["서", "울", "시", "민", "참", "여"]

# A function, not an expression: Playwright would evaluate an expression with eval(), which the CSP refuses.
FONT_READY = """() => document.fonts.status === "loaded"
  && document.fonts.check('16px "Pretendard GOV Variable"', "서울")"""

ADD_SAMPLE = """([text, family]) => {
  const sample = document.createElement("span");
  sample.className = "font-sample";
  sample.textContent = text;
  sample.style.fontSize = "48px";
  sample.style.lineHeight = "1";
  sample.style.display = "inline-block";
  if (family) sample.style.fontFamily = family;
  document.querySelector("main").prepend(sample);
}"""


def platform_fonts(page, selector):
    """The fonts Chromium used for the glyphs of the element (DevTools: CSS.getPlatformFontsForNode)."""
    session = page.context.new_cdp_session(page)
    session.send("DOM.enable")
    session.send("CSS.enable")
    root = session.send("DOM.getDocument")["root"]["nodeId"]
    node = session.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    return session.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]


def sample_shot(page, text, family=None) -> bytes:
    page.evaluate("document.querySelectorAll('.font-sample').forEach((old) => old.remove())")
    page.evaluate(ADD_SAMPLE, [text, family])
    page.evaluate("document.fonts.ready.then(() => true)")
    return page.locator(".font-sample").screenshot(animations="disabled")


@pytest.mark.parametrize("mode", ["phone", "desktop"])
def test_korean_renders_in_pretendard_without_tofu(journeys, mode, tmp_path):
    journey = journeys(mode=mode)
    page = journey.page
    journey.goto("/")
    page.wait_for_function(FONT_READY)
    page.evaluate("document.fonts.ready.then(() => true)")
    heading = page.locator("h1").first.inner_text()
    assert any("\uac00" <= character <= "\ud7a3" for character in heading), heading

    fonts = platform_fonts(page, "h1")
    assert fonts, "Chromium named no font for the heading"
    assert all(FAMILY in font["familyName"] and font["isCustomFont"] for font in fonts), fonts
    assert sum(font["glyphCount"] for font in fonts) == len(heading.replace(" ", "").replace("\n", ""))
    (tmp_path / "heading.png").write_bytes(page.locator("h1").first.screenshot())

    # Tofu draws one empty box for every missing glyph: distinct syllables, distinct pictures.
    shots = {syllable: sample_shot(page, syllable) for syllable in SYLLABLES}
    assert len(set(shots.values())) == len(SYLLABLES)
    # And the picture is Pretendard's, not the fallback's the page would show without it.
    assert sample_shot(page, "서울시민") != sample_shot(page, "서울시민", "serif")
    journey.finish()


def test_the_check_bites_without_the_font(journeys):
    """With the font's files refused, the heading's glyphs come from elsewhere and the test above
    would fail: it reads what Chromium drew, not what the stylesheet asked for."""
    journey = journeys(mode="desktop")
    page = journey.page
    page.route("**/*.woff2", lambda route: route.abort())
    journey.goto("/")
    page.evaluate("document.fonts.ready.then(() => true)")
    fonts = platform_fonts(page, "h1")
    assert not any(FAMILY in font["familyName"] for font in fonts), fonts
    journey.problems.clear()  # the refused font files are this test's doing
    journey.finish()
