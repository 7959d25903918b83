"""The Open311 API against its own OpenAPI document: the document is valid and describes every
route, and schemathesis drives every operation through the WSGI application (valid and invalid
requests, a bounded and deterministic number per operation) checking that no answer is a 500,
that each status and body is one the document declares, and that nothing is half-written.

Half-written, for a complaint an app files: a Complaint row the app was not told about (no 200
answer carrying its tracking number) or a 200 without its row; a row without its receipt event,
deadline, category or the key that filed it; a filer's contact without the follower row and the
"received" notice that go with it; a photo row without its file; a Contact left behind by a
refused post."""

from xml.etree import ElementTree

import pytest
import schemathesis
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import URLPattern, resolve
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from complaints.models import Channel, Complaint, ComplaintEvent, ComplaintPhoto, Follower
from complaints.open311 import urls
from complaints.open311.openapi import ROUTE_PATHS, SERVER_PATH, document
from notifications.models import Contact, Notification
from tests.complaints.conftest import CITY_HALL, pothole, roads  # noqa: F401 -- fixtures, found by name
from tests.complaints.open311.conftest import api_key, api_key_row, public_complaint, streetlight  # noqa: F401

from .strategies import HOSTILE_SAMPLES

pytestmark = pytest.mark.django_db

OPENAPI_URL = f"{SERVER_PATH}/openapi.json"
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def guest(db):
    from notifications.services import contact_for_phone

    return contact_for_phone("+821055501234", language="ko")


def test_the_document_is_served_and_valid_openapi(client):
    response = client.get(OPENAPI_URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    served = response.json()
    assert served == document()
    schemathesis.openapi.from_dict(served).validate()


def test_the_validator_would_refuse_a_broken_document():
    broken = document()
    broken["paths"]["/requests.{format}"]["get"]["responses"] = "none"
    with pytest.raises(Exception, match="none"):
        schemathesis.openapi.from_dict(broken).validate()


def test_every_route_is_documented():
    named = {pattern.name for pattern in urls.urlpatterns if isinstance(pattern, URLPattern)}
    assert named - {"unknown"} == set(ROUTE_PATHS)
    documented = document()["paths"]
    for name, path in ROUTE_PATHS.items():
        assert path in documented, name
        sample = (path.replace("{format}", "json").replace("{service_code}", "pothole")
                  .replace("{service_request_id}", "2026-0000001").replace("{token}", "abc"))  # fmt: skip
        assert resolve(SERVER_PATH + sample).url_name == name, path
    # The catch-all stays last: a route added after it would never be reached.
    assert urls.urlpatterns[-1].name == "unknown"


@pytest.fixture
def open311_world(settings, api_key, api_key_row, streetlight, public_complaint, guest):  # noqa: F811 -- a fixture imported above
    """Two services (one with a question of every kind), one public complaint to read, and the
    app's key; the per-minute limit raised so that the run is not all 429s."""
    settings.OPEN311_POSTS_PER_MINUTE = 100_000
    complaint = public_complaint()
    return {
        "key": api_key,
        "key_row": api_key_row,
        "service_codes": ["pothole", "streetlight"],
        "request_ids": [complaint.tracking_number],
        "tokens": [str(complaint.token)],
        "filed": 0,
        "statuses": [],
    }


@pytest.fixture
def open311_schema(wsgi_app):
    """The document as an app fetches it, bound to the site's WSGI application."""
    return schemathesis.openapi.from_wsgi(OPENAPI_URL, wsgi_app)


# A post a real app sends for each service, and the values tried in its fields one at a time.
VALID_POSTS = {
    "pothole": {"lat": str(CITY_HALL[0]), "long": str(CITY_HALL[1]), "description": "보도블록이 깨져 있습니다."},
    "streetlight": {"address_string": "서울특별시 중구 세종대로 110", "description": "A streetlight is off.",
                    "attribute[pole]": "A-12", "attribute[state]": "off"},
}  # fmt: skip
TRIED = {
    "lat": ["37.5", "0", "91", "1e309", "NaN"],
    "long": ["127.0", "0", "181", "-inf"],
    "address_string": ["서울특별시 강남구 테헤란로 1", "\x00", "x" * 600],
    "description": ["A broken pavement.", "<b>x</b>", " ", "가" * 5001],
    "attribute[pole]": ["", "\x00", "<i>", "x" * 501],
    "attribute[state]": ["blink", "nope"],
    "attribute[when][]": ["night", "noon"],
    "attribute[count]": ["3", "2.5", "three", "NaN", "1e999"],
    "phone": ["010-5550-1234", "02-120", "+821055501234"],
    "email": ["app-user@example.org", "not-an-email", "a@" + "b" * 300 + ".kr"],
    "first_name": ["길동", "x" * 61],
    "private": ["true", "maybe"],
    "address_id": ["12345"],
}


@st.composite
def aims(draw):
    """How far to steer a generated request toward real data: raw (schemathesis's request as it
    is), keyed (with the app's key and known ids), or a real app's post with the key and one or
    two fields set to a value tried."""
    how = draw(st.sampled_from(["raw", "keyed", "app", "app"]))
    service = draw(st.sampled_from(sorted(VALID_POSTS)))
    tried = draw(st.lists(st.sampled_from(sorted(TRIED)), max_size=2, unique=True))
    return {
        "how": how,
        "service": service,
        "fields": {name: draw(st.sampled_from(TRIED[name])) for name in tried},
        "noise": draw(st.sampled_from(HOSTILE_SAMPLES)),
    }


def _steer(case, aim, world):
    if aim["how"] != "raw" and case.path_parameters:
        for name, pool in (("service_code", world["service_codes"]), ("service_request_id", world["request_ids"]),
                           ("token", world["tokens"])):  # fmt: skip
            if name in case.path_parameters:
                case.path_parameters[name] = pool[0]
    if case.method.upper() == "POST" and isinstance(case.body, dict):
        if aim["how"] == "keyed":
            case.body["api_key"] = world["key"]
        elif aim["how"] == "app":
            media = case.body.get("media")
            case.body.clear()
            case.body.update({"api_key": world["key"], "service_code": aim["service"], **VALID_POSTS[aim["service"]]})
            case.body.update(aim["fields"])
            if media is not None:
                case.body["media"] = media


def _filed_id(response) -> str:
    if response.headers["content-type"][0].startswith("application/json"):
        return response.json()[0]["service_request_id"]
    return ElementTree.fromstring(response.content).findtext("request/service_request_id")


def _snapshot():
    return {
        "complaints": set(Complaint.objects.values_list("pk", flat=True)),
        "contacts": set(Contact.objects.values_list("pk", flat=True)),
    }


def _assert_nothing_half_written(world, before, acknowledged):
    filed = Complaint.objects.exclude(pk__in=before["complaints"])
    assert set(filed.values_list("tracking_number", flat=True)) == acknowledged
    for complaint in filed:
        assert complaint.channel == Channel.OPEN311
        assert complaint.open311_client_id == world["key_row"].pk
        assert complaint.category_id is not None and complaint.due_at is not None
        assert ComplaintEvent.objects.filter(complaint=complaint, kind=ComplaintEvent.Kind.RECEIVED).count() == 1
        if complaint.contact_id:
            assert Follower.objects.filter(complaint=complaint, contact_id=complaint.contact_id).exists()
            assert Notification.objects.filter(key=f"complaints:complaint_received:{complaint.pk}").exists()
    for photo in ComplaintPhoto.objects.filter(complaint__in=filed):
        assert default_storage.exists(photo.image.name)
    new_contacts = set(Contact.objects.values_list("pk", flat=True)) - before["contacts"]
    used = set(filed.exclude(contact=None).values_list("contact_id", flat=True))
    assert new_contacts <= used, "a refused post left a contact behind"


# Bounded: 40 requests per operation, the same ones every run, and no shrinking (a failure shows
# the request as generated; shrinking a run through the whole site can take minutes).
OPEN311_SETTINGS = settings(max_examples=40, deadline=None, derandomize=True, database=None,
                            phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))  # fmt: skip
OPERATIONS = [(path, method.upper()) for path, item in document()["paths"].items() for method in item]


@pytest.mark.parametrize(("path", "method"), OPERATIONS, ids=[f"{method} {path}" for path, method in OPERATIONS])
def test_every_operation_answers_as_documented(path, method, open311_schema, open311_world, server_errors):
    operation = open311_schema[path][method]
    # Requests that follow the document and requests that break it (wrong types, missing
    # required fields, values out of range), both steered now and then toward real data.
    cases = st.one_of(operation.as_strategy(GenerationMode.POSITIVE), operation.as_strategy(GenerationMode.NEGATIVE))

    @settings(OPEN311_SETTINGS)
    @given(case=cases, aim=aims())
    def run(case, aim):
        # Each request in a savepoint rolled back after it: every example starts from the same
        # world, and what one request wrote is judged alone.
        with transaction.atomic():
            _steer(case, aim, open311_world)
            before = _snapshot()
            response = case.call()
            open311_world["statuses"].append(response.status_code)
            assert not server_errors, server_errors
            case.validate_response(response, checks=CHECKS)
            acknowledged = set()
            if method == "POST" and response.status_code == 200:
                acknowledged.add(_filed_id(response))
                open311_world["filed"] += 1
            _assert_nothing_half_written(open311_world, before, acknowledged)
            transaction.set_rollback(True)

    run()
    if method == "POST":
        # The run reached the complaint service: some posts were filed, whole.
        assert open311_world["filed"], open311_world["statuses"]


def test_the_checks_catch_an_answer_that_differs_from_the_document(wsgi_app, pothole):  # noqa: F811
    """The conformance checks above can fail: against a document that wants one more field, the
    same endpoint's answer is refused."""
    stricter = document()
    stricter["components"]["schemas"]["Service"]["required"].append("color")
    stricter["components"]["schemas"]["Service"]["properties"]["color"] = {"type": "string"}
    loaded = schemathesis.openapi.from_dict(stricter)
    loaded.app = wsgi_app
    case = loaded["/services.{format}"]["GET"].Case(path_parameters={"format": "json"})
    response = case.call()
    assert response.status_code == 200 and response.json()
    with pytest.raises(FailureGroup) as caught:
        case.validate_response(response, checks=CHECKS)
    assert any("color" in str(failure) for failure in caught.value.exceptions)
