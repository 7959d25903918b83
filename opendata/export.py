"""Writing open data files to disk for `manage.py export_open_data`.

Each file is written under a temporary name in the target directory and renamed into place when
complete (os.replace is atomic on one file system): a reader, or a web server publishing the
directory, sees the previous file or the new one, never half of one. A failure removes the
temporary file and leaves the previous file as it was.
"""

import json
import os
import stat
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from .dictionary import data_dictionary
from .registry import Dataset
from .writers import WRITERS

DICTIONARY_NAME = "data_dictionary.json"
# How often the progress callback hears of a long dataset.
PROGRESS_EVERY = 1_000
# Bytes gathered before a write: fewer system calls on a file of millions of rows.
WRITE_BUFFER = 1 << 20
# A file the command wrote less than this long ago is what /opendata/ serves in place of reading
# the records again (the command runs daily; a file older than that means it stopped).
FRESH_SECONDS = 24 * 60 * 60


def export_directory() -> Path:
    """Where export_open_data writes and /opendata/ looks for the exported files: the setting
    OPEN_DATA_EXPORT_DIR when a deployment sets one, var/opendata otherwise."""
    configured = getattr(settings, "OPEN_DATA_EXPORT_DIR", None)
    return Path(configured) if configured else Path(settings.BASE_DIR) / "var" / "opendata"


@dataclass(frozen=True)
class Exported:
    path: Path
    modified: float  # seconds since the epoch


def fresh_export(slug: str, extension: str, *, now: float | None = None) -> Exported | None:
    """The exported `<slug>.<extension>` when it is a regular file written within FRESH_SECONDS;
    None otherwise (missing, unreadable, stale or from the future, which a wrong clock gives)."""
    path = export_directory() / f"{slug}.{extension}"
    try:
        status = path.stat()
    except OSError:
        return None
    age = (time.time() if now is None else now) - status.st_mtime
    if not stat.S_ISREG(status.st_mode) or not 0 <= age < FRESH_SECONDS:
        return None
    return Exported(path, status.st_mtime)


@dataclass(frozen=True)
class Written:
    path: Path
    rows: int


def _write_atomically(path: Path, pieces) -> None:
    # Not a `with` around the creation: the file must outlive its handle to be renamed into place.
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115
        "w", encoding="utf-8", newline="", dir=path.parent, prefix=f".{path.name}.", suffix=".part", delete=False
    )
    try:
        with handle:
            for piece in pieces:
                handle.write(piece)
        os.replace(handle.name, path)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise


def _counted(rows, counter: list, progress: Callable | None, label: str) -> Iterator[tuple]:
    for row in rows:
        counter[0] += 1
        if progress is not None and counter[0] % PROGRESS_EVERY == 0:
            progress(label, counter[0])
        yield row


def export_dataset(dataset: Dataset, extension: str, directory: Path, *, progress: Callable | None = None) -> Written:
    """Write `<slug>.<extension>` into `directory`; `progress(file name, rows so far)` is called
    every PROGRESS_EVERY rows."""
    path = Path(directory) / f"{dataset.slug}.{extension}"
    counter = [0]
    rows = _counted(dataset.iter_rows(), counter, progress, path.name)
    _write_atomically(path, WRITERS[extension](dataset, rows))
    return Written(path, counter[0])


def export_dictionary(datasets, directory: Path) -> Path:
    path = Path(directory) / DICTIONARY_NAME
    text = json.dumps(data_dictionary(datasets), ensure_ascii=False, indent=2)
    _write_atomically(path, [text, "\n"])
    return path
