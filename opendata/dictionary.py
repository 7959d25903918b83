"""The data dictionary as data: every dataset with its fields, in Korean and in English, for
data_dictionary.json (written by export_open_data and served at /opendata/data_dictionary.json)."""

from django.conf import settings
from django.utils import translation

from .registry import LICENCE, LICENCE_URL, Dataset, all_datasets

FORMATS = ("csv", "json")


def _in_each_language(text) -> dict:
    texts = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            texts[code] = str(text)
    return texts


def dataset_entry(dataset: Dataset) -> dict:
    return {
        "slug": dataset.slug,
        "channel": dataset.channel,
        "channel_title": _in_each_language(dataset.channel_title),
        "title": _in_each_language(dataset.title),
        "description": _in_each_language(dataset.description),
        "anonymisation": _in_each_language(dataset.anonymisation),
        "update_frequency": _in_each_language(dataset.update_frequency),
        "licence": _in_each_language(LICENCE),
        "licence_url": LICENCE_URL,
        "files": [f"{dataset.slug}.{extension}" for extension in FORMATS],
        "fields": [
            {"name": field.name, "type": field.type, "description": _in_each_language(field.description)}
            for field in dataset.fields
        ],
    }


def data_dictionary(datasets=None) -> dict:
    return {
        "licence": _in_each_language(LICENCE),
        "licence_url": LICENCE_URL,
        "datasets": [dataset_entry(dataset) for dataset in (all_datasets() if datasets is None else datasets)],
    }
