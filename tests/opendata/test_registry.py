"""The registry refuses datasets the pages and files could not describe."""

import pytest

from opendata.registry import STRING, Dataset, Field, all_datasets
from opendata.writers import csv_cell, plain_value


def _dataset(**fields):
    return Dataset(**{"slug": "x", "channel": "c", "channel_title": "C", "title": "T", "description": "D",
                      "fields": (Field("a", STRING, "A"),), "rows": lambda: iter([("1",)]), **fields})  # fmt: skip


@pytest.mark.parametrize("name", ["Name", "이름", "a-b", "", "a b"])
def test_field_names_are_ascii_snake_case(name):
    with pytest.raises(ValueError, match="snake_case"):
        Field(name, STRING, "x")


def test_field_types_are_the_dictionary_types():
    with pytest.raises(ValueError, match="field type"):
        Field("a", "varchar", "x")


@pytest.mark.parametrize("slug", ["Complaints", "a.csv", "../x", "", "a" * 61])
def test_slugs_are_lowercase_and_dotless(slug):
    with pytest.raises(ValueError, match="slug"):
        _dataset(slug=slug)


def test_duplicate_field_names_are_refused():
    with pytest.raises(ValueError, match="distinct"):
        _dataset(fields=(Field("a", STRING, "A"), Field("a", STRING, "B")))


def test_a_row_of_the_wrong_width_stops_the_file():
    dataset = _dataset(rows=lambda: iter([("1", "2")]))
    with pytest.raises(ValueError, match="2 values for 1 fields"):
        list(dataset.iter_rows())


@pytest.mark.django_db
def test_every_dataset_yields_rows_lazily():
    # A list would hold every row in memory; an iterator holds one chunk.
    for dataset in all_datasets():
        rows = dataset.rows()
        assert iter(rows) is rows, dataset.slug


def test_cells_and_values():
    from datetime import UTC, date, datetime
    from decimal import Decimal

    moment = datetime(2026, 1, 31, 15, 30, 5, 123456, tzinfo=UTC)
    assert plain_value(moment) == "2026-02-01T00:30:05+09:00"
    assert plain_value(date(2026, 2, 1)) == "2026-02-01"
    assert plain_value(Decimal("37.498")) == 37.498
    assert (csv_cell(None), csv_cell(True), csv_cell(False), csv_cell(Decimal("81.50"))) == ("", "true", "false", "81.50")
    assert csv_cell("-1+2") == "'-1+2"
    assert csv_cell(-3) == -3  # numbers are numbers, not formulas
