"""/opendata/: the list of datasets per channel, each dataset's data dictionary, and the files
themselves.

A file is the one `manage.py export_open_data` wrote to the export directory when it is less than
a day old (FileResponse: read from disk in blocks, no database), else it is streamed from the
records as they are read (StreamingHttpResponse: constant memory at any size, one server-side
cursor). Either way each client IP is limited in downloads a minute and in live streams at once
(opendata.limits): a few clients cannot keep the database scanning ten million rows.

No page counts rows: counting ten million complaints on every visit would scan the table.
"""

import datetime

from django.http import FileResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import http_date
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_GET

from . import limits
from .dictionary import data_dictionary
from .export import fresh_export
from .registry import LICENCE, LICENCE_URL, all_datasets, datasets_by_channel, get_dataset
from .writers import CONTENT_TYPES, WRITERS


def _not_found(request, slug):
    return render(request, "opendata/not_found.html", {"slug": slug, "groups": datasets_by_channel()}, status=404)


def _common(dataset=None) -> dict:
    return {"licence": LICENCE, "licence_url": LICENCE_URL, "dataset": dataset}


@require_GET
def dataset_index(request):
    return render(request, "opendata/index.html", {**_common(), "groups": datasets_by_channel()})


@require_GET
def dataset_dictionary(request, slug):
    dataset = get_dataset(slug)
    if dataset is None:
        return _not_found(request, slug)
    return render(request, "opendata/dataset.html", _common(dataset))


def _too_many(request, dataset, refusal: limits.Refusal):
    if refusal.scope == "streams":
        message = ngettext(
            "Your network is already downloading %(limit)d open data file, the most it may download at once. Please "
            "wait until it has finished, then try again.",
            "Your network is already downloading %(limit)d open data files, the most it may download at once. Please "
            "wait until one has finished, then try again.",
            refusal.limit,
        ) % {"limit": refusal.limit}
    else:
        message = gettext(
            "Too many open data downloads from your network: at most %(limit)d a minute. Please try again in "
            "%(seconds)d seconds."
        ) % {"limit": refusal.limit, "seconds": refusal.retry_after}
    response = render(request, "opendata/too_many.html", {**_common(dataset), "message": message}, status=429)
    response["Retry-After"] = str(refusal.retry_after)
    return response


def _download_name(dataset, extension, day: datetime.date) -> str:
    return f"seoul-{dataset.slug}-{day.isoformat()}.{extension}"


def _open_data_headers(response):
    # Open data: any site may read it.
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _exported_file(dataset, extension):
    exported = fresh_export(dataset.slug, extension)
    if exported is None:
        return None
    try:
        handle = open(exported.path, "rb")  # noqa: SIM115 -- FileResponse closes it
    except OSError:
        # Replaced or removed since it was looked at: read the records instead.
        return None
    written = datetime.datetime.fromtimestamp(exported.modified, tz=datetime.UTC)
    response = FileResponse(
        handle, content_type=CONTENT_TYPES[extension], as_attachment=True,
        filename=_download_name(dataset, extension, timezone.localdate(written)),
    )  # fmt: skip
    response["Last-Modified"] = http_date(exported.modified)
    return response


def _live_stream(request, dataset, extension):
    slot = limits.take_stream(request.client_ip)
    if isinstance(slot, limits.Refusal):
        return _too_many(request, dataset, slot)
    pieces = limits.ReleasingStream(WRITERS[extension](dataset), slot)
    response = StreamingHttpResponse(pieces, content_type=CONTENT_TYPES[extension])
    name = _download_name(dataset, extension, timezone.localdate())
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _file(request, slug, extension):
    dataset = get_dataset(slug)
    if dataset is None:
        return _not_found(request, f"{slug}.{extension}")
    refusal = limits.take_download(request.client_ip)
    if refusal is not None:
        return _too_many(request, dataset, refusal)
    response = _exported_file(dataset, extension)
    if response is None:
        response = _live_stream(request, dataset, extension)
    return _open_data_headers(response)


@require_GET
def dataset_csv(request, slug):
    return _file(request, slug, "csv")


@require_GET
def dataset_json(request, slug):
    return _file(request, slug, "json")


@require_GET
def dictionary_json(request):
    response = JsonResponse(data_dictionary(all_datasets()), json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    return response
