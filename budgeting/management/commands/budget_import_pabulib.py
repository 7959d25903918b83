"""Load a pabulib .pb file as a read-only cycle to simulate on."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from budgeting.errors import BudgetingError
from budgeting.pabulib import PabulibError, read_pabulib
from budgeting.pabulib_io import cycle_from_election, imported_as_approvals
from budgeting.services.tally import cycle_count
from seoul_portal.progress import Progress


class Command(BaseCommand):
    help = (
        "Import a pabulib .pb file as a read-only simulation cycle (one pot; projects keyed by their pabulib "
        "project_id; ballots with age and sex when given; the rule from META: greedy, greedy-threshold, "
        "equalshares/add1 -> mes, equalshares/add1-comparison -> mes-comparison, anything else -> greedy). "
        "Points and ranked ballots are imported as approvals. Prints the new cycle's id on the last line. "
        "With --count the imported ballots are also counted and the results stored (shown on the results page)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .pb file")
        parser.add_argument("--count", action="store_true", help="count the ballots and store the results")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        # The progress goes to standard error: standard output ends with the cycle's id.
        with Progress(self.stderr, "reading votes", what="votes") as progress:
            try:
                election = read_pabulib(path, progress=progress.update)
            except PabulibError as error:
                raise CommandError(f"{path.name} is not a valid pabulib file: {error}") from None
            except OSError as error:
                raise CommandError(f"Cannot read {path}: {error.strerror or error}") from None
            progress.finish("read {projects} projects and {done} votes in {time} ({rate}/s)",
                            projects=len(election.projects))  # fmt: skip
        if imported_as_approvals(election):
            self.stderr.write(
                f"Note: {election.vote_type} ballots are imported as approvals of every project they name "
                "(points and rankings are not kept)."
            )
        try:
            with Progress(self.stderr, "importing ballots", len(election.ballots), what="ballots",
                          summary="imported {done} ballots in {time} ({rate}/s)") as progress:  # fmt: skip
                cycle = cycle_from_election(election, source_name=path.name, progress=progress.update)
            if options["count"]:
                with Progress(self.stderr, "counting ballots", what="ballots") as progress:
                    outcome = cycle_count(actor=None, cycle=cycle, progress=progress.update)
                    progress.finish("counted {done} ballots under {rule} in {time} ({rate}/s)", rule=str(outcome.rule))
        except BudgetingError as error:
            raise CommandError(f"{path.name} cannot be imported: {error}") from None
        self.stdout.write(str(cycle.pk))
