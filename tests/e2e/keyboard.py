"""Moving through a page with the keyboard alone, as a person who uses no pointer does: Tab from
stop to stop, each stop required to show where the focus is (WCAG 2.4.7) and to be on screen."""

import contextlib

from playwright.sync_api import TimeoutError as PlaywrightTimeout

from .journey import SCROLL_SETTLED

# What the focused element looks like: an outline or a ring of box-shadow, as the page draws it.
FOCUS_STYLE = """() => {
  const element = document.activeElement;
  if (!element || element === document.body) return null;
  // A date field's own calendar button (inside the browser's widget) takes a Tab stop of its own,
  // with the browser's focus ring: the field is then the active element without matching :focus.
  const pickerButton = element.matches("input[type=date]") && !element.matches(":focus");
  // A KRDS checkbox or radio button is drawn on its label, which shows the focus too.
  const choice = element.matches("input[type=checkbox], input[type=radio]");
  const shown = choice ? document.querySelector(`label[for="${element.id}"]`) : element;
  const style = getComputedStyle(shown);
  const box = shown.getBoundingClientRect();
  return {
    tag: element.tagName.toLowerCase(), type: element.getAttribute("type") || "",
    name: element.getAttribute("name") || "", id: element.id,
    text: (element.innerText || element.value || "").trim().slice(0, 40),
    outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0,
    shadow: style.boxShadow !== "none",
    // KRDS marks a focused text field or select by a 2px border in its active colour (1px at rest).
    border: ["input", "select", "textarea"].includes(element.tagName.toLowerCase()) && parseFloat(style.borderTopWidth) >= 2,
    browserRing: pickerButton,
    visible: box.width > 0 && box.height > 0,
    inViewport: box.bottom > 0 && box.top < window.innerHeight,
  };
}"""




# The focused element (or a KRDS checkbox's label) within the window. KRDS scrolls smoothly, and
# the scroll that brings a focused element into view starts a few frames after the key press.
FOCUS_IN_VIEW = """() => {
  const element = document.activeElement;
  if (!element || element === document.body) return true;
  const choice = element.matches("input[type=checkbox], input[type=radio]");
  const shown = choice ? document.querySelector(`label[for="${element.id}"]`) : element;
  const box = shown.getBoundingClientRect();
  return box.bottom > 0 && box.top < window.innerHeight;
}"""


def focused(page):
    """What the focused element looks like, once the scroll that followed the focus has brought it
    into view (given 3 s) and settled."""
    # If it never comes into view, it is measured as it is: FOCUS_STYLE reports it out of view.
    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_function(FOCUS_IN_VIEW, timeout=3000)
    page.evaluate(SCROLL_SETTLED)
    return page.evaluate(FOCUS_STYLE)


def tab_to(page, predicate, *, limit=80):
    """Press Tab until the focused element satisfies `predicate`; every stop on the way must show
    where the focus is."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        state = focused(page)
        assert state is not None, "Tab left the page"
        assert state["visible"] and state["inViewport"], f"focus on something unseen: {state}"
        shown = state["outline"] or state["shadow"] or state["border"] or state["browserRing"]
        assert shown, f"focus not visible on {state}"
        if predicate(state):
            return state
    raise AssertionError(f"Tab never reached the element ({limit} presses)")


def by_name(name):
    return lambda state: state["name"] == name


def by_text(text):
    return lambda state: state["text"] == text



def press_enter_and_wait(page):
    """Enter on a link or a form's button that loads a page."""
    with page.expect_navigation():
        page.keyboard.press("Enter")


def choose_option(page, select_id, text):
    """A closed select steps through its options with the arrow keys (typing Korean does not)."""
    options = page.locator(f"#{select_id} option").all_inner_texts()
    current = page.locator(f"#{select_id}").evaluate("select => select.selectedIndex")
    for _ in range(options.index(text) - current):
        page.keyboard.press("ArrowDown")
