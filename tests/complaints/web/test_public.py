"""The public list and map: public complaints only, newest first, filtered by category, district
and state, never personal data; the map's GeoJSON and the district boundaries."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from complaints.services.intake import Filer

from ..conftest import CITY_HALL, GANGNAM_STATION
from .conftest import HTMX, text, url

pytestmark = pytest.mark.django_db

NAME = "김민원"


@pytest.fixture
def spread(file_complaint, citizen, streetlight, park_suggestion, answered, closed):
    """Complaints of several categories, districts and states, filed a minute apart (oldest first)."""
    start = timezone.now() - timedelta(hours=2)
    filer = Filer(citizen=citizen, name=NAME)

    def at(minutes, **fields):
        fields.setdefault("is_public", True)
        return file_complaint(filer=filer, now=start + timedelta(minutes=minutes), **fields)

    made = {
        "pothole_jung": at(1, title="중구 포트홀"),
        "pothole_gangnam": at(2, title="강남 포트홀", location=GANGNAM_STATION),
        "light_jung": at(3, title="중구 가로등", category=streetlight, answers={"state": "off"}),
        "park": at(4, title="공원 제안", category=park_suggestion, location=None),
        "private": at(5, title="비공개 민원", is_public=False),
    }
    made["answered"] = answered(at(6, title="답변된 민원"))
    made["closed"] = closed(at(7, title="종결된 민원", location=GANGNAM_STATION))
    return made


def titles(response):
    return [complaint.title for complaint in response.context["complaints"]]


def test_the_list_shows_public_complaints_newest_first_without_personal_data(client, spread, citizen):
    response = client.get(url("list"))
    assert response.status_code == 200
    assert titles(response) == ["종결된 민원", "답변된 민원", "공원 제안", "중구 가로등", "강남 포트홀", "중구 포트홀"]
    page = text(response)
    assert "비공개 민원" not in page and NAME not in page and citizen.phone_last4 not in page
    assert "6 public complaints" in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"category": "pothole"}, ["종결된 민원", "답변된 민원", "강남 포트홀", "중구 포트홀"]),
        ({"category": "roads"}, ["중구 가로등"]),  # a heading covers its sub-categories
        ({"district": "GANGNAM_STATION"}, ["종결된 민원", "강남 포트홀"]),
        ({"status": "open"}, ["공원 제안", "중구 가로등", "강남 포트홀", "중구 포트홀"]),
        ({"status": "answered"}, ["답변된 민원"]),
        ({"status": "closed"}, ["종결된 민원"]),
        ({"category": "pothole", "district": "11140", "status": "open"}, ["중구 포트홀"]),
    ],
)
def test_the_filters(client, spread, query, expected):
    if query.get("district") == "GANGNAM_STATION":
        query = {"district": spread["pothole_gangnam"].district_id}
    response = client.get(url("list", **query))
    assert response.status_code == 200 and titles(response) == expected


def test_a_filter_not_understood_is_left_out_with_a_message(client, spread):
    response = client.get(url("list", category="nope", status="pending", district="11140"))
    assert response.status_code == 400
    assert titles(response) == ["답변된 민원", "중구 가로등", "중구 포트홀"]  # the district filter stands
    page = text(response)
    assert "There is no such category; showing every category." in page
    assert "There is no such state; showing every state." in page


def test_htmx_swaps_only_the_results(client, spread):
    response = client.get(url("list", status="answered"), HTTP_HX_TARGET="complaint-results", **HTMX)
    page = text(response)
    assert response.status_code == 200 and page.lstrip().startswith("<section id=\"complaint-results\"")
    assert "답변된 민원" in page and "<html" not in page


def test_the_list_pages(client, file_complaint):
    start = timezone.now() - timedelta(days=1)
    for number in range(23):
        file_complaint(is_public=True, title=f"민원 {number:02d}", now=start + timedelta(minutes=number))
    first = client.get(url("list"))
    assert len(titles(first)) == 20 and titles(first)[0] == "민원 22"
    second = client.get(url("list", page=2))
    assert titles(second) == ["민원 02", "민원 01", "민원 00"]
    assert "Page 2 of 2" in text(second)


# --- The map --------------------------------------------------------------------------------------


def test_the_map_page_lists_the_located_complaints_below_the_map(client, spread):
    response = client.get(url("map", status="open"))
    assert response.status_code == 200
    assert titles(response) == ["중구 가로등", "강남 포트홀", "중구 포트홀"]  # the park suggestion has no place
    page = text(response)
    assert url("map_data") + "?status=open" in page and url("boundaries") in page
    assert "static/complaints/map.js" in page and "data-tile-url" not in page


def test_a_tile_server_is_drawn_and_allowed_by_the_policy(client, settings):
    settings.MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    settings.MAP_TILE_ATTRIBUTION = "© Example contributors"
    response = client.get(url("map"))
    page = text(response)
    assert 'data-tile-url="https://tiles.example.org/{z}/{x}/{y}.png"' in page and "© Example contributors" in page
    img_src = next(part for part in response["Content-Security-Policy"].split(";") if "img-src" in part)
    assert "https://tiles.example.org" in img_src
    assert "tiles.example.org" not in client.get(url("list"))["Content-Security-Policy"]


def test_the_map_data_is_geojson_of_public_located_complaints(client, spread, citizen):
    response = client.get(url("map_data"))
    assert response.status_code == 200 and response["Content-Type"] == "application/geo+json"
    data = response.json()
    assert data["type"] == "FeatureCollection" and data["capped"] is False
    found = {feature["properties"]["title"]: feature for feature in data["features"]}
    assert set(found) == {"종결된 민원", "답변된 민원", "중구 가로등", "강남 포트홀", "중구 포트홀"}
    city_hall = found["중구 포트홀"]
    assert city_hall["geometry"] == {"type": "Point", "coordinates": [CITY_HALL[1], CITY_HALL[0]]}
    properties = city_hall["properties"]
    assert properties["group"] == "open" and properties["category"] == "Pothole" and properties["district"] == "Jung-gu"
    assert properties["url"] == url("detail", spread["pothole_jung"].tracking_number)
    assert found["종결된 민원"]["properties"]["group"] == "closed"
    raw = response.content.decode()
    assert NAME not in raw and citizen.phone_last4 not in raw and "비공개" not in raw and "off" not in raw


def test_the_map_data_filters_and_refuses_what_it_does_not_understand(client, spread):
    data = client.get(url("map_data", district=spread["closed"].district_id, status="closed")).json()
    assert [feature["properties"]["title"] for feature in data["features"]] == ["종결된 민원"]
    refused = client.get(url("map_data", status="lost"))
    assert refused.status_code == 400 and refused.json()["problems"]


def test_the_map_data_is_capped_to_the_newest(client, file_complaint, monkeypatch):
    monkeypatch.setattr("complaints.views.public.MAP_POINTS_CAP", 3)
    start = timezone.now() - timedelta(days=1)
    for number in range(5):
        file_complaint(is_public=True, title=f"민원 {number}", now=start + timedelta(minutes=number))
    data = client.get(url("map_data")).json()
    assert [feature["properties"]["title"] for feature in data["features"]] == ["민원 4", "민원 3", "민원 2"]
    assert data["capped"] is True


def test_the_boundaries_are_the_25_districts_from_the_cache(client, django_assert_num_queries):
    response = client.get(url("boundaries"))
    data = json.loads(response.content)
    assert response.status_code == 200 and len(data["features"]) == 25
    gangnam = next(feature for feature in data["features"] if feature["properties"]["code"] == "11680")
    assert gangnam["properties"]["name_ko"] == "강남구" and gangnam["geometry"]["type"] in ("Polygon", "MultiPolygon")
    assert "max-age=86400" in response["Cache-Control"]
    with django_assert_num_queries(0):
        assert client.get(url("boundaries")).status_code == 200
