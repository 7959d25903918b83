"""Democratic Seoul at scale: proposals at every stage, their supports (on the ledger), debate
stances, comments with replies and reports, the public timeline, in realistic Korean.

plan.py decides (in memory, consistent with every constraint and threshold), writer.py streams
the rows. ProposalsSeeder is the channel's entry in bench.seeding.SEEDERS.
"""

import math

from citizens.models import District
from proposals.models import Assignment, Comment, CommentReport, DebateStance, Follow, Proposal, StageChange, Support
from proposals.services import setting

from ... import sizes
from .plan import FEATURED_COMMENTS, SEOUL_SIZES, PlanError, Thresholds, distribute, make_plan, status_counts
from .writer import ProposalsWriter, ensure_reference_data

__all__ = [
    "FEATURED_COMMENTS",
    "PlanError",
    "ProposalsSeeder",
    "Thresholds",
    "distribute",
    "make_plan",
    "status_counts",
]

# --- The channel's entry in the seeding registry -----------------------------------------------


class ProposalsSeeder:
    name = "proposals"
    help = "Democratic Seoul: proposals, supports (with the ledger), debate stances, comments"
    models = (Proposal, Follow, StageChange, Assignment, Support, DebateStance, Comment, CommentReport)

    def add_arguments(self, parser):
        parser.add_argument("--proposals", type=int, help=f"Proposals (default {SEOUL_SIZES['proposals']:,}).")
        parser.add_argument(
            "--supports",
            type=int,
            help=f"Active supports, the sum of the support counts (default {SEOUL_SIZES['supports']:,}); "
            "1 %% more are written as withdrawn.",
        )
        parser.add_argument("--comments", type=int, help=f"Comments (default {SEOUL_SIZES['comments']:,}).")
        # --no-ledger is seed_scale's own option: it applies to every channel.

    def sizes(self, options, scale=1.0) -> dict:
        chosen = sizes.scaled(self.name, scale)
        for name in SEOUL_SIZES:
            if options.get(name) is not None:
                chosen[name] = options[name]
        chosen["ledger"] = not options.get("no_ledger", False)
        return chosen

    def citizens_needed(self, sizes) -> int:
        # Ten supports per citizen on average; enough for a debate to reach the Mayor.
        return max(200, math.ceil(sizes["supports"] / 10), setting("MAYOR_THRESHOLD") + 200)

    def has_data(self) -> bool:
        return Proposal.objects.exists()

    def seed(self, *, loader, citizens, sizes, rng, text, now, progress=None) -> dict:
        district_names = dict(District.objects.values_list("code", "name_ko"))
        officials = ensure_reference_data(text)
        plan = make_plan(
            proposals=sizes["proposals"],
            supports=sizes["supports"],
            comments=sizes["comments"],
            citizens=citizens.count,
            rng=rng,
            now=now,
            categories=len(officials.categories),
            districts=sorted(district_names),
        )
        writer = ProposalsWriter(
            loader,
            plan=plan,
            citizens=citizens,
            officials=officials,
            text=text,
            rng=rng,
            now=now,
            district_names=district_names,
            ledger=sizes.get("ledger", True),
            progress=progress,
        )
        return writer.write()
