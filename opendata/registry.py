"""The open datasets each channel publishes: what a file holds, field by field, and where its rows
come from.

opendata sits below governance and the channel apps: it never imports them. Each app registers
its datasets in its AppConfig.ready() (see complaints/open_data.py and its siblings):

    from opendata.registry import Dataset, Field, register_dataset

    register_dataset(Dataset(
        slug="complaints", channel="complaints", channel_title=_("Civil complaints"),
        title=_("Civil complaints"), description=_("..."), anonymisation=_("..."),
        fields=(Field("tracking_number", STRING, _("...")), ...),
        rows=complaint_rows,
    ))

`rows()` returns an iterator of tuples, one value per field in `fields` order. It must hold
constant memory whatever the number of rows: a queryset's `values_list(...).iterator(chunk_size=...)`
mapped row by row, never a list of rows. It must never select personal data: the export writes
whatever it yields.
"""

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

# The field types of the data dictionary (JSON Table Schema's names, so tools can read them).
STRING = "string"
INTEGER = "integer"
NUMBER = "number"
BOOLEAN = "boolean"
DATE = "date"
DATETIME = "datetime"
FIELD_TYPES = (STRING, INTEGER, NUMBER, BOOLEAN, DATE, DATETIME)

# The licence of every file: the Korea Open Government Licence, type 1 (attribution only).
LICENCE = _("Korea Open Government Licence (KOGL) Type 1: free to use, including commercially, with attribution")
LICENCE_URL = "https://www.kogl.or.kr/info/licenseType1.do"
# The files the daily export_open_data wrote are served while less than a day old (opendata.export).
LIVE = _(
    "Daily: a download gives the file exported in the past 24 hours; when there is none, it reads the current "
    "records."
)

SLUG_RE = re.compile(r"^[a-z][a-z0-9_-]{0,59}$")
NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Field:
    """One column: a stable ASCII snake_case name, its type and what it means."""

    name: str
    type: str
    description: str

    def __post_init__(self):
        if not NAME_RE.match(self.name):
            raise ValueError(f"A field name is ASCII snake_case, not {self.name!r}.")
        if self.type not in FIELD_TYPES:
            raise ValueError(f"A field type is one of {FIELD_TYPES}, not {self.type!r}.")


@dataclass(frozen=True)
class Dataset:
    slug: str
    channel: str
    channel_title: str
    title: str
    description: str
    fields: tuple[Field, ...]
    rows: Callable[[], Iterable[tuple]]
    # What was removed or coarsened so that no row names, reaches or locates a person.
    anonymisation: str = ""
    update_frequency: str = LIVE
    order: int = 100

    def __post_init__(self):
        if not SLUG_RE.match(self.slug):
            raise ValueError(f"A dataset slug is lowercase ASCII (letters, digits, - and _), not {self.slug!r}.")
        names = [field.name for field in self.fields]
        if not names or len(set(names)) != len(names):
            raise ValueError(f"Dataset {self.slug!r} needs fields with distinct names.")

    @property
    def field_names(self) -> list[str]:
        return [field.name for field in self.fields]

    def iter_rows(self) -> Iterator[tuple]:
        width = len(self.fields)
        for row in self.rows():
            if len(row) != width:
                raise ValueError(f"Dataset {self.slug!r} yielded a row of {len(row)} values for {width} fields.")
            yield row


@dataclass(frozen=True)
class ChannelGroup:
    channel: str
    title: str
    datasets: list


_datasets: dict[str, Dataset] = {}


def register_dataset(dataset: Dataset) -> Dataset:
    _datasets[dataset.slug] = dataset
    return dataset


def unregister_dataset(slug: str):
    _datasets.pop(slug, None)


def all_datasets() -> list[Dataset]:
    return sorted(_datasets.values(), key=lambda dataset: (dataset.order, dataset.slug))


def get_dataset(slug) -> Dataset | None:
    if not isinstance(slug, str):
        return None
    return _datasets.get(slug)


def datasets_by_channel() -> list[ChannelGroup]:
    """The datasets grouped per channel, channels in the order of their first dataset."""
    groups: dict[str, ChannelGroup] = {}
    for dataset in all_datasets():
        group = groups.setdefault(dataset.channel, ChannelGroup(dataset.channel, dataset.channel_title, []))
        group.datasets.append(dataset)
    return list(groups.values())
