import re

from django.core.management.base import BaseCommand, CommandError

from audit.verification import ledger_verify
from seoul_portal.progress import Progress


def published_head(value):
    match = re.fullmatch(r"(\d+):([0-9a-f]{64})", value)
    if not match:
        raise ValueError(value)
    return int(match[1]), match[2]


class Command(BaseCommand):
    help = (
        "Recompute the participation ledger's hash chain and ask every channel to recount its scopes; "
        "exits with an error on any mismatch."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--published",
            type=published_head,
            metavar="HEIGHT:HASH",
            help="A head published earlier (e.g. from /ledger/head.json): the chain must still contain it.",
        )

    def handle(self, *args, published=None, **options):
        # The blocks checked: a bar on a terminal, a line every 10 s in a log; then the counts and time.
        with Progress(self.stdout, "checking blocks", what="blocks") as progress:
            report = ledger_verify(published_head=published, progress=progress.update)
            progress.finish(
                "checked {done} blocks, {entries} entries and {scopes} scopes in {time}",
                entries=report.entries_checked, scopes=report.scopes_recounted,
            )
        self.stdout.write(f"Blocks checked:     {report.blocks_checked}")
        self.stdout.write(f"Entries checked:    {report.entries_checked}")
        if report.head_height is None:
            self.stdout.write("Head:               (no block sealed yet)")
        else:
            self.stdout.write(f"Head:               block {report.head_height} {report.head_hash}")
        self.stdout.write(f"Unsealed entries:   {report.unsealed_entries}")
        self.stdout.write(f"Scopes recounted:   {report.scopes_recounted}")
        if report.scopes_not_recounted:
            # Not a failure: a channel that registers no recount is reported, not guessed at.
            self.stdout.write(
                self.style.WARNING(
                    f"Scopes without a registered recount ({len(report.scopes_not_recounted)}): "
                    + ", ".join(report.scopes_not_recounted[:20])
                    + (" ..." if len(report.scopes_not_recounted) > 20 else "")
                )
            )
        if not report.ok:
            for problem in report.problems:
                self.stderr.write(self.style.ERROR(f"MISMATCH: {problem}"))
            raise CommandError(f"The ledger does not verify: {len(report.problems)} problem(s).")
        self.stdout.write(self.style.SUCCESS("The ledger verifies."))
