"""Whatever an app sends, the answer is a document with a 2xx or 4xx status, never a 500."""

from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import BASE, parse

pytestmark = pytest.mark.django_db

NAMES = ["service_request_id", "service_code", "start_date", "end_date", "status", "page", "page_size",
         "jurisdiction_id", "lang", "lat", "long", "address_string", "address_id", "description", "phone",
         "email", "first_name", "attribute[pole]", "attribute[when][]", "private", "media_url"]  # fmt: skip
VALUES = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["", "open", "closed", "2026-01-01T00:00:00Z", "2026-02-30", "-1", "0", "1e9", "NaN",
                     "37.5665", "126.978", "pothole", "streetlight", "010-5550-1234", "a@b.c", "<b>", "\x00"]),
)  # fmt: skip
FORMS = st.lists(st.tuples(st.sampled_from(NAMES), VALUES), max_size=8)
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture
def one_public_complaint(public_complaint, streetlight):
    return public_complaint()


@FUZZ
@given(query=FORMS, fmt=st.sampled_from(["json", "xml"]))
def test_any_query_is_answered_with_a_document(client, one_public_complaint, query, fmt):
    response = client.get(f"{BASE}requests.{fmt}?{urlencode(query)}")
    assert response.status_code in (200, 400, 404), response.content
    parse(response)


@FUZZ
@given(form=FORMS, fmt=st.sampled_from(["json", "xml"]))
def test_any_post_is_answered_with_a_document(open311_post, streetlight, form, fmt):
    response = open311_post(fmt, [*form, ("service_code", "streetlight")])
    assert response.status_code in (200, 400, 403, 404, 429), response.content
    parse(response)


@pytest.mark.parametrize("date", ["0001-01-01", "0001-01-01T00:00:00+09:00", "9999-12-31T23:59:59-12:00"])
def test_dates_far_outside_the_portals_life_are_a_400_document(db, client, date):
    response = client.get("/open311/v2/requests.json", {"start_date": date})
    assert response.status_code == 400
    assert response.json()[0]["code"] == 400
