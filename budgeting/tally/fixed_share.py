"""One run of the Method of Equal Shares at a fixed per-voter share, computed exactly.

Voters are handled in classes, not one by one. A voter pays min(money left, max payment) for each
funded project they approve, so what they have left is max(0, share - sum of the max payments of
the funded projects they approve): it depends only on *which* funded projects they approve. A class
is that set, written as a bit mask over project indices, and a project's supporters are counted by
class. These counts depend only on the set of projects funded so far, never on the share or the
order of funding, so they are cached across the many runs of the add1 completion.

Exactness: money is integers over a common denominator. When a max payment need / payers does not
divide evenly, the denominator is multiplied by what makes it whole; amounts computed under an
earlier denominator are scaled up when read. So every comparison is an exact integer comparison
and no float takes part in any decision.
"""

from __future__ import annotations

import heapq
from collections import Counter
from dataclasses import dataclass
from fractions import Fraction
from itertools import compress
from math import gcd
from operator import mul

from budgeting.tally.instance import Instance, natural_key

# Class counts kept at most; beyond this the cache starts over (it is only a cache).
CLASS_COUNT_CACHE_LIMIT = 5_000


@dataclass(frozen=True)
class Payment:
    project: int
    max_payment: Fraction  # in currency units
    paying_in_full: int  # supporters who paid max_payment
    paying_all_they_had: int  # supporters with money left but less than max_payment


@dataclass(frozen=True)
class Run:
    endowment: Fraction
    winners: tuple[int, ...]
    cost: int
    payments: tuple[Payment, ...]
    # Per paid round, every quote made in it: (project, max_payment / cost, or None if unaffordable).
    trace: tuple[tuple[tuple[int, Fraction | None], ...], ...] = ()


class FixedShareEngine:
    """Runs MES at any per-voter share for one instance, sharing class counts between runs."""

    def __init__(self, instance: Instance, eligible: list[int]):
        self.instance = instance
        self.costs = instance.costs
        self.eligible = eligible
        supported = [project for project in eligible if instance.votes[project] > 0]
        # A project nobody supports is never funded; one that costs nothing is funded up front.
        self.free = sorted(
            (project for project in supported if instance.costs[project] == 0),
            key=lambda project: natural_key(instance.project_ids[project]),
        )
        self.candidates = [project for project in supported if instance.costs[project] > 0]
        self.fundable_cost = instance.cost_of(supported)
        self.tie_key = {
            project: (instance.costs[project], -instance.votes[project], natural_key(instance.project_ids[project]))
            for project in self.candidates
        }
        ballot_masks = [0] * instance.voter_count
        for project in self.candidates:
            bit = 1 << project
            for voter in instance.supporters[project]:
                ballot_masks[voter] |= bit
        # Per candidate, its supporters' ballots (over paid candidates) with how many cast each.
        self.supporter_ballots = {
            project: list(Counter(ballot_masks[voter] for voter in instance.supporters[project]).items())
            for project in self.candidates
        }
        self.class_counts_cache: dict[tuple[int, int], tuple[list[int], list[int]]] = {}
        self.projects_in_class: dict[int, tuple[int, ...]] = {}

    def class_counts(self, project: int, funded_mask: int) -> tuple[list[int], list[int]]:
        """The classes of a project's supporters, given the set of funded projects, and how many
        supporters are in each."""
        key = (project, funded_mask)
        counts = self.class_counts_cache.get(key)
        if counts is None:
            by_class: dict[int, int] = {}
            for ballot, voters in self.supporter_ballots[project]:
                voter_class = ballot & funded_mask
                by_class[voter_class] = by_class.get(voter_class, 0) + voters
            counts = (list(by_class), list(by_class.values()))
            if len(self.class_counts_cache) >= CLASS_COUNT_CACHE_LIMIT:
                self.class_counts_cache.clear()
            self.class_counts_cache[key] = counts
        return counts

    def run(self, endowment: Fraction, lower_bounds_from: Run | None = None) -> Run:
        """MES with every voter starting at `endowment`.

        `lower_bounds_from`, a run at a larger share, speeds this one up without changing it: while
        both have funded the same projects in the same order, every voter has no more money here
        than there, so each project's ratio max_payment / cost is at least what it was there, and
        a project unaffordable there is unaffordable here.
        """
        return _FixedShareRun(self, endowment, lower_bounds_from).result()

    def projects_of(self, voter_class: int) -> tuple[int, ...]:
        projects = self.projects_in_class.get(voter_class)
        if projects is None:
            projects = tuple(position for position in range(voter_class.bit_length()) if voter_class >> position & 1)
            self.projects_in_class[voter_class] = projects
        return projects


class _FixedShareRun:
    """The state of one run: what each funded project charged, and which projects remain."""

    def __init__(self, engine: FixedShareEngine, endowment: Fraction, lower_bounds_from: Run | None):
        self.engine = engine
        self.endowment = endowment
        if lower_bounds_from is not None and lower_bounds_from.endowment < endowment:
            raise ValueError("lower bounds must come from a run at a larger share")
        self.larger = lower_bounds_from
        self.denominator = endowment.denominator
        # Per project, the max payment it charged (0 if not funded), in units of 1/denominator.
        self.max_payment_by_project = [0] * len(engine.instance.project_ids)
        self.funded_mask = 0
        # Per class, what each of its voters has paid so far, as (amount, version): the amount is in
        # units of the denominator of that version; scales[version] turns it into the current one.
        # Old entries are scaled when read rather than all rewritten at every new denominator.
        self.spent: dict[int, tuple[int, int]] = {}
        self.scales = [1]

    def result(self) -> Run:
        engine = self.engine
        winners = list(engine.free)
        payments = [Payment(project, Fraction(0), 0, 0) for project in engine.free]
        # What the larger run knew by each round, valid while both funded the same sequence. It is
        # passed on in this run's trace, so that a chain of runs keeps it.
        larger_paid = self.larger.winners[len(engine.free) :] if self.larger else ()
        larger_trace = self.larger.trace if self.larger else ()
        follows_larger = bool(larger_trace)
        trace: list[list[tuple[int, Fraction | None]]] = [list(larger_trace[0]) if follows_larger else []]
        from_larger: dict[int, Fraction | None] = dict(trace[0])
        # Lazy evaluation: a project's ratio max_payment / cost only grows as money is spent, so its
        # last computed ratio is a lower bound. The heap holds (lower bound, tie key, project); the
        # top is re-quoted until its fresh ratio still beats every other lower bound.
        heap = [
            (Fraction(1, engine.instance.votes[project]), engine.tie_key[project], project)
            for project in engine.candidates
        ]
        heapq.heapify(heap)
        # Quotes stay exact until the next project is charged: one pushed back and popped again
        # within the round is not quoted twice.
        quoted_this_round: dict[int, tuple[Fraction, int, int, int]] = {}
        while heap:
            bound, tie_key, project = heapq.heappop(heap)
            if follows_larger and project in from_larger:
                better = from_larger[project]
                if better is None:
                    continue  # unaffordable with more money, so here too
                if better > bound:
                    heapq.heappush(heap, (better, tie_key, project))
                    continue
            quote = quoted_this_round.get(project)
            if quote is None:
                quote = self.quote(project)
                trace[-1].append((project, None if quote is None else quote[0]))
                if quote is None:
                    continue  # unaffordable now, so for good: money only ever goes down
                quoted_this_round[project] = quote
            ratio, need, payers, short = quote
            if heap and (ratio, tie_key) > heap[0][:2]:
                heapq.heappush(heap, (ratio, tie_key, project))
                continue
            quoted_this_round.clear()
            paid_round = len(trace) - 1
            winners.append(project)
            payments.append(Payment(project, Fraction(need, payers * self.denominator), payers, short))
            self.charge(project, need, payers)
            if follows_larger:
                follows_larger = paid_round < len(larger_paid) and larger_paid[paid_round] == project
            inherited = larger_trace[paid_round + 1] if follows_larger and paid_round + 1 < len(larger_trace) else ()
            trace.append(list(inherited))
            from_larger.update(inherited)
        return Run(
            self.endowment,
            tuple(winners),
            engine.instance.cost_of(winners),
            tuple(payments),
            tuple(tuple(quotes) for quotes in trace),
        )

    def charge(self, winner: int, need: int, payers: int) -> None:
        # Scale the denominator so that the max payment need / payers is a whole number.
        divisor = gcd(need, payers)
        scale = payers // divisor
        if scale != 1:
            self.denominator *= scale
            self.max_payment_by_project = [payment * scale for payment in self.max_payment_by_project]
            self.scales = [factor * scale for factor in self.scales]
            self.scales.append(1)
        self.max_payment_by_project[winner] = need // divisor
        self.funded_mask |= 1 << winner

    def quote(self, project: int) -> tuple[Fraction, int, int, int] | None:
        """(max_payment / cost, need, payers, short), or None if the supporters cannot afford it.

        The max payment is need / payers in units of 1/denominator; `short` supporters pay all
        they have left instead.
        """
        denominator = self.denominator
        share = self.endowment.numerator * (denominator // self.endowment.denominator)
        classes, counts = self.engine.class_counts(project, self.funded_mask)
        # What each voter of a class has left: the share less the max payment of every funded
        # project they approve (never below zero: who runs short pays what they have).
        spent = self.spent
        entries = list(map(spent.get, classes))
        if None in entries:
            missing = [voter_class for voter_class, entry in zip(classes, entries, strict=True) if entry is None]
            paid = self.max_payment_by_project.__getitem__
            projects_of = self.engine.projects_of
            version = len(self.scales) - 1
            spent.update((voter_class, (sum(map(paid, projects_of(voter_class))), version)) for voter_class in missing)
            entries = list(map(spent.__getitem__, classes))
        scales = self.scales
        left = [share - amount * scales[version] for amount, version in entries]
        with_money = [amount > 0 for amount in left]
        amounts = list(compress(left, with_money))
        voters = list(compress(counts, with_money))
        cost = self.engine.costs[project]
        need = cost * denominator
        if sum(map(mul, amounts, voters)) < need:
            return None
        payers = sum(voters)
        short = 0
        if min(amounts) * payers < need:
            # Someone cannot pay an equal split: walk up from the poorest, who pay all they hold,
            # while the split of what is still needed exceeds what the next class holds. Only those
            # below twice the equal split are sorted at first; that is nearly always far enough.
            limit = 2 * need
            poor = [amount * payers < limit for amount in amounts]
            need, payers, short, stopped = _walk(
                sorted(zip(compress(amounts, poor), compress(voters, poor), strict=True)), need, payers
            )
            if not stopped:
                rich = [not flag for flag in poor]
                need, payers, short_rich, _ = _walk(
                    sorted(zip(compress(amounts, rich), compress(voters, rich), strict=True)), need, payers
                )
                short += short_rich
        return Fraction(need, payers * denominator * cost), need, payers, short


def _walk(holdings: list[tuple[int, int]], need: int, payers: int) -> tuple[int, int, int, bool]:
    """Charge classes (amount, voters), poorest first, all they have while that is short of an
    equal split of what is still needed; stop at the first class that can pay the split."""
    short = 0
    for amount, voters in holdings:
        if amount * payers >= need:
            return need, payers, short, True
        need -= amount * voters
        payers -= voters
        short += voters
    return need, payers, short, False
