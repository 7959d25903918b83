"""The files of /opendata/: no personal data in any of them, private complaints reduced to their
handling, counts only where the site shows them, streamed in a constant number of queries."""

import csv
import io
import json
from datetime import timedelta

import pytest
from django.conf import settings
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac

from complaints.models import Complaint
from opendata.registry import all_datasets, get_dataset
from tests.opendata.conftest import (
    EMAIL_PATTERN,
    HOME_ADDRESS,
    PHONE_PATTERN,
    PII_STRINGS,
    PRIVATE_TEXT,
    PRIVATE_TITLE,
    PUBLIC_TITLE,
)

SLUGS = [
    "complaints", "proposals", "polls", "poll_results", "budget_projects", "budget_results", "committee_meetings",
    "committee_agenda",
]  # fmt: skip


def record_id(complaint) -> str:
    """The record_id the complaints dataset gives `complaint`, computed here from its definition."""
    return salted_hmac("complaints.open_data.record_id", str(complaint.pk), algorithm="sha256").hexdigest()[:16]


def download(client, slug, extension) -> tuple[StreamingHttpResponse, bytes]:
    response = client.get(reverse(f"opendata:{extension}", args=[slug]))
    assert response.status_code == 200
    return response, b"".join(response.streaming_content)


def csv_rows(client, slug) -> list[dict]:
    _response, body = download(client, slug, "csv")
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


def json_rows(client, slug) -> list[dict]:
    _response, body = download(client, slug, "json")
    return json.loads(body.decode("utf-8"))


def test_every_channel_registers_its_datasets():
    assert [dataset.slug for dataset in all_datasets()] == SLUGS
    assert {dataset.channel for dataset in all_datasets()} == {
        "complaints", "proposals", "voting", "budgeting", "governance"
    }  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("extension", ["csv", "json"])
@pytest.mark.parametrize("slug", SLUGS)
def test_no_personal_data_in_any_file(client, world, slug, extension):
    response, body = download(client, slug, extension)
    assert isinstance(response, StreamingHttpResponse)
    text = body.decode("utf-8-sig")
    for secret in PII_STRINGS:
        assert secret not in text, f"{secret!r} in {slug}.{extension}"
    assert PHONE_PATTERN.findall(text) == []
    assert EMAIL_PATTERN.findall(text) == []
    # Not even the blind index of the citizen's phone.
    assert world.citizen.phone_index and world.citizen.phone_index not in text


def _json_of(client, slug) -> str:
    return b"".join(client.get(reverse("opendata:json", args=[slug])).streaming_content).decode()


@pytest.mark.django_db
def test_files_are_streamed_with_a_header_row_and_a_json_array(client, world):
    response, body = download(client, "complaints", "csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert body.startswith("\ufeff".encode())
    header = next(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert header == get_dataset("complaints").field_names
    response, body = download(client, "complaints", "json")
    assert response["Content-Type"] == "application/json; charset=utf-8"
    rows = json.loads(body)
    assert len(rows) == 2
    assert all(list(row) == get_dataset("complaints").field_names for row in rows)


@pytest.mark.django_db
def test_a_private_complaint_has_its_handling_only(client, world):
    rows = {row["record_id"]: row for row in csv_rows(client, "complaints")}
    private = rows[record_id(world.private_complaint)]
    assert private["is_public"] == "false"
    assert (private["title"], private["description"], private["latitude"], private["longitude"]) == ("", "", "", "")
    assert private["category_code"] == "pothole"
    assert private["district_code"] == "11140"  # City Hall is in Jung-gu
    assert private["unit_code"] == "road-management"
    assert private["status"] == "received"
    assert private["received_on"] == timezone.localdate().isoformat()
    body = _json_of(client, "complaints")
    for text in (PRIVATE_TITLE, PRIVATE_TEXT[:10], HOME_ADDRESS, "37.567", "126.978", "37.566535"):
        assert text not in body


@pytest.mark.django_db
def test_a_public_complaint_has_its_text_redacted_and_its_point_rounded(client, world):
    rows = {row["record_id"]: row for row in json_rows(client, "complaints")}
    public = rows[record_id(world.public_complaint)]
    assert public["tracking_number"] == world.public_complaint.tracking_number
    assert public["is_public"] is True
    assert public["title"] == PUBLIC_TITLE
    assert public["description"] == "강남역 11번 출구 보도블록이 깨졌습니다. 제 번호는 [phone] 입니다."
    assert (public["latitude"], public["longitude"]) == (37.498, 127.028)
    assert public["district_code"] == "11650"  # the station sits on the Seocho-gu side of the boundary
    assert "강남대로 396" not in json.dumps(rows, ensure_ascii=False)  # no address, even of a public one


@pytest.mark.django_db
def test_on_time_is_finished_by_the_deadline(client, world):
    now = timezone.now()
    early, late = world.private_complaint, world.public_complaint
    Complaint.objects.filter(pk=early.pk).update(due_at=now, finished_at=now - timedelta(hours=1), status="rejected",
                                                 rejection_reason="r", rejection_remedy="m")  # fmt: skip
    Complaint.objects.filter(pk=late.pk).update(due_at=now - timedelta(days=2), finished_at=now, status="rejected",
                                                rejection_reason="r", rejection_remedy="m")  # fmt: skip
    rows = {row["record_id"]: row for row in json_rows(client, "complaints")}
    assert rows[record_id(early)]["on_time"] is True
    assert rows[record_id(late)]["on_time"] is False
    assert rows[record_id(early)]["finished_on"] == timezone.localdate(now - timedelta(hours=1)).isoformat()
    # Open and past its deadline: late already; open and not yet due: unknown.
    Complaint.objects.filter(pk=late.pk).update(finished_at=None, status="assigned")
    Complaint.objects.filter(pk=early.pk).update(finished_at=None, status="assigned", due_at=now + timedelta(days=1))
    rows = {row["record_id"]: row for row in json_rows(client, "complaints")}
    assert rows[record_id(late)]["on_time"] is False
    assert rows[record_id(early)]["on_time"] is None


@pytest.mark.django_db
def test_a_formula_in_a_public_title_is_quoted_in_the_csv(client, world):
    Complaint.objects.filter(pk=world.public_complaint.pk).update(title='=HYPERLINK("http://x.example","y")')
    rows = {row["tracking_number"]: row for row in csv_rows(client, "complaints")}
    assert rows[world.public_complaint.tracking_number]["title"] == '\'=HYPERLINK("http://x.example","y")'


@pytest.mark.django_db
def test_proposals_are_published_ones_with_their_text_redacted(client, world):
    rows = json_rows(client, "proposals")
    assert [row["id"] for row in rows] == [world.proposal.pk]
    assert rows[0]["body"] == "심야 버스를 늘려 주세요. 문의: [phone], [email]"
    assert (rows[0]["category"], rows[0]["district_code"], rows[0]["support_count"]) == ("transport", "11680", 3)


@pytest.mark.django_db
def test_poll_counts_appear_only_where_the_results_page_shows_them(client, world):
    polls = {row["id"]: row for row in json_rows(client, "polls")}
    assert set(polls) == {world.closed_poll.pk, world.hidden_results_poll.pk}  # no room poll
    assert polls[world.closed_poll.pk]["ballots"] == 7
    assert polls[world.hidden_results_poll.pk]["ballots"] is None
    assert polls[world.closed_poll.pk]["description"] == "제안자 연락처 [email]"
    options = {(row["poll_id"], row["position"]): row["votes"] for row in json_rows(client, "poll_results")}
    assert options == {
        (world.closed_poll.pk, 1): 4, (world.closed_poll.pk, 2): 3,
        (world.hidden_results_poll.pk, 1): None, (world.hidden_results_poll.pk, 2): None,
    }  # fmt: skip


@pytest.mark.django_db
def test_budget_votes_only_once_the_results_are_published(client, world):
    projects = {row["id"]: row for row in json_rows(client, "budget_projects")}
    assert set(projects) == {world.project.pk}  # the draft stays out
    assert projects[world.project.pk]["votes"] == 12
    assert projects[world.project.pk]["summary"] == "문의 [email]"
    assert projects[world.project.pk]["committee_score"] == 81.5
    results = json_rows(client, "budget_results")
    assert [(row["project_id"], row["rank"], row["votes"], row["funded"]) for row in results] == [
        (world.project.pk, 1, 12, True)
    ]
    world.project.cycle.__class__.objects.filter(pk=world.project.cycle_id).update(results_published_at=None)
    assert json_rows(client, "budget_projects")[0]["votes"] is None
    assert json_rows(client, "budget_results") == []


@pytest.mark.django_db
def test_meetings_link_approved_minutes_and_agenda_keeps_closed_items_out(client, world):
    meetings = json_rows(client, "committee_meetings")
    assert len(meetings) == 1
    assert meetings[0]["minutes_url"] == f"{settings.PUBLIC_BASE_URL}/governance/meetings/{world.meeting.pk}/"
    items = json_rows(client, "committee_agenda")
    assert [item["id"] for item in items] == [world.public_item.pk]
    world.meeting.__class__.objects.filter(pk=world.meeting.pk).update(minutes_status="draft")
    assert json_rows(client, "committee_meetings")[0]["minutes_url"] == ""


@pytest.mark.django_db
def test_english_requests_get_the_same_files(client, world):
    korean = _json_of(client, "committee_meetings")
    english = b"".join(client.get("/en/opendata/committee_meetings.json").streaming_content).decode()
    assert english == korean


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/opendata/no-such-data/", "/opendata/no-such-data.csv", "/opendata/no-such-data.json"])
def test_an_unknown_dataset_is_a_404_naming_it(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "no-such-data" in response.content.decode()
    assert reverse("opendata:dataset", args=["complaints"]) in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/opendata/complaints.xml", "/opendata/%27%20OR%201=1--.csv", "/opendata/../etc/"])
def test_odd_addresses_are_404s_not_errors(client, url):
    assert client.get(url).status_code == 404
