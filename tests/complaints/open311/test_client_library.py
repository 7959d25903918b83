"""Existing clients against the live endpoints (Django's live server, loopback only).

- `georeport` (PyPI, pinned in requirements-dev.txt): a maintained GeoReport v2 client that reads
  services, definitions and requests in JSON and XML (xmltodict). It cannot post.
- Posting is done as FixMyStreet's Open311 client does it (perllib/Open311.pm: a form-encoded POST
  with jurisdiction_id, api_key and attribute[code], the XML answer read for service_request_id,
  else its token resolved through tokens/<token>.xml), and as Code for America's `three` does (a
  multipart POST with a `media` file, `page_size` to page) — `three` itself is Python 2 only.
"""

from io import BytesIO
from xml.etree import ElementTree

import pytest
import requests
from georeport import GeoReport
from PIL import Image

from complaints.models import Complaint

pytestmark = pytest.mark.django_db(transaction=True)

TIMEOUT = 10


@pytest.fixture
def endpoint(live_server):
    return f"{live_server.url}/open311/v2"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_georeport_reads_everything_unchanged(endpoint, streetlight, public_complaint, fmt):
    first, second = public_complaint(), public_complaint()
    client = GeoReport(endpoint, jurisdiction="seoul.go.kr", output_format=fmt)

    services = client.get_service_list()
    assert [service["service_code"] for service in services] == ["pothole", "streetlight"]
    light = services[1]
    assert light["service_name"] == "가로등 고장"
    assert str(light["metadata"]).lower() == "true"

    definition = client.get_service_definition("streetlight")
    attributes = definition["attributes"] if fmt == "json" else definition["attributes"]["attribute"]
    assert [attribute["code"] for attribute in attributes] == ["pole", "count", "state", "when"]
    values = attributes[2]["values"] if fmt == "json" else attributes[2]["values"]["value"]
    assert [value["key"] for value in values] == ["off", "blink"]

    listed = client.get_service_requests(status="open", service_code="pothole")
    assert [item["service_request_id"] for item in listed] == [second.tracking_number, first.tracking_number]
    one = client.get_service_request(first.tracking_number)
    assert one["service_request_id"] == first.tracking_number
    assert one["status"] == "open"
    assert one["requested_datetime"].endswith("+09:00")

    with pytest.raises(requests.HTTPError) as refused:
        client.get_service_request("2026-9999999")
    assert refused.value.response.status_code == 404


def test_fixmystreet_style_post_then_read_back(endpoint, api_key, streetlight):
    answer = requests.post(
        f"{endpoint}/requests.xml",
        data={
            "jurisdiction_id": "seoul.go.kr", "api_key": api_key, "service_code": "streetlight",
            "lat": "37.566535", "long": "126.977969", "email": "citizen@example.org",
            "description": "title: 가로등\n\ndetail: 꺼져 있습니다.\n\nSubmitted via an app",
            "first_name": "길동", "last_name": "홍", "attribute[pole]": "A-17",
            "media_url": "http://127.0.0.1:9/photo.jpg",
        },
        timeout=TIMEOUT,
    )  # fmt: skip
    assert answer.status_code == 200, answer.text
    request = ElementTree.fromstring(answer.content).find("request")
    number = request.findtext("service_request_id")
    assert number == Complaint.objects.get().tracking_number
    # The token route FixMyStreet falls back on gives the same id.
    token_answer = requests.get(f"{endpoint}/tokens/{request.findtext('token')}.xml", timeout=TIMEOUT)
    assert ElementTree.fromstring(token_answer.content).find("request").findtext("service_request_id") == number
    # And a reader finds it.
    read = GeoReport(endpoint, output_format="xml").get_service_request(number)
    assert read["service_code"] == "streetlight" and read["status"] == "open"


def test_fixmystreet_style_error_parsing(endpoint, streetlight):
    answer = requests.post(f"{endpoint}/requests.xml", data={"api_key": "wrong", "service_code": "streetlight"},
                           timeout=TIMEOUT)  # fmt: skip
    assert answer.status_code == 403
    errors = ElementTree.fromstring(answer.content).findall("error")
    assert [(error.findtext("code"), bool(error.findtext("description"))) for error in errors] == [("403", True)]


def test_three_style_multipart_post_with_media_and_paging(endpoint, api_key, park_suggestion, public_complaint):
    buffer = BytesIO()
    Image.new("RGB", (32, 32), "green").save(buffer, "PNG")
    answer = requests.post(
        f"{endpoint}/requests.json",
        data={"service_code": "park-idea", "address_string": "서울숲", "description": "벤치가 부족합니다.",
              "api_key": api_key, "jurisdiction_id": "seoul.go.kr"},
        files={"media": ("bench.png", buffer.getvalue(), "image/png")},
        timeout=TIMEOUT,
    )  # fmt: skip
    assert answer.status_code == 200, answer.text
    number = answer.json()[0]["service_request_id"]
    public_complaint()
    page = requests.get(f"{endpoint}/requests.json", params={"page_size": 1}, timeout=TIMEOUT)
    assert len(page.json()) == 1 and page.links["next"]["url"]
    second = requests.get(page.links["next"]["url"], timeout=TIMEOUT).json()
    assert len(second) == 1 and second[0]["service_request_id"] != page.json()[0]["service_request_id"]
    (mine,) = requests.get(f"{endpoint}/requests/{number}.json", timeout=TIMEOUT).json()
    assert mine["media_url"].startswith(endpoint.rsplit("/open311", 1)[0])
