"""Seeding at scale: shared citizens, then each channel's seeder, in one transaction.

A channel joins by adding a seeder to SEEDERS (see proposals.ProposalsSeeder for the interface:
name, help, models, add_arguments, sizes, citizens_needed, has_data, seed; the sizes at
Seoul scale go to bench/sizes.py).
`manage.py seed_scale --channel proposals` (or `--channel voting`, `--channel budgeting`,
`--channel complaints`, `--channel analysis`) and the benchmark runner both go through `seed()`.
A seeder with `seeds_alone` (analysis: ten million rows generated in PostgreSQL, committed chunk
by chunk so that an interrupted run resumes) is seeded alone, by its own `seed_alone()`.

Re-running: seeding refuses a database that already holds the channel's data (a benchmark wants
known sizes, not a sum of runs); `append=True` (`--append`) adds the requested amounts on top
instead, with new citizens, ids after the existing ones and fresh fake phone numbers.
"""

import random
import time
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from audit.models import LedgerBlock, LedgerEntry
from citizens.models import Citizen, Consent, District

from .analysis import AnalysisSeeder
from .budgeting import BudgetingSeeder
from .bulk import (
    BulkLoader,
    Progress,
    deferred_indexes,
    peak_memory_mb,
    reset_sequences,
    tune_session_for_loading,
    vacuum_analyze,
)
from .citizens import seed_citizens
from .complaints import ComplaintsSeeder
from .korean import KoreanText
from .proposals import ProposalsSeeder
from .voting import VotingSeeder

SEEDERS = {
    seeder.name: seeder
    for seeder in (ProposalsSeeder(), VotingSeeder(), BudgetingSeeder(), ComplaintsSeeder(), AnalysisSeeder())
}


class SeedRefused(RuntimeError):
    """The database already holds seeded data and `append` was not asked for."""


@dataclass
class SeedReport:
    rows: dict
    seconds: float
    peak_memory_mb: float
    channels: dict = field(default_factory=dict)  # channel name → what its seeder returned

    def as_dict(self):
        return {
            "rows": self.rows,
            "seconds": round(self.seconds, 1),
            "peak_memory_mb": round(self.peak_memory_mb),
            "channels": self.channels,
        }


def seed(
    *,
    channels: dict,
    citizens=None,
    append=False,
    random_seed=2026,
    batch_size=5_000,
    write=print,
    progress_every=10.0,
    vacuum=True,
    stream=None,
) -> SeedReport:
    """Seed `channels` ({name: sizes}); `citizens` defaults to what the channels need. Lines go to
    `write`; the progress of each phase too, or to `stream` when given (a command's stdout: a bar
    on a terminal)."""
    started = time.monotonic()
    seeders = [SEEDERS[name] for name in channels]
    alone = [seeder for seeder in seeders if getattr(seeder, "seeds_alone", False)]
    if alone:
        return _seed_alone(alone[0], channels, seeders=seeders, append=append, random_seed=random_seed,
                           write=write, progress_every=progress_every, vacuum=vacuum, started=started)  # fmt: skip
    if not append:
        busy = [seeder.name for seeder in seeders if seeder.has_data()]
        if busy:
            raise SeedRefused(
                f"The database already holds data of: {', '.join(busy)}. seed_scale fills an empty database "
                "(a benchmark needs known sizes); use --append to add the amounts on top."
            )
    if citizens is None:
        citizens = max(seeder.citizens_needed(channels[seeder.name]) for seeder in seeders)
    rng = random.Random(random_seed)
    now = timezone.now()
    text = KoreanText(rng, District.objects.values_list("name_ko", flat=True))
    progress = Progress(write, every=progress_every, stream=stream)
    loader = BulkLoader(batch_size=batch_size)
    results = {}
    models = [Citizen, Consent, *(model for seeder in seeders for model in seeder.models)]
    with transaction.atomic(), progress:
        tune_session_for_loading()
        loader.check_constraints_at_once()
        with deferred_indexes(*models, LedgerEntry, write=write):
            write(f"Seeding {citizens:,} citizens ...")
            block = seed_citizens(
                loader,
                count=citizens,
                rng=rng,
                text=text,
                now=now,
                district_codes=list(District.objects.values_list("code", flat=True)),
                progress=progress,
            )
            progress.finish()
            # Seeders may still create a few rows the usual way (officials): ids after the block.
            loader.flush()
            reset_sequences(Citizen, Consent)
            for seeder in seeders:
                sizes = ", ".join(
                    f"{name} {value:,}" for name, value in channels[seeder.name].items() if not isinstance(value, bool)
                )
                write(f"Seeding {seeder.name}: {sizes} ...")
                results[seeder.name] = seeder.seed(
                    loader=loader,
                    citizens=block,
                    sizes=channels[seeder.name],
                    rng=rng,
                    text=text,
                    now=now,
                    progress=progress,
                )
                progress.finish()
            loader.flush()
        reset_sequences(*models, LedgerBlock)
    if vacuum:
        write("Analysing the tables for the planner ...")
        vacuum_analyze(*models, LedgerBlock, LedgerEntry)
    rows = dict(sorted(loader.written.items()))
    return SeedReport(rows=rows, seconds=time.monotonic() - started, peak_memory_mb=peak_memory_mb(), channels=results)


def _seed_alone(seeder, channels, *, seeders, append, random_seed, write, progress_every, vacuum, started):
    """A seeder that commits chunk by chunk (resumable: analysis), outside seed()'s one transaction."""
    if len(seeders) > 1:
        raise ValueError(f"The {seeder.name} channel is seeded alone (in chunks it commits one by one).")
    if append:
        raise ValueError(f"The {seeder.name} channel cannot --append; an interrupted seeding resumes by itself.")
    result = seeder.seed_alone(
        sizes=channels[seeder.name], random_seed=random_seed, write=write, vacuum=vacuum,
        progress_every=progress_every,
    )  # fmt: skip
    rows = {f"{model._meta.label}": model._default_manager.count() for model in seeder.models}
    return SeedReport(rows=rows, seconds=time.monotonic() - started, peak_memory_mb=peak_memory_mb(),
                      channels={seeder.name: result})  # fmt: skip
