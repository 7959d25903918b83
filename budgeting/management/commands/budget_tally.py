"""Print the outcome of counting a cycle's ballots under a rule, without storing anything."""

import json

from django.core.management.base import BaseCommand, CommandError

from budgeting.errors import BudgetingError
from budgeting.services.tally import RULES, cycle_outcome
from seoul_portal.progress import Progress

from ._cycle_arg import cycle_from_argument


class Command(BaseCommand):
    help = (
        "Count a cycle's ballots under a selection rule and print the outcome; nothing is stored "
        "(the results page shows what `cycle_count` stored). Rules: greedy (by votes), greedy-threshold "
        "(the cycle's minimum votes), mes (Method of Equal Shares, cost utilities, add1 completion), "
        "mes-comparison (mes, then the comparison step against greedy), seoul-weighted (the weighted final "
        "score). Project ids are the pabulib project_ids for an imported cycle, the portal's ids otherwise. "
        "With --json: {\"rule\", \"funded\", \"total_cost\"}, plus \"pots\" (the same per pot) when the cycle "
        "has several pots and no --pot is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("cycle", help="the cycle's id")
        parser.add_argument("--rule", choices=RULES, help="the rule to count by (default: the cycle's own rule)")
        parser.add_argument("--pot", type=int, help="count only this pot (its id)")
        parser.add_argument("--json", action="store_true", help="print JSON instead of a table")

    def handle(self, *args, **options):
        cycle = cycle_from_argument(options["cycle"])
        # On standard error, which the table and the JSON never share: the ballots read (a bar on a
        # terminal, a line every 10 s in a log), then what was counted and how long it took.
        with Progress(self.stderr, "reading ballots", what="ballots") as progress:
            try:
                outcome = cycle_outcome(cycle, rule=options["rule"], pot=options["pot"], progress=progress.update)
            except BudgetingError as error:
                raise CommandError(str(error)) from None
            progress.finish("counted {done} ballots under {rule} in {time} ({rate}/s)", rule=str(outcome.rule))
        if options["json"]:
            self.stdout.write(json.dumps(self._as_json(outcome), ensure_ascii=False))
        else:
            self._table(outcome)

    def _as_json(self, outcome):
        document = {"rule": str(outcome.rule), "funded": list(outcome.funded), "total_cost": outcome.total_cost}
        if len(outcome.pots) > 1:
            document["pots"] = [
                {"pot": pot.pot.pk, "name": pot.pot.name_ko, "funded": list(pot.funded), "total_cost": pot.total_cost}
                for pot in outcome.pots
            ]
        return document

    def _table(self, outcome):
        write = self.stdout.write
        write(f"Cycle {outcome.cycle.pk} ({outcome.cycle.title_ko}), rule {outcome.rule}")
        for pot in outcome.pots:
            write("")
            write(
                f"Pot {pot.pot.pk} ({pot.pot.name_ko}): {pot.voters} voters, {len(pot.funded)} funded, "
                f"{pot.total_cost:,} of {pot.pot.total:,} used"
            )
            if pot.budget_per_voter is not None:
                write(f"Budget per voter (MES): {pot.budget_per_voter} ≈ {float(pot.budget_per_voter):,.2f}")
            write(f"{'rank':>4}  {'project':<12} {'votes':>8} {'cost':>15} {'score':>10}  funded")
            cut = False
            for project in pot.projects:
                if not project.funded and not cut:
                    write("-" * 62 + " cut-off")
                    cut = True
                score = f"{float(project.final_score):.4f}" if project.final_score is not None else ""
                mark = "yes" if project.funded else "no"
                write(
                    f"{project.rank:>4}  {project.project_id:<12} {project.votes:>8} {project.cost:>15,} "
                    f"{score:>10}  {mark}"
                )
