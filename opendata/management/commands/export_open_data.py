"""Write the open data files to a directory, as /opendata/ serves them.

    manage.py export_open_data [--output DIR] [--dataset SLUG ...] [--format csv|json|both]

Every file streams to disk (constant memory at ten million rows) under a temporary name and is
renamed into place when complete; data_dictionary.json describes the files written. The rows
written so far show on a terminal's bar (a line every 10 s in a log), and each file ends with a
line of its rows and time.
"""

import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from opendata.export import DICTIONARY_NAME, export_dataset, export_dictionary, export_directory
from opendata.registry import all_datasets, get_dataset
from seoul_portal.progress import Progress

FORMATS = {"csv": ("csv",), "json": ("json",), "both": ("csv", "json")}


def default_output() -> Path:
    # The directory /opendata/ serves the files from while they are fresh.
    return export_directory()


class Command(BaseCommand):
    help = "Write the anonymised open data files (CSV, JSON) and their data dictionary to a directory."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", default=None,
            help="The directory to write to (default: the setting OPEN_DATA_EXPORT_DIR, or var/opendata).",
        )  # fmt: skip
        parser.add_argument(
            "--dataset", action="append", default=[], metavar="SLUG",
            help="Only this dataset (repeat for several). Default: every dataset.",
        )  # fmt: skip
        parser.add_argument("--format", choices=sorted(FORMATS), default="both", help="csv, json or both (default).")

    def handle(self, *args, output=None, dataset=(), format="both", **options):
        datasets = self._datasets(dataset)
        directory = self._directory(output)
        for item in datasets:
            for extension in FORMATS[format]:
                # The rows so far: a bar on a terminal, a line every 10 s in a log; then the count.
                with Progress(self.stdout, f"{item.slug}.{extension}", what="rows") as progress:
                    written = export_dataset(
                        item, extension, directory, progress=lambda _name, rows: progress.update(rows)
                    )
                    progress.done = written.rows
        export_dictionary(datasets, directory)
        self.stdout.write(f"{DICTIONARY_NAME}: {len(datasets)} dataset(s)")
        self.stdout.write(self.style.SUCCESS(f"Done: {directory}"))

    def _datasets(self, slugs):
        if not slugs:
            datasets = all_datasets()
            if not datasets:
                raise CommandError("No dataset is registered (are the channel apps installed?).")
            return datasets
        unknown = [slug for slug in slugs if get_dataset(slug) is None]
        if unknown:
            known = ", ".join(item.slug for item in all_datasets())
            raise CommandError(f"Unknown dataset(s): {', '.join(unknown)}. The datasets are: {known}.")
        return [get_dataset(slug) for slug in dict.fromkeys(slugs)]

    def _directory(self, output) -> Path:
        directory = Path(output) if output else default_output()
        if directory.exists() and not directory.is_dir():
            raise CommandError(f"--output {directory} is a file, not a directory.")
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise CommandError(f"Cannot create the directory {directory}: {error.strerror or error}.") from None
        if not os.access(directory, os.W_OK | os.X_OK):
            raise CommandError(f"Cannot write to the directory {directory}.")
        return directory
