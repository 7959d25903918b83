"""The channel's landing page, the "My complaints" panel of My Seoul, and the languages: Korean at
/complaints/, English under /en/complaints/."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from citizens import registry
from complaints.my_seoul import PANEL, panel_context

from .conftest import text, url

pytestmark = pytest.mark.django_db


def test_the_landing_page_offers_every_way_in(client, file_complaint):
    file_complaint(is_public=True, title="공개 민원")
    file_complaint(is_public=False, title="비공개 민원")
    page = text(client.get(url("index")))
    for name in ("new", "track", "list", "map"):
        assert f'href="{url(name)}"' in page
    assert "공개 민원" in page and "비공개 민원" not in page
    assert "My complaints" not in page


def test_a_signed_in_citizen_sees_their_own_complaints_first(client, sign_in, citizen, participant, file_complaint):
    file_complaint(is_public=False, title="나의 비공개 민원")
    page = text(sign_in(citizen).get(url("index")))
    assert "My complaints" in page and "나의 비공개 민원" in page
    other = text(sign_in(participant()).get(url("index")))
    assert "나의 비공개 민원" not in other and "You have not filed a complaint yet." in other


def test_the_panel_is_registered_and_shows_my_complaints_on_my_seoul(client, sign_in, citizen, file_complaint):
    assert PANEL in registry.panels()
    complaint = file_complaint(is_public=False, title="내 민원")
    page = text(sign_in(citizen).get(reverse("citizens:me")))
    assert "My complaints" in page and "내 민원" in page and url("detail", complaint.tracking_number) in page


def test_the_panel_costs_one_query_however_much_the_citizen_filed(citizen, file_complaint):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            panel_context(citizen)
        return len(captured)

    few = queries()
    for number in range(8):
        file_complaint(title=f"민원 {number}")
    assert queries() == few == 1
    assert len(panel_context(citizen)["complaints"]) == 8


@pytest.mark.parametrize("name", ["index", "new", "track", "list", "map", "categories"])
def test_korean_at_the_root_and_english_under_en(client, pothole, name):
    with translation.override("ko"):
        korean_path = reverse(f"complaints:{name}")
    english_path = url(name)
    assert korean_path.startswith("/complaints/") and english_path.startswith("/en/complaints/")
    korean, english = client.get(korean_path), client.get(english_path)
    assert korean.status_code == english.status_code == 200
    assert '<html lang="ko"' in text(korean) and '<html lang="en"' in text(english)


def test_the_map_data_speaks_the_language_of_its_url(client, file_complaint):
    file_complaint(is_public=True)
    with translation.override("ko"):
        korean = client.get(reverse("complaints:map_data")).json()["features"][0]["properties"]
    english = client.get(url("map_data")).json()["features"][0]["properties"]
    assert (korean["category"], english["category"]) == ("도로 파손", "Pothole")
    assert korean["url"].startswith("/complaints/") and english["url"].startswith("/en/complaints/")
    assert english["status_label"] == "Received"
