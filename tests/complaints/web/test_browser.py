"""The pages' scripts in a real browser (headless Chromium through Playwright, phone-sized): the
map draws the districts and the complaints, a tap places the pin (hidden fields, district, nearby
suggestions through htmx), the category search fills the category's questions, and nothing breaks
the Content-Security-Policy."""

import os
import shutil

import pytest
from django.db import connection

from ..conftest import CITY_HALL
from .conftest import NEAR_CITY_HALL, url

pytestmark = pytest.mark.django_db(transaction=True)

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")

# Where a longitude and latitude fall on the screen, by the map's own projection (map.js).
SCREEN_POINT = """([lon, lat]) => {
  const svg = document.querySelector(".complaints-map-canvas svg");
  const sin = Math.sin(lat * Math.PI / 180);
  const point = svg.createSVGPoint();
  point.x = (lon + 180) / 360 * 256;
  point.y = (0.5 - Math.log((1 + sin) / (1 - sin)) / (4 * Math.PI)) * 256;
  const screen = point.matrixTransform(svg.getScreenCTM());
  return [screen.x, screen.y];
}"""


@pytest.fixture
def page(monkeypatch, live_server):
    if not CHROMIUM:
        pytest.skip("needs Chromium: apt-get install -y chromium (CI installs it)")
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-US")
            tab = context.new_page()
            tab.problems = []
            tab.on("console", lambda message: message.type == "error" and tab.problems.append(message.text))
            tab.on("pageerror", lambda error: tab.problems.append(str(error)))
            tab.base = live_server.url
            yield tab
        finally:
            browser.close()
    connection.close()
    if connection.settings_dict.get("OPTIONS", {}).get("pool"):
        connection.close_pool()


def test_the_map_draws_the_districts_and_the_public_complaints(page, file_complaint):
    file_complaint(is_public=True, title="지도 위 민원")
    file_complaint(is_public=False, title="비공개")
    page.goto(page.base + url("map"))
    page.wait_for_selector("path.complaints-map-district >> nth=24", state="attached")
    assert page.locator("path.complaints-map-district").count() == 25
    page.wait_for_selector("circle.complaints-map-point", state="attached")
    assert page.locator("a.complaints-map-link").count() == 1
    assert "지도 위 민원" in page.locator("a.complaints-map-link").get_attribute("aria-label")
    page.click("[data-map-zoom=in]")
    assert page.locator("circle.complaints-map-point").count() == 1
    assert page.problems == []


def test_a_tap_places_the_pin_and_brings_the_suggestions(page, file_complaint, pothole, streetlight):
    near = file_complaint(is_public=True, location=NEAR_CITY_HALL, title="근처 포트홀")
    page.goto(page.base + url("new"))
    page.wait_for_selector("path.complaints-map-district >> nth=24", state="attached")
    # The category search sets the select, which brings the category's questions.
    page.fill("#complaint-category-search", "lamp")
    page.click("[data-category-code=streetlight]")
    page.wait_for_selector("input[name=answer_state]")
    page.select_option("#id_category", "pothole")
    page.wait_for_selector("text=Call 119 for emergencies.")
    for _ in range(3):
        page.click("[data-map-zoom=in]")
    x, y = page.evaluate(SCREEN_POINT, [CITY_HALL[1], CITY_HALL[0]])
    page.mouse.click(x, y)
    latitude = float(page.input_value("#id_latitude"))
    longitude = float(page.input_value("#id_longitude"))
    assert abs(latitude - CITY_HALL[0]) < 0.002 and abs(longitude - CITY_HALL[1]) < 0.002
    assert page.locator("[data-map-district]").inner_text() == "District: Jung-gu"
    page.wait_for_selector(f"#nearby-{near.tracking_number}")
    assert "근처 포트홀" in page.inner_text("#complaint-nearby")
    page.fill("#id_description", "가나다")
    assert page.inner_text("#id_description_counter") == "3 of 4,000 characters"
    assert page.problems == []
