"""The complaints dataset names a complaint by its tracking number only when the complaint is
public; every row has a pseudonymous record_id, the same in every export, to join and deduplicate."""

import csv
import io
import json
import re

import pytest
from django.urls import reverse
from django.utils.crypto import salted_hmac

from opendata.registry import get_dataset

# The hand-written definition: HMAC-SHA256 of the pk, keyed from SECRET_KEY, 16 hex digits.
SALT = "complaints.open_data.record_id"


def expected_record_id(complaint) -> str:
    return salted_hmac(SALT, str(complaint.pk), algorithm="sha256").hexdigest()[:16]


def body(client, extension) -> str:
    response = client.get(reverse(f"opendata:{extension}", args=["complaints"]))
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode("utf-8-sig")


def rows(client, extension) -> list[dict]:
    text = body(client, extension)
    if extension == "csv":
        return list(csv.DictReader(io.StringIO(text)))
    return json.loads(text)


@pytest.mark.django_db
@pytest.mark.parametrize("extension", ["csv", "json"])
def test_no_private_complaint_s_tracking_number_is_published(client, world, extension):
    text = body(client, extension)
    assert world.private_complaint.tracking_number not in text
    assert world.public_complaint.tracking_number in text
    by_id = {row["record_id"]: row for row in rows(client, extension)}
    assert by_id[expected_record_id(world.private_complaint)]["tracking_number"] == ""
    assert by_id[expected_record_id(world.public_complaint)]["tracking_number"] == world.public_complaint.tracking_number


@pytest.mark.django_db
def test_record_ids_are_stable_across_exports_and_differ_between_complaints(client, world):
    first = [row["record_id"] for row in rows(client, "csv")]
    second = [row["record_id"] for row in rows(client, "csv")]
    as_json = [row["record_id"] for row in rows(client, "json")]
    # In pk order: the private complaint was filed first.
    assert first == second == as_json == [
        expected_record_id(world.private_complaint),
        expected_record_id(world.public_complaint),
    ]
    assert first[0] != first[1]
    assert all(re.fullmatch(r"[0-9a-f]{16}", record_id) for record_id in first)


@pytest.mark.django_db
def test_record_ids_are_keyed_not_a_plain_hash_of_the_pk(client, world, settings):
    before = [row["record_id"] for row in rows(client, "json")]
    settings.SECRET_KEY = "another-secret-key-for-this-test-only-0123456789"
    after = [row["record_id"] for row in rows(client, "json")]
    assert after == [expected_record_id(world.private_complaint), expected_record_id(world.public_complaint)]
    assert set(before).isdisjoint(after)


@pytest.mark.django_db
def test_the_data_dictionary_describes_record_id_and_the_public_only_tracking_number(client):
    dataset = get_dataset("complaints")
    assert dataset.field_names[:2] == ["record_id", "tracking_number"]
    entry = next(item for item in client.get(reverse("opendata:dictionary_json")).json()["datasets"]
                 if item["slug"] == "complaints")  # fmt: skip
    fields = {field["name"]: field for field in entry["fields"]}
    assert fields["record_id"]["type"] == "string"
    assert "16 hex digits" in fields["record_id"]["description"]["en"]
    assert "empty for a private complaint" in fields["tracking_number"]["description"]["en"]
    assert "record_id" in entry["anonymisation"]["en"]
