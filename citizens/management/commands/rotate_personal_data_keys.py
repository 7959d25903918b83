from django.conf import settings
from django.core.management.base import BaseCommand

from citizens.key_rotation import BATCH_SIZE, rotate_personal_data_keys


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted column under the first of FIELD_ENCRYPTION_KEYS and recompute every blind "
        "index under BLIND_INDEX_KEY, in batches. Safe to stop and run again; see README (rotating the "
        "personal-data keys) for the order of the steps."
    )

    def add_arguments(self, parser):
        parser.add_argument("--only", choices=["encryption", "blind-index"], help="Do one of the two rotations.")
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)

    def handle(self, *args, only=None, batch_size=BATCH_SIZE, **options):
        if len(settings.FIELD_ENCRYPTION_KEYS) < 2 and only != "blind-index":
            self.stdout.write("FIELD_ENCRYPTION_KEYS lists one key: rows not under it cannot be read, let alone rotated.")
        report = rotate_personal_data_keys(
            encryption=only in (None, "encryption"), blind_index=only in (None, "blind-index"), batch_size=batch_size
        )
        for line in report.lines():
            self.stdout.write(line)
        if report.conflicts:
            self.stderr.write(f"{len(report.conflicts)} row(s) could not be re-indexed: another row holds the value.")
        self.stdout.write(
            "Done. Once no row is left to rewrite, remove the old keys (the old field key from "
            "FIELD_ENCRYPTION_KEYS, BLIND_INDEX_PREVIOUS_KEYS)."
        )
