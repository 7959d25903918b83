"""Discovery, the service list and service definitions, in both formats, as the spec shapes them."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from complaints.models import Category, ComplaintType

from .conftest import BASE, errors_of, parse

pytestmark = pytest.mark.django_db


def test_discovery_json_names_the_v2_endpoint_and_both_formats(client):
    response = client.get(f"{BASE}discovery.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    data = parse(response)
    assert set(data) == {"changeset", "contact", "key_service", "endpoints"}
    assert data["contact"] and data["key_service"]
    (endpoint,) = data["endpoints"]
    assert endpoint == {
        "specification": "http://wiki.open311.org/GeoReport_v2",
        "url": "http://testserver/open311/v2",
        "changeset": data["changeset"],
        "type": "production",
        "formats": ["text/xml", "application/json"],
    }


def test_discovery_xml_has_the_spec_elements(client):
    response = client.get(f"{BASE}discovery.xml")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    root = parse(response)
    assert root.tag == "discovery"
    assert [child.tag for child in root] == ["changeset", "contact", "key_service", "endpoints"]
    endpoints = root.find("endpoints").findall("endpoint")
    assert len(endpoints) == 1
    endpoint = endpoints[0]
    assert endpoint.findtext("specification") == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint.findtext("type") == "production"
    assert [item.text for item in endpoint.find("formats").findall("format")] == ["text/xml", "application/json"]
    assert endpoint.findtext("url").endswith("/open311/v2")


def test_discovery_needs_no_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert client.get(f"{BASE}discovery.json").status_code == 200


def test_services_json_lists_active_categories_with_group_and_metadata(client, pothole, park_suggestion, streetlight):
    park_suggestion.is_active = False
    park_suggestion.save()
    response = client.get(f"{BASE}services.json")
    assert response.status_code == 200
    data = parse(response)
    by_code = {service["service_code"]: service for service in data}
    assert set(by_code) == {"pothole", "streetlight"}  # the inactive one is not offered
    light = by_code["streetlight"]
    assert list(light) == ["service_code", "service_name", "description", "metadata", "type", "keywords", "group"]
    assert light["service_name"] == "가로등 고장"  # Korean by default
    assert light["description"] == "꺼지거나 깜빡이는 가로등"
    assert light["metadata"] is True
    assert light["type"] == "realtime"
    assert light["keywords"] == "가로등, 조명, light"
    assert light["group"] == "도로 파손"
    assert by_code["pothole"]["metadata"] is False
    assert by_code["pothole"]["group"] is None


def test_services_xml(client, pothole, streetlight):
    root = parse(client.get(f"{BASE}services.xml"))
    assert root.tag == "services"
    services = root.findall("service")
    assert [service.findtext("service_code") for service in services] == ["pothole", "streetlight"]
    light = services[1]
    assert [child.tag for child in light] == [
        "service_code", "service_name", "description", "metadata", "type", "keywords", "group",
    ]  # fmt: skip
    assert light.findtext("metadata") == "true"
    assert services[0].findtext("metadata") == "false"
    assert light.findtext("type") == "realtime"
    assert light.findtext("group") == "도로 파손"
    assert services[0].find("group").text is None  # present, empty


@pytest.mark.parametrize("how", ["lang", "locale", "header"])
def test_services_in_english_when_asked(client, pothole, streetlight, how):
    if how == "header":
        response = client.get(f"{BASE}services.json", headers={"Accept-Language": "en-US,en;q=0.9"})
    else:
        response = client.get(f"{BASE}services.json", {how: "en"})
    assert response["Content-Language"] == "en"
    names = {service["service_code"]: service["service_name"] for service in parse(response)}
    assert names == {"pothole": "Pothole", "streetlight": "Streetlight out"}


def test_services_korean_for_an_unknown_language(client, pothole):
    response = client.get(f"{BASE}services.json", {"lang": "xx"}, headers={"Accept-Language": "fr"})
    assert response["Content-Language"] == "ko"
    assert parse(response)[0]["service_name"] == "도로 파손"


def test_services_query_count_does_not_grow(client, roads, django_assert_num_queries):
    def add(count, start):
        for index in range(start, start + count):
            parent = Category.objects.create(service_code=f"group-{index}", name_ko=f"묶음 {index}", name_en="G",
                                             complaint_type=ComplaintType.INQUIRY, default_unit=roads)  # fmt: skip
            Category.objects.create(service_code=f"child-{index}", name_ko=f"항목 {index}", name_en="C", parent=parent,
                                    complaint_type=ComplaintType.INQUIRY, default_unit=roads)  # fmt: skip

    add(2, 0)
    with CaptureQueriesContext(connection) as few:
        assert len(parse(client.get(f"{BASE}services.json"))) == 4
    add(20, 2)
    with CaptureQueriesContext(connection) as many:
        assert len(parse(client.get(f"{BASE}services.xml")).findall("service")) == 44
    assert len(few) == len(many) == 1


def test_service_definition_json(client, streetlight):
    response = client.get(f"{BASE}services/streetlight.json")
    assert response.status_code == 200
    data = parse(response)
    assert data["service_code"] == "streetlight"
    attributes = data["attributes"]
    assert [attribute["code"] for attribute in attributes] == ["pole", "count", "state", "when"]
    assert [attribute["order"] for attribute in attributes] == [1, 2, 3, 4]
    pole, count, state, when = attributes
    assert list(pole) == [
        "variable", "code", "datatype", "required", "datatype_description", "order", "description", "values",
    ]  # fmt: skip
    assert pole["variable"] is True and pole["required"] is True
    assert pole["datatype"] == "string" and pole["values"] == [] and pole["datatype_description"] is None
    assert pole["description"] == "전봇대 번호"
    assert count["datatype"] == "number" and count["required"] is False
    assert state["datatype"] == "singlevaluelist"
    assert state["values"] == [{"key": "off", "name": "꺼짐"}, {"key": "blink", "name": "깜빡임"}]
    assert when["datatype"] == "multivaluelist"


def test_service_definition_xml_in_english(client, streetlight):
    root = parse(client.get(f"{BASE}services/streetlight.xml", {"locale": "en"}))
    assert root.tag == "service_definition"
    assert root.findtext("service_code") == "streetlight"
    attributes = root.find("attributes").findall("attribute")
    assert len(attributes) == 4
    state = attributes[2]
    assert state.findtext("variable") == "true"
    assert state.findtext("datatype") == "singlevaluelist"
    assert state.findtext("required") == "false"
    assert state.findtext("order") == "3"
    assert state.findtext("description") == "State"
    values = state.find("values").findall("value")
    assert [(value.findtext("key"), value.findtext("name")) for value in values] == [
        ("off", "Off"), ("blink", "Flickering"),
    ]  # fmt: skip


def test_service_definition_of_a_category_without_questions_is_empty(client, pothole):
    data = parse(client.get(f"{BASE}services/pothole.json"))
    assert data == {"service_code": "pothole", "attributes": []}
    root = parse(client.get(f"{BASE}services/pothole.xml"))
    assert root.find("attributes") is not None and list(root.find("attributes")) == []


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_service_definition_of_an_unknown_or_inactive_code_is_404(client, park_suggestion, fmt):
    response = client.get(f"{BASE}services/no-such-thing.{fmt}")
    assert response.status_code == 404
    assert errors_of(response)[0][0] == "404"
    park_suggestion.is_active = False
    park_suggestion.save()
    assert client.get(f"{BASE}services/park-idea.{fmt}").status_code == 404


def test_service_definition_takes_two_queries(client, streetlight, django_assert_num_queries):
    with django_assert_num_queries(2):
        assert client.get(f"{BASE}services/streetlight.json").status_code == 200


def test_the_openapi_document_needs_no_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(f"{BASE}openapi.json")
    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.")
