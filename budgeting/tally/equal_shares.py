"""The Method of Equal Shares (MES) for approval ballots, with cost utilities, computed exactly.

The budget is split equally among the voters. Round by round, the project that its supporters can
pay for with the smallest maximal payment per voter, relative to its cost (i.e. the highest
*effective vote count* cost / max_payment), is funded: supporters who have less than that
payment left pay everything they have, the others pay exactly the maximal payment. Projects their
supporters can no longer afford drop out. This follows equalshares.net's published code.

Exactness: no floats; see `fixed_share`, which also explains how the many runs of the add1
completion share their work.

Tie-breaking, applied when two projects have exactly the same effective vote count (equalshares.net's
recommended order, made total and deterministic instead of ending in a draw by lot): lower cost
first, then more votes, then project id in natural order ("2" before "10"). No official outcome
here depends on it: the one exact tie in the final runs is Assen's projects 2 and 11 (24 votes
each), and both are funded whichever goes first.

Completion ("add1", as on equalshares.net): start every voter at the whole-unit share
floor(budget / voters), and raise it by one currency unit per step while the outcome of the
next step still fits in the budget; keep the last outcome that fitted. Two variants of the
published code are available: `stop_when_exhaustive` stops early once no further project could be
added (the computation page's snippet), and completion "add1u" then fills the remaining money
greedily (the snippet's last step, "Add1U"; in the order of `greedy`). The official outcomes of Assen, Świecie and
Wieliczka are all reproduced with plain "add1", and Wieliczka needs the exhaustive stop *off*
(with it the count stops at 302 zł per voter with 31 projects instead of the published 30).
The scan also stops once every project that MES may fund is funded, where the published loop would
not terminate.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from budgeting.tally.compare import ComparisonStep, comparison_step
from budgeting.tally.fixed_share import FixedShareEngine, Run
from budgeting.tally.greedy import fill_greedily, greedy_indices, greedy_order
from budgeting.tally.instance import Instance

COMPLETIONS = ("none", "add1", "add1u")
# Shares computed together by the add1 scan (see _add1): the block doubles while the scan goes on,
# up to this. Only a matter of speed: larger blocks share more work, and waste more at the end.
ADD1_LARGEST_BLOCK = 32


@dataclass(frozen=True)
class FundedShare:
    """How one project was paid for in the final MES run."""

    project_id: str
    cost: int
    votes: int
    max_payment: Fraction  # what each supporter who could afford it paid
    effective_vote_count: Fraction | None  # cost / max_payment (below `votes` when some ran short); None if free
    paying_in_full: int  # supporters who paid max_payment
    paying_all_they_had: int  # supporters with money left but less than max_payment


@dataclass(frozen=True)
class EqualSharesResult:
    funded: tuple[str, ...]  # MES winners in the order funded, then any greedy completion
    total_cost: int
    budget_per_voter: Fraction  # the share each voter started with in the final run
    shares: tuple[FundedShare, ...]  # MES winners only
    added_by_completion: tuple[str, ...] = ()
    ineligible: tuple[str, ...] = ()
    comparison: ComparisonStep | None = None  # present when the comparison step ran
    kept_equal_shares: bool = True  # False when the comparison step chose greedy
    runs: int = 1  # how many MES runs were computed (add1 computes some past its stopping point)


def equal_shares(
    instance: Instance,
    completion: str = "add1",
    comparison: bool | str = False,
    *,
    stop_when_exhaustive: bool = False,
    min_vote_to_cost_share: Fraction | None = None,
    step: int = 1,
) -> EqualSharesResult:
    """Method of Equal Shares with cost utilities.

    completion: "none" (one run at budget / voters), "add1", or "add1u" (add1, then greedy fill).
    comparison: False; True or "satisfaction" (equalshares.net's comparison step: greedy replaces the
      MES outcome if more voters have more approved funded projects under greedy than under MES);
      or "exclusion" (the same with "has at least one approved funded project").
    min_vote_to_cost_share: Świecie's eligibility step: with Fraction(1, 3), a project takes part only
      if votes / voters >= cost / (3 · budget). Greedy in the comparison step sees the same projects.
    step: how much add1 raises the share at a time (equalshares.net: 1 unit of the currency). A
      pot in won shared by few voters would need millions of runs at 1; with a larger step the scan
      goes in strides and, where a stride overspends, goes back to the last share that fitted and
      scans on in strides ten times shorter, down to 1. The outcome is add1's whenever the
      outcome's cost does not rise above the budget and fall back within one stride.
    """
    if step < 1:
        raise ValueError("the add1 step is a positive whole number of currency units")
    instance.require_approval("The Method of Equal Shares")
    if completion not in COMPLETIONS:
        raise ValueError(f"completion must be one of {', '.join(COMPLETIONS)}")
    eligible, ineligible = _eligibility(instance, min_vote_to_cost_share)
    engine = FixedShareEngine(instance, eligible)
    if completion == "none" or instance.voter_count == 0:
        run = engine.run(Fraction(instance.budget, max(instance.voter_count, 1)))
        runs = 1
    else:
        run, runs = _add1(engine, instance, stop_when_exhaustive, step)
    funded = list(run.winners)
    added: list[int] = []
    if completion == "add1u":
        added, _ = fill_greedily(instance, greedy_order(instance, eligible), funded, instance.budget)

    step = None
    kept = True
    if comparison:
        criterion = "satisfaction" if comparison is True else comparison
        greedy_funded, _ = greedy_indices(instance, eligible)
        step = comparison_step(instance, funded, greedy_funded, criterion)
        if not step.keeps_first:
            kept = False
            funded, added = greedy_funded, []

    shares = tuple(
        FundedShare(
            project_id=instance.project_ids[payment.project],
            cost=instance.costs[payment.project],
            votes=instance.votes[payment.project],
            max_payment=payment.max_payment,
            effective_vote_count=(
                Fraction(instance.costs[payment.project]) / payment.max_payment if payment.max_payment else None
            ),
            paying_in_full=payment.paying_in_full,
            paying_all_they_had=payment.paying_all_they_had,
        )
        for payment in run.payments
    )
    return EqualSharesResult(
        funded=instance.ids(funded),
        total_cost=instance.cost_of(funded),
        budget_per_voter=run.endowment,
        shares=shares,
        added_by_completion=instance.ids(added),
        ineligible=instance.ids(ineligible),
        comparison=step,
        kept_equal_shares=kept,
        runs=runs,
    )


def _eligibility(instance: Instance, min_share: Fraction | None) -> tuple[list[int], list[int]]:
    if min_share is None:
        return list(instance.projects), []
    n, budget = instance.voter_count, instance.budget
    # votes / n >= share · cost / budget, cross-multiplied to stay in integers.
    share = Fraction(min_share)
    eligible, ineligible = [], []
    for project in instance.projects:
        votes, cost = instance.votes[project], instance.costs[project]
        fits = votes * budget * share.denominator >= share.numerator * cost * n
        (eligible if fits else ineligible).append(project)
    return eligible, ineligible


def _add1(engine: FixedShareEngine, instance: Instance, stop_when_exhaustive: bool, step: int = 1) -> tuple[Run, int]:
    """The linear scan of equalshares.net's add1, over shares computed in blocks.

    Within a block the runs are computed from the largest share down, each using the one above as
    a source of lower bounds (see FixedShareEngine.run), then examined from the smallest up exactly
    as the one-by-one scan would; runs past the stopping point are simply not looked at. With a
    step above 1, a stride that overspends sends the scan back to the last share that fitted with
    a step ten times smaller, until the step is 1.
    """
    endowment = instance.budget // instance.voter_count
    current = engine.run(Fraction(endowment))
    runs = 1

    def finished(run: Run) -> bool:
        # Everything MES may fund is funded: larger shares cannot change the outcome's cost.
        if run.cost == engine.fundable_cost:
            return True
        return stop_when_exhaustive and _is_exhaustive(instance, engine.eligible, run)

    while True:
        endowment, current, overspent, scanned = _scan(engine, instance, endowment, current, step, finished)
        runs += scanned
        if not overspent or step == 1:
            return current, runs
        step = max(1, step // 10)


def _scan(engine, instance, endowment, current, step, finished) -> tuple[int, Run, bool, int]:
    """Raise the share by `step` while the outcome fits: (the last share that fitted, its run,
    whether the scan stopped at a share that overspends, how many runs it computed)."""
    runs = 0
    block_size = 1
    while not finished(current):
        block_size = min(2 * block_size, ADD1_LARGEST_BLOCK)
        shares = range(endowment + step, endowment + step * block_size + 1, step)
        block: dict[int, Run] = {}
        larger = None
        for share in reversed(shares):
            larger = block[share] = engine.run(Fraction(share), lower_bounds_from=larger)
            runs += 1
        for share in shares:
            following = block[share]
            if following.cost > instance.budget:
                return endowment, current, True, runs
            endowment, current = share, following
            if finished(current):
                break
    return endowment, current, False, runs


def _is_exhaustive(instance: Instance, eligible: list[int], run: Run) -> bool:
    chosen = set(run.winners)
    return all(project in chosen or run.cost + instance.costs[project] > instance.budget for project in eligible)
