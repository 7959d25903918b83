"""The complaints dashboards in a real browser: choosing a category swaps only the figures (htmx)
and puts the filter in the address, so the view can be shared; the density map draws its cells
from the GeoJSON (static/complaints/map.js)."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from complaints.models import Category, ComplaintType
from complaints.services.cells import cells_rebuild
from complaints.services.intake import Filer, Location, complaint_file
from complaints.services.rollups import rollups_rebuild
from governance.models import OrgUnit

pytestmark = [pytest.mark.django_db(transaction=True)]

CITY_HALL = Location(latitude=37.566535, longitude=126.977969)


@pytest.fixture
def filed(make_citizen):
    """Three potholes at City Hall and a park suggestion, counted into the rollups and the map."""
    bureau = OrgUnit.objects.create(code="transport-bureau", kind=OrgUnit.Kind.BUREAU, name_ko="교통실",
                                    name_en="Transportation Office")  # fmt: skip
    roads = OrgUnit.objects.create(code="road-management", kind=OrgUnit.Kind.DIVISION, parent=bureau,
                                   name_ko="도로관리과", name_en="Road Management Division")  # fmt: skip
    pothole = Category.objects.create(service_code="pothole", name_ko="도로 파손", name_en="Pothole",
                                      complaint_type=ComplaintType.GRIEVANCE, default_unit=roads,
                                      needs_location=True)  # fmt: skip
    park = Category.objects.create(service_code="park-idea", name_ko="공원 제안", name_en="Park suggestion",
                                   complaint_type=ComplaintType.SUGGESTION, default_unit=roads)  # fmt: skip
    filer = Filer(citizen=make_citizen())
    for category in (pothole, pothole, pothole, park):
        complaint_file(channel="web", category=category, description="보도블록이 깨져 있습니다.", filer=filer,
                       location=CITY_HALL)  # fmt: skip
    rollups_rebuild()
    cells_rebuild()


def test_a_category_swaps_the_figures_and_is_in_the_address(browser, live_server, filed):
    page = browser.new_page(viewport={"width": 390, "height": 844}, locale="ko-KR")
    with translation.override("ko"):
        page.goto(live_server.url + reverse("complaints:stats") + "?period=7d")
    this_period = page.locator(".stats-facts dd").first
    expect(this_period).to_have_text("4")
    # A mark on the window: it survives an htmx swap, not a page load.
    page.evaluate("window.stillTheSamePage = true")

    page.select_option("select[name=category]", "pothole")
    page.get_by_role("button", name="통계 보기").click()

    expect(page).to_have_url(f"{live_server.url}/complaints/stats/?period=7d&category=pothole")
    expect(this_period).to_have_text("3")
    assert page.evaluate("window.stillTheSamePage") is True
    # The CSV link of the swapped figures carries the filter too.
    csv = page.locator("a[href*='volume.csv']").first.get_attribute("href")
    assert "category=pothole" in csv and "period=7d" in csv


def test_the_density_map_draws_its_cells(browser, live_server, filed):
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="ko-KR")
    today = date.today().isoformat()
    with translation.override("ko"):
        page.goto(f"{live_server.url}{reverse('complaints:density')}?period=custom&start={today}&end={today}")
    # Four complaints in City Hall's cell: enough for the public map (three or more).
    expect(page.locator(".complaints-map-cell")).to_have_count(1)
