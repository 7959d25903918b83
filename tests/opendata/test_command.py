"""manage.py export_open_data: the files and their dictionary, written whole or not at all."""

import csv
import json
import re

import pytest
from django.core.management import CommandError, call_command

from opendata import export
from opendata.registry import all_datasets, get_dataset
from seoul_portal import progress
from tests.opendata.conftest import EMAIL, NAME


def run(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command("export_open_data", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_every_file_and_the_dictionary_are_written(world, tmp_path):
    output = run("--output", str(tmp_path))
    names = sorted(path.name for path in tmp_path.iterdir())
    expected = sorted([f"{d.slug}.{ext}" for d in all_datasets() for ext in ("csv", "json")] + ["data_dictionary.json"])
    assert names == expected  # and no temporary file left behind
    assert "complaints.csv: 2 rows" in output
    assert "proposals.json: 1 rows" in output
    with open(tmp_path / "complaints.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    # Private first (lower pk): its tracking number stays out of the file.
    assert [row["tracking_number"] for row in rows] == ["", world.public_complaint.tracking_number]
    assert len({row["record_id"] for row in rows}) == 2
    for path in tmp_path.iterdir():
        text = path.read_text(encoding="utf-8")
        assert NAME not in text and EMAIL not in text
    dictionary = json.loads((tmp_path / "data_dictionary.json").read_text(encoding="utf-8"))
    assert [entry["slug"] for entry in dictionary["datasets"]] == [d.slug for d in all_datasets()]


@pytest.mark.django_db
def test_one_dataset_in_one_format(world, tmp_path):
    run("--output", str(tmp_path), "--dataset", "polls", "--format", "json")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["data_dictionary.json", "polls.json"]
    polls = json.loads((tmp_path / "polls.json").read_text(encoding="utf-8"))
    assert sorted(poll["id"] for poll in polls) == sorted([world.closed_poll.pk, world.hidden_results_poll.pk])
    dictionary = json.loads((tmp_path / "data_dictionary.json").read_text(encoding="utf-8"))
    assert [entry["slug"] for entry in dictionary["datasets"]] == ["polls"]


@pytest.mark.django_db
def test_an_unknown_dataset_is_refused_with_the_known_ones(tmp_path):
    with pytest.raises(CommandError, match=r"Unknown dataset\(s\): nope\. The datasets are: complaints, proposals"):
        run("--output", str(tmp_path), "--dataset", "nope")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.django_db
def test_an_output_that_is_a_file_is_refused(tmp_path):
    target = tmp_path / "a-file"
    target.write_text("x")
    with pytest.raises(CommandError, match="is a file, not a directory"):
        run("--output", str(target))


@pytest.mark.django_db
def test_a_failed_export_leaves_the_previous_file_and_no_temporary_one(world, tmp_path):
    run("--output", str(tmp_path), "--dataset", "complaints", "--format", "csv")
    before = (tmp_path / "complaints.csv").read_bytes()
    dataset = get_dataset("complaints")

    def broken_rows():
        yield from dataset.rows()
        raise RuntimeError("the database went away")

    broken = type(dataset)(**{**dataset.__dict__, "rows": broken_rows})
    with pytest.raises(RuntimeError):
        export.export_dataset(broken, "csv", tmp_path)
    assert (tmp_path / "complaints.csv").read_bytes() == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["complaints.csv", "data_dictionary.json"]


@pytest.mark.django_db
def test_progress_is_reported_for_long_datasets(world, tmp_path, monkeypatch):
    monkeypatch.setattr(export, "PROGRESS_EVERY", 1)
    monkeypatch.setattr(progress, "EVERY", 0)  # a log's line at every row the export reports
    output = run("--output", str(tmp_path), "--dataset", "complaints", "--format", "csv")
    assert "  complaints.csv: 1 rows, " in output
    assert "  complaints.csv: 2 rows, " in output
    assert re.search(r"^complaints\.csv: 2 rows in \d+\.\d s \([\d.,]+/s\)$", output, re.MULTILINE), output


@pytest.mark.django_db
def test_a_log_gets_no_line_before_the_interval(world, tmp_path, monkeypatch):
    monkeypatch.setattr(export, "PROGRESS_EVERY", 1)
    monkeypatch.setattr(progress, "EVERY", 3600)
    output = run("--output", str(tmp_path), "--dataset", "complaints", "--format", "csv")
    assert output.splitlines()[0].startswith("complaints.csv: 2 rows in ")
