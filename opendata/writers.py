"""CSV and JSON text of a dataset, produced piece by piece: the views stream the pieces to the
client and the export command to a file, so a file of ten million rows never sits in memory.

CSV: UTF-8 with a byte-order mark (so spreadsheet programs in Korea open it as UTF-8), a header
row of the field names, one row per record. JSON: one array of objects, keyed by field name.
Times are in Seoul time (ISO 8601 with the +09:00 offset), to the second.
"""

import csv
import json
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone

from .registry import Dataset

# Rows per piece: large enough that a piece is a few tens of kilobytes, small enough to stay flat.
ROWS_PER_PIECE = 500
BOM = "\ufeff"
# A cell starting with one of these is a formula to a spreadsheet (CSV injection): it gets a quote.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def plain_value(value):
    """A value as JSON has it: times in Seoul as text, decimals as numbers."""
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        # The decimals published (coordinates to 3 places, scores to 4) are exact as doubles.
        return float(value)
    return value


def csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return str(value)
    value = plain_value(value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class _Line:
    """A file-like object that hands back what csv.writer writes into it (one row)."""

    def write(self, value):
        return value


def csv_pieces(dataset: Dataset, rows: Iterable[tuple] | None = None) -> Iterator[str]:
    writer = csv.writer(_Line(), lineterminator="\r\n")
    batch = [BOM + writer.writerow(dataset.field_names)]
    for row in dataset.iter_rows() if rows is None else rows:
        batch.append(writer.writerow([csv_cell(value) for value in row]))
        if len(batch) >= ROWS_PER_PIECE:
            yield "".join(batch)
            batch = []
    yield "".join(batch)


def json_pieces(dataset: Dataset, rows: Iterable[tuple] | None = None) -> Iterator[str]:
    names = dataset.field_names
    batch, separator = ["["], ""
    for row in dataset.iter_rows() if rows is None else rows:
        item = json.dumps(dict(zip(names, (plain_value(value) for value in row), strict=True)), ensure_ascii=False)
        batch.append(separator + item)
        separator = ","
        if len(batch) >= ROWS_PER_PIECE:
            yield "".join(batch)
            batch = []
    batch.append("]")
    yield "".join(batch)


WRITERS = {"csv": csv_pieces, "json": json_pieces}
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json; charset=utf-8"}
