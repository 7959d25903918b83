"""/opendata/ and each dataset's data dictionary page."""

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from opendata.registry import LICENCE, LICENCE_URL, all_datasets, get_dataset


@pytest.mark.django_db
def test_the_index_lists_every_dataset_per_channel_with_its_files(client):
    response = client.get(reverse("opendata:index"))
    assert response.status_code == 200
    page = response.content.decode()
    for dataset in all_datasets():
        assert f'id="dataset-{dataset.slug}"' in page
        for name in ("opendata:csv", "opendata:json", "opendata:dataset"):
            assert f'href="{reverse(name, args=[dataset.slug])}"' in page
    for channel in ("complaints", "proposals", "voting", "budgeting", "governance"):
        assert f'id="channel-{channel}"' in page
    assert LICENCE_URL in page


@pytest.mark.django_db
def test_the_index_reads_nothing_from_the_database(client, django_assert_max_num_queries):
    # No row counts: counting ten million complaints per visit would scan the table.
    with django_assert_max_num_queries(0):
        assert client.get(reverse("opendata:index")).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("slug", [dataset.slug for dataset in all_datasets()])
def test_the_dictionary_page_lists_every_field_with_type_and_meaning(client, slug):
    dataset = get_dataset(slug)
    with translation.override("en"):
        page = client.get(f"/en/opendata/{slug}/").content.decode()
        for field in dataset.fields:
            assert f'<tr id="field-{field.name}"><th scope="row"><code>{field.name}</code></th>' in page
            assert f"<td><code>{field.type}</code></td><td>{escape(str(field.description))}</td>" in page
        assert escape(str(dataset.anonymisation)) in page
        assert escape(str(dataset.update_frequency)) in page
        assert escape(str(LICENCE)) in page


@pytest.mark.django_db
def test_the_machine_readable_dictionary_has_both_languages(client):
    data = client.get(reverse("opendata:dictionary_json")).json()
    assert [entry["slug"] for entry in data["datasets"]] == [dataset.slug for dataset in all_datasets()]
    complaints = data["datasets"][0]
    assert complaints["files"] == ["complaints.csv", "complaints.json"]
    assert [field["name"] for field in complaints["fields"]] == get_dataset("complaints").field_names
    with translation.override("en"):
        assert complaints["title"]["en"] == str(get_dataset("complaints").title)
    assert set(complaints["title"]) == {"ko", "en"}


def test_the_complaint_fields_name_every_code_they_take():
    from complaints.models import ComplaintType
    from complaints.models.complaints import Channel
    from complaints.states import Status

    with translation.override("en"):
        descriptions = {field.name: str(field.description) for field in get_dataset("complaints").fields}
    for codes, name in ((Channel.values, "channel"), (ComplaintType.values, "complaint_type"), (Status.values, "status")):
        for code in codes:
            assert code in descriptions[name]
