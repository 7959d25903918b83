"""Seed a database at Seoul's scale for the benchmark (bench/): COPY on PostgreSQL, batched
INSERTs on SQLite (slower: for small sizes), in one transaction and constant memory.

    manage.py seed_scale                                   # 100,000 proposals, 2,000,000 supports, 500,000 comments
    manage.py seed_scale --scale 0.01                      # the same shape, 100 times smaller
    manage.py seed_scale --proposals 50 --supports 500 --comments 300 --citizens 2000
    manage.py seed_scale --channel voting                  # polls, 1,000,000 ballots in the featured one
    manage.py seed_scale --channel budgeting               # a counted cycle: 40,000 voters, 400,000 project votes
    manage.py seed_scale --channel complaints              # 1,000,000 complaints, ~5 months of them, every state

It refuses a database that already holds the channel's data (a benchmark wants known sizes); --append
adds the requested amounts on top. Seeded citizens have fake phones (010-0100-0000 + id, a range
no carrier issues). The seeding machinery lives in bench/seeding/, where other channels add
their seeders (--channel).
"""

import json

from django.core.management.base import BaseCommand, CommandError

from bench.seeding import SEEDERS, SeedRefused, seed
from bench.seeding.proposals import PlanError


class Command(BaseCommand):
    help = (
        "Seed citizens and a channel's data at scale for the benchmark (proposals, supports, comments; polls and "
        "ballots; a budget cycle's ballots, counted; or complaints): bulk COPY, constant memory."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--channel",
            action="append",
            choices=sorted(SEEDERS),
            dest="channels",
            help="The channel(s) to seed (repeatable; default: proposals).",
        )
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="Multiply the default (Seoul) sizes: 0.01 seeds 1,000 proposals. Explicit sizes win.",
        )
        parser.add_argument(
            "--citizens", type=int, help="Citizens (default: what the channels need, ~10 supports each)."
        )
        parser.add_argument("--append", action="store_true", help="Add to a database that already holds data.")
        parser.add_argument(
            "--seed",
            type=int,
            default=2026,
            dest="random_seed",
            help="Random seed (the same seed gives the same data).",
        )
        parser.add_argument("--batch-size", type=int, default=5_000, help="Rows per COPY or INSERT batch.")
        parser.add_argument("--no-vacuum", action="store_true", help="Skip VACUUM ANALYZE at the end.")
        parser.add_argument(
            "--no-ledger",
            action="store_true",
            help="Do not put the seeded participation (supports, ballots) on the ledger (faster; verify_ledger then "
            "reports it missing).",
        )
        parser.add_argument("--report-json", help="Also write the summary (counts, ids, time, memory) to this file.")
        for seeder in SEEDERS.values():
            group = parser.add_argument_group(seeder.name, seeder.help)
            seeder.add_arguments(group)

    def handle(
        self,
        *args,
        channels=None,
        scale=1.0,
        citizens=None,
        append=False,
        random_seed=2026,
        batch_size=5_000,
        no_vacuum=False,
        report_json=None,
        **options,
    ):
        if scale <= 0:
            raise CommandError("--scale must be positive.")
        channels = channels or ["proposals"]
        sizes = {name: SEEDERS[name].sizes(options, scale) for name in channels}
        try:
            report = seed(
                channels=sizes,
                citizens=citizens,
                append=append,
                random_seed=random_seed,
                batch_size=batch_size,
                write=self.stdout.write,
                stream=self.stdout,  # a bar per phase on a terminal, a line every 10 s in a log
                vacuum=not no_vacuum,
            )
        except (SeedRefused, PlanError, ValueError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write("Rows written:")
        for label, count in report.rows.items():
            self.stdout.write(f"  {label:<28} {count:>12,}")
        for name, details in report.channels.items():
            for key, value in details.items():
                self.stdout.write(f"  {name}.{key:<20} {value}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded in {report.seconds:.1f} s; peak memory {report.peak_memory_mb:.0f} MB (this process)."
            )
        )
        if report_json:
            with open(report_json, "w", encoding="utf-8") as handle:
                json.dump(report.as_dict(), handle, indent=2)
