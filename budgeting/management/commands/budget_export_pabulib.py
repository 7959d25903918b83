"""Write a cycle's pot as a pabulib .pb file anyone can recount."""

import os
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from budgeting.errors import BudgetingError
from budgeting.pabulib import PabulibError, write_pabulib
from budgeting.pabulib_io import election_from_cycle, export_refusal
from seoul_portal.progress import Progress

from ._cycle_arg import cycle_from_argument


class Command(BaseCommand):
    help = (
        "Export a cycle's ballots as a pabulib .pb file (one pot per file: projects with cost, votes and, once "
        "counted, `selected`; voters numbered 1, 2, 3... in a random order, with age, sex and district when "
        "recorded; nothing that leads to a citizen). Writes to standard output unless --output FILE is given. "
        "A cycle of several pots needs --pot ID, or --output-dir DIR to write one file per pot "
        "(cycle-<cycle>-pot-<pot>.pb). A seoul-weighted cycle also gets its weights in META (weight_votes, "
        "weight_committee, weight_school, weight_proposers) and each project's committee_score, school_score and "
        "proposers_score. Refused while the cycle's vote has not ended: its ballots are not final."
    )

    def add_arguments(self, parser):
        parser.add_argument("cycle", help="the cycle's id")
        parser.add_argument("--pot", type=int, help="the pot to export (its id)")
        target = parser.add_mutually_exclusive_group()
        target.add_argument("--output", help="the file to write (default: standard output)")
        target.add_argument("--output-dir", help="a directory to write one file per pot into")

    def handle(self, *args, **options):
        cycle = cycle_from_argument(options["cycle"])
        refusal = export_refusal(cycle)
        if refusal:
            raise CommandError(refusal)
        pots = [options["pot"]] if options["pot"] is not None else [pot.pk for pot in cycle.pots.all()]
        if options["output_dir"]:
            directory = Path(options["output_dir"])
            if not directory.is_dir():
                raise CommandError(f"{directory} is not a directory.")
            texts = [(directory / f"cycle-{cycle.pk}-pot-{pot}.pb", self._text(cycle, pot)) for pot in pots]
            for path, text in texts:
                _write(path, text)
                self.stderr.write(f"Wrote {path}")
            return
        if len(pots) != 1:
            raise CommandError(
                f"Cycle {cycle.pk} has {len(pots)} pots (ids {', '.join(map(str, pots))}) and a pabulib file holds "
                "one budget: give --pot ID, or --output-dir DIR for one file per pot."
            )
        text = self._text(cycle, pots[0])
        if options["output"]:
            _write(Path(options["output"]), text)
        else:
            self.stdout.write(text, ending="")

    def _text(self, cycle, pot):
        # On standard error (the file may be standard output): the ballots read from the database,
        # then the votes written, each a bar on a terminal (a line every 10 s in a log) and a summary.
        try:
            with Progress(self.stderr, f"reading the ballots of pot {pot}", what="ballots",
                          summary="read {done} ballots of pot {pot} in {time} ({rate}/s)") as progress:  # fmt: skip
                election = election_from_cycle(cycle, pot, progress=progress.update)
                progress.finish(pot=str(pot))
            with Progress(self.stderr, f"writing pot {pot}", len(election.ballots), what="votes") as progress:
                text = write_pabulib(election, progress=progress.update)
                progress.finish("wrote {projects} projects and {done} votes of pot {pot} in {time} ({rate}/s)",
                                projects=len(election.projects), pot=str(pot))  # fmt: skip
            return text
        except (BudgetingError, PabulibError) as error:
            raise CommandError(str(error)) from None


def _write(path: Path, text: str) -> None:
    """Write the whole file or nothing: a half-written export must not look like a valid one."""
    if not path.parent.is_dir():
        raise CommandError(f"{path.parent} is not a directory.")
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".export-", suffix=".pb")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as file:
            file.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
