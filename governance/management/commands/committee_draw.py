"""Draw a committee's citizen seats by the stratified lottery and publish the draw.

    manage.py committee_draw <committee-slug> --seats N [--seed S] [--max-per-district 6] [--vulnerable K]
    manage.py committee_draw <committee-slug> --seats N --seed S --dry-run   # show, store nothing
    manage.py committee_draw <committee-slug> --replay <draw id>             # re-run a published draw

The seed is printed and stored; the same seed on the same pool gives the same selection. When the
pool cannot fill a quota the command names it, says how short it is, stores nothing and exits
non-zero.
"""

from django.core.management.base import BaseCommand, CommandError

from governance import lottery
from governance.errors import GovernanceError
from governance.models import Committee, DrawRecord
from governance.services.committees import DrawShortfall, committee_draw, committee_draw_preview


class Command(BaseCommand):
    help = "Draw members of a committee from its volunteers by stratified lottery (district × age band × sex)."

    def add_arguments(self, parser):
        parser.add_argument("committee", help="The committee's slug.")
        parser.add_argument("--seats", type=int, help="How many volunteers to draw.")
        parser.add_argument("--seed", help="The seed (default: 32 random bytes in hex, printed).")
        parser.add_argument("--max-per-district", type=int, default=6, help="At most this many from one district.")
        parser.add_argument("--vulnerable", type=int, default=0, help="At least this many from vulnerable groups.")
        parser.add_argument("--dry-run", action="store_true", help="Show the selection without publishing it.")
        parser.add_argument("--replay", type=int, metavar="DRAW_ID",
                            help="Re-run a published draw on the pool it stored and check the result.")

    def handle(self, *args, committee, seats, seed, max_per_district, vulnerable, dry_run, replay, **options):
        try:
            committee = Committee.objects.get(slug=committee)
        except Committee.DoesNotExist:
            raise CommandError(f"No committee with the slug {committee!r}.") from None
        if replay is not None:
            return self._replay(committee, replay)
        if not seats:
            raise CommandError("Give the number of seats with --seats N.")
        try:
            if dry_run:
                if not seed:
                    seed = lottery.new_seed()
                quotas, pool, selected = committee_draw_preview(
                    committee=committee, seats=seats, seed=seed, max_per_district=max_per_district,
                    min_vulnerable=vulnerable,
                )
                self._report(seed, quotas.as_dict(), len(pool), selected)
                self.stdout.write("Dry run: nothing was stored.")
                return
            record = committee_draw(
                actor=None, committee=committee, seats=seats, seed=seed, max_per_district=max_per_district,
                min_vulnerable=vulnerable,
            )
        except DrawShortfall as shortfall:
            lines = [f"  - {item.label} [{item.quota}]: {item.needed} needed, {item.available} available, "
                     f"short by {item.short_by}" for item in shortfall.shortfalls]
            raise CommandError("The pool cannot fill the quotas; nothing was stored.\n" + "\n".join(lines)) from None
        except GovernanceError as error:
            raise CommandError(error.message) from None
        by_id = {candidate["id"]: candidate for candidate in record.pool}
        selected = [lottery.Candidate.from_dict(by_id[pk]) for pk in record.selected]
        self._report(record.seed, record.quotas, len(record.pool), selected)
        self.stdout.write(self.style.SUCCESS(f"Draw {record.pk} published."))

    def _report(self, seed, quotas, pool_size, selected):
        self.stdout.write(f"Seed: {seed}")
        self.stdout.write(f"Algorithm: {lottery.ALGORITHM}")
        cells = ", ".join(f"{cell} {count}" for cell, count in quotas["cells"].items())
        self.stdout.write(
            f"Quotas: {quotas['seats']} seats; at most {quotas['max_per_district']} per district; "
            f"at least {quotas['min_vulnerable']} vulnerable; cells: {cells}"
        )
        self.stdout.write(f"Pool: {pool_size} volunteers")
        self.stdout.write(f"Selected ({len(selected)}), in draw order:")
        for candidate in selected:
            strata = [candidate.district, candidate.age_band, candidate.sex] + (["vulnerable"] * candidate.vulnerable)
            self.stdout.write(f"  {candidate.id}\t" + "\t".join(strata))

    def _replay(self, committee, pk):
        try:
            record = DrawRecord.objects.get(committee=committee, pk=pk)
        except DrawRecord.DoesNotExist:
            raise CommandError(f"No draw {pk} for this committee.") from None
        quotas = lottery.Quotas(seats=record.seats, max_per_district=record.quotas["max_per_district"],
                                min_vulnerable=record.quotas["min_vulnerable"])
        selected = lottery.draw([lottery.Candidate.from_dict(row) for row in record.pool], quotas, record.seed)
        self._report(record.seed, record.quotas, len(record.pool), selected)
        if [candidate.id for candidate in selected] != record.selected:
            raise CommandError(f"Draw {pk} does NOT match its published selection.")
        self.stdout.write(self.style.SUCCESS(f"Draw {pk} re-run: the same selection as published."))
