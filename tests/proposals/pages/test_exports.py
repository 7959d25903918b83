"""Open data: streamed CSV (with a BOM for Excel) and JSON, every published proposal, no personal data."""

import csv
import io
import json

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from proposals.models import Proposal

pytestmark = pytest.mark.django_db
Status = Proposal.Status


def body_of(response):
    assert isinstance(response, StreamingHttpResponse)
    return b"".join(response.streaming_content).decode("utf-8")


@pytest.fixture
def exported(make_proposal, gangnam, supporter):
    make_proposal(title="심야 버스 노선 확대", district=gangnam, support_count=55)
    make_proposal(title='=HYPERLINK("http://evil")', status=Status.ANSWERED)
    make_proposal(title="비공개 초안", status=Status.DRAFT)
    make_proposal(title="두번째 제안", status=Status.UNDER_REVIEW)


def personal_values(*citizens):
    values = []
    for citizen in citizens:
        values += [
            citizen.phone,
            citizen.phone[-8:],
            citizen.phone_last4 and f"****-{citizen.phone_last4}",
            citizen.name,
            f'"author": {citizen.pk}',
        ]
    return [value for value in values if value]


def test_csv_has_a_bom_a_header_and_every_published_proposal(client, exported):
    response = client.get(reverse("proposals:export_csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    text = body_of(response)
    assert text.startswith("\ufeffid,title,category,")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert [row["title"] for row in rows] == ["심야 버스 노선 확대", '\'=HYPERLINK("http://evil")', "두번째 제안"]
    first = rows[0]
    assert first["district_code"] == "11680" and first["support_count"] == "55" and first["status"] == "open"
    assert first["category"] == "transport" and first["published_at"].endswith("+09:00")
    assert rows[1]["answer_type"] == "accepted"
    assert "비공개 초안" not in text


def test_json_is_a_valid_document_of_the_same_rows(client, exported):
    response = client.get(reverse("proposals:export_json"))
    assert response["Content-Type"] == "application/json; charset=utf-8"
    document = json.loads(body_of(response))
    assert [row["title"] for row in document["proposals"]][0] == "심야 버스 노선 확대"
    assert len(document["proposals"]) == 3
    assert set(document["proposals"][0]) == set(document["fields"])
    assert document["proposals"][0]["district_code"] == "11680"


def test_an_empty_export_is_still_valid(client):
    assert json.loads(body_of(client.get(reverse("proposals:export_json"))))["proposals"] == []
    assert body_of(client.get(reverse("proposals:export_csv"))).count("\n") == 1


@pytest.mark.parametrize("name", ["export_csv", "export_json"])
def test_exports_hold_no_personal_data(client, exported, proposer, supporter, official, name):
    text = body_of(client.get(reverse(f"proposals:{name}")))
    for value in personal_values(proposer, supporter, official):
        assert value not in text
    if name == "export_csv":
        fields = text.lstrip("\ufeff").split("\r\n")[0].split(",")
    else:
        fields = list(json.loads(text)["proposals"][0])
    assert fields == [
        "id",
        "title",
        "category",
        "category_name",
        "district_code",
        "status",
        "support_count",
        "published_at",
        "window_opens_at",
        "window_closes_at",
        "answer_due_on",
        "answered_at",
        "answer_type",
    ]


@pytest.mark.parametrize("name", ["export_csv", "export_json"])
def test_exports_cost_the_same_queries_for_2_or_30_proposals(client, make_proposal, name):
    for number in range(2):
        make_proposal(title=f"제안 {number}")
    with CaptureQueriesContext(connection) as few:
        body_of(client.get(reverse(f"proposals:{name}")))
    for number in range(28):
        make_proposal(title=f"추가 {number}")
    with CaptureQueriesContext(connection) as many:
        text = body_of(client.get(reverse(f"proposals:{name}")))
    assert "추가 27" in text
    assert len(many) == len(few) <= 1


def test_exports_stream_in_chunks(client, make_proposal, monkeypatch):
    from proposals.views import pages

    monkeypatch.setattr(pages, "EXPORT_BATCH", 3)
    for number in range(10):
        make_proposal(title=f"제안 {number}")
    response = client.get(reverse("proposals:export_csv"))
    chunks = list(response.streaming_content)
    assert len(chunks) >= 4


@pytest.mark.parametrize("name", ["export_csv", "export_json"])
def test_exports_answer_only_get(client, name):
    assert client.post(reverse(f"proposals:{name}")).status_code == 405
