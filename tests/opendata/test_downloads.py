"""Downloads of the files: limited per client IP (a minute's downloads, live streams at once), and
served from the daily export while it is fresh instead of reading the records again."""

import os
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.core.signals import request_finished
from django.db import close_old_connections, connection
from django.http import FileResponse, StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from complaints.models import Complaint
from opendata.export import export_directory
from tests.opendata.conftest import EMAIL, OTHER_CLIENT_IPS, PUBLIC_TITLE

# Reversed once, in Korean (no prefix): a request to an /en/ page leaves English active.
CSV = reverse("opendata:csv", args=["complaints"])
JSON = reverse("opendata:json", args=["complaints"])
POLLS_JSON = reverse("opendata:json", args=["polls"])


def run_export(*args):
    from io import StringIO

    from django.core.management import call_command

    call_command("export_open_data", *args, stdout=StringIO())


def ten_seconds_into_this_minute() -> datetime:
    # In the window the autouse fixture cleared (it clears the next one too).
    return datetime.fromtimestamp((int(time.time()) // 60) * 60 + 10, tz=UTC)


def english(client, path, **extra):
    return client.get(f"/en{path}", **extra)


def read(response) -> bytes:
    return b"".join(response.streaming_content)


def close_unread(response):
    """What the server does when a client goes away mid-download. Like the test client, without
    request_finished closing the test's database connection."""
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)


@pytest.mark.django_db
def test_a_client_over_the_minute_s_limit_gets_a_429_with_retry_after(client, world, settings):
    settings.OPEN_DATA_DOWNLOADS_PER_MINUTE = 3
    start = ten_seconds_into_this_minute()
    with freeze_time(start):
        for _ in range(3):
            response = english(client, CSV)
            assert response.status_code == 200
            read(response)
        refused = english(client, CSV)
        assert refused.status_code == 429
        assert refused["Retry-After"] == "50"  # the window ends 50 seconds later
        page = refused.content.decode()
        assert "at most 3 a minute. Please try again in 50 seconds." in page
        assert 'id="opendata-limit-message"' in page
        # The limit counts every file of every dataset, and no one else's downloads.
        assert english(client, POLLS_JSON).status_code == 429
        other = english(client, CSV, REMOTE_ADDR=OTHER_CLIENT_IPS[0])
        assert other.status_code == 200
        read(other)
    with freeze_time(start + timedelta(seconds=60)):
        again = english(client, CSV)
        assert again.status_code == 200
        read(again)


@pytest.mark.django_db
def test_the_limit_counts_the_client_behind_trusted_proxies(client, world, settings):
    settings.OPEN_DATA_DOWNLOADS_PER_MINUTE = 1
    settings.TRUSTED_PROXY_COUNT = 1
    with freeze_time(ten_seconds_into_this_minute()):
        first, second = OTHER_CLIENT_IPS[1], OTHER_CLIENT_IPS[2]
        read(client.get(CSV, HTTP_X_FORWARDED_FOR=first))
        read(client.get(CSV, HTTP_X_FORWARDED_FOR=second))  # another client behind the same proxy
        # A client forging an earlier hop is counted by the address the proxy saw.
        assert client.get(CSV, HTTP_X_FORWARDED_FOR=f"10.9.9.9, {first}").status_code == 429


@pytest.mark.django_db
def test_live_streams_at_once_are_limited_and_given_back_when_done(client, world, settings):
    settings.OPEN_DATA_LIVE_STREAMS_PER_IP = 1
    in_progress = english(client, CSV)
    assert in_progress.status_code == 200
    refused = english(client, JSON)
    assert refused.status_code == 429
    assert refused["Retry-After"] == "60"
    assert "already downloading 1 open data file" in refused.content.decode()
    assert PUBLIC_TITLE.encode() in read(in_progress)  # read to the end: the slot is given back
    after = english(client, JSON)
    assert after.status_code == 200
    read(after)


@pytest.mark.django_db
def test_a_stream_closed_early_gives_its_slot_back(client, world, settings):
    settings.OPEN_DATA_LIVE_STREAMS_PER_IP = 1
    abandoned = client.get(CSV)
    close_unread(abandoned)
    response = client.get(CSV)
    assert response.status_code == 200
    read(response)


@pytest.mark.django_db
def test_a_fresh_export_is_served_from_disk_without_the_database(client, world, settings):
    run_export("--dataset", "complaints", "--format", "csv")  # to OPEN_DATA_EXPORT_DIR, the test's directory
    path = Path(settings.OPEN_DATA_EXPORT_DIR) / "complaints.csv"
    assert export_directory() == path.parent
    exported = path.read_bytes()
    # A change after the export does not show until the next one.
    Complaint.objects.filter(pk=world.public_complaint.pk).update(title="바뀐 제목")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(CSV)
        served = read(response)
    assert response.status_code == 200
    assert isinstance(response, FileResponse)
    assert served == exported
    assert PUBLIC_TITLE.encode() in served and "바뀐 제목".encode() not in served
    assert len(queries) == 0
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Length"] == str(len(exported))
    day = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="seoul-complaints-{day}.csv"'
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Last-Modified" in response


@pytest.mark.django_db
@pytest.mark.parametrize("state", ["missing", "stale", "from_the_future", "a_directory"])
def test_without_a_fresh_export_the_file_is_streamed_from_the_records(client, world, settings, state):
    path = Path(settings.OPEN_DATA_EXPORT_DIR) / "complaints.csv"
    if state == "a_directory":
        path.mkdir()
    elif state != "missing":
        path.write_text("old,file\r\n", encoding="utf-8")
        moment = time.time() + (-25 * 3600 if state == "stale" else 3600)
        os.utime(path, (moment, moment))
    Complaint.objects.filter(pk=world.public_complaint.pk).update(title="바뀐 제목")
    response = client.get(CSV)
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse) and not isinstance(response, FileResponse)
    body = read(response).decode("utf-8-sig")
    assert "바뀐 제목" in body and "old,file" not in body
    assert EMAIL not in body
    assert response["Access-Control-Allow-Origin"] == "*"


@pytest.mark.django_db
def test_a_fresh_export_of_one_format_leaves_the_other_live(client, world, settings):
    run_export("--dataset", "complaints", "--format", "csv")
    response = client.get(JSON)
    assert not isinstance(response, FileResponse)
    assert PUBLIC_TITLE in read(response).decode()


@pytest.mark.django_db
def test_a_fresh_export_still_counts_against_the_minute_s_limit(client, world, settings):
    settings.OPEN_DATA_DOWNLOADS_PER_MINUTE = 1
    run_export("--dataset", "complaints", "--format", "csv")
    with freeze_time(ten_seconds_into_this_minute()):
        read(client.get(CSV))
        assert client.get(CSV).status_code == 429
