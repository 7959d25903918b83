"""Counting a cycle's vote, storing the result per pot, and publishing it.

What is counted, per pot:
- the projects: the pot's feasible projects at their ballot cost (`Project.cost`);
- the voters: the ballots with at least one pick in the pot (in a cycle of one pot, every
  ballot). The Method of Equal Shares divides the pot among exactly these voters: a voter who
  picked nothing in a district's pot (most likely someone from another district) does not dilute
  the share of those who could and did vote there;
- the ballots: each voter's picks in the pot. A knapsack ballot's picks count as approvals for the
  Method of Equal Shares and for the comparison statistics (the rule sees who supports what, not
  the budget each voter drew up); greedy and the weighted score only use the votes per project.

The rules (Cycle.Rule) run on the exact engine in budgeting.tally:
- greedy: by votes, skipping projects that no longer fit (ties: cheaper, then natural id);
- greedy-threshold: the same over projects with at least `min_project_votes` votes (none set: 0);
- mes: the Method of Equal Shares with cost utilities and the add1 completion (see
  `completion_step` for the size of its steps in won);
- mes-comparison: the same, then equalshares.net's comparison step against greedy;
- seoul-weighted: the weighted final score (budgeting.tally.weighted).
An imported election whose official count had an extra eligibility step (Świecie) gets it under
the Method of Equal Shares (pabulib_io.MES_ELIGIBILITY_STEPS).

`cycle_outcome` computes without writing (the budget_tally command, previews); `cycle_count`
stores it as PotResult / ProjectResult rows, replacing an earlier count until the results are
published; `results_publish` makes them public. Each pot's result also compares rules on the
same ballots (greedy, the Method of Equal Shares and the cycle's own rule): the projects each
funds, their cost, the share of voters with no funded project they approved, and the average
number of funded projects a voter approved, as exact "n/d" strings with a float for display.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction

import rules
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.services import audit_record

from ..errors import BudgetingError
from ..models import Cycle, Pot, PotResult, Project, ProjectResult
from ..notifications import notify_results
from ..pabulib import Progress
from ..pabulib_io import ballot_projects, mes_eligibility_share, pabulib_project_id, pot_ballots
from ..tally import (
    EqualSharesResult,
    Instance,
    comparison_step,
    equal_shares,
    greedy,
    greedy_threshold,
    outcome_stats,
)
from ..tally.greedy import greedy_indices, greedy_order
from ..tally.instance import natural_key
from ..tally.weighted import WeightedProject, Weights, seoul_weighted
from ..tasks import tell_voters_the_results

Rule = Cycle.Rule
RULES = tuple(Rule.values)
# The largest value ProjectResult.final_score holds (max_digits=9, decimal_places=4).
FINAL_SCORE_LIMIT = Decimal("99999.9999")
SCORE_PLACES = Decimal("0.0001")


def fraction_text(value: Fraction | None) -> str:
    """A fraction as it is stored: "n/d" (or "n" when whole); "" for None."""
    if value is None:
        return ""
    return str(Fraction(value))


def parse_fraction(text: str) -> Fraction | None:
    return Fraction(text) if text else None


# The add1 completion raises every voter's share by one currency unit per step, as equalshares.net
# does. A pot in won starts each voter at a share of millions of units (KRW 1 bn among 400
# voters: 2.5 million won each), so one won per step would take millions of runs. The step is
# therefore strides of the largest power of ten no more than 1/COMPLETION_STEPS of the starting
# share (10,000 won in that example); where a stride overspends, the engine goes back and scans
# in strides ten times shorter, down to one won, so the stopping point is add1's own (unless the
# outcome's cost rose above the pot and fell back within one stride). For every pabulib file in
# the shared collection the stride is 1, so their official outcomes are reproduced unchanged.
COMPLETION_STEPS = 200


def completion_step(budget: int, voters: int) -> int:
    start = budget // voters if voters else 0
    step = 1
    while step * 10 * COMPLETION_STEPS <= start:
        step *= 10
    return step


def equal_shares_add1(instance: Instance, *, comparison: bool = False,
                      min_vote_to_cost_share: Fraction | None = None) -> EqualSharesResult:
    """The Method of Equal Shares with the add1 completion, scanning in strides of `completion_step`
    (refined down to 1 won where a stride overspends: budgeting.tally.equal_shares)."""
    return equal_shares(
        instance, completion="add1", comparison=comparison, min_vote_to_cost_share=min_vote_to_cost_share,
        step=completion_step(instance.budget, instance.voter_count),
    )


@dataclass(frozen=True)
class ProjectOutcome:
    project: Project
    project_id: str  # the pabulib id of an imported project, else the portal's pk as text
    rank: int
    votes: int
    cost: int
    funded: bool
    final_score: Fraction | None = None  # the weighted score (seoul-weighted only)
    added_by_completion: bool = False
    effective_support: Fraction | None = None  # MES: cost / max payment of a funded project


@dataclass(frozen=True)
class PotOutcome:
    pot: Pot
    rule: str
    voters: int
    funded: tuple[str, ...]  # project ids in the order the rule funded them
    total_cost: int
    projects: tuple[ProjectOutcome, ...]  # every project of the pot, by rank
    budget_per_voter: Fraction | None = None  # MES: the share each voter had in the final run
    comparison: dict = field(default_factory=dict)  # JSON-ready, see the module's docstring


@dataclass(frozen=True)
class CycleOutcome:
    cycle: Cycle
    rule: str
    pots: tuple[PotOutcome, ...]

    @property
    def funded(self) -> tuple[str, ...]:
        return tuple(project_id for pot in self.pots for project_id in pot.funded)

    @property
    def total_cost(self) -> int:
        return sum(pot.total_cost for pot in self.pots)


@dataclass
class _Run:
    """One rule's outcome on one pot's instance, in project ids."""

    funded: tuple[str, ...]
    order: tuple[str, ...]  # every project, the rule's preference first
    added: tuple[str, ...] = ()
    scores: dict[str, Fraction] = field(default_factory=dict)
    effective_support: dict[str, Fraction] = field(default_factory=dict)
    budget_per_voter: Fraction | None = None
    details: dict = field(default_factory=dict)


def _weights(cycle: Cycle) -> Weights:
    return Weights(cycle.weight_votes, cycle.weight_committee, cycle.weight_school, cycle.weight_proposers)


def _run(rule: str, instance: Instance, cycle: Cycle, projects: dict[str, Project], cache: dict) -> _Run:
    if not instance.project_ids:
        return _Run(funded=(), order=())
    by_votes = instance.ids(greedy_order(instance))
    if rule == Rule.GREEDY:
        return _Run(funded=greedy(instance).funded, order=by_votes)
    if rule == Rule.GREEDY_THRESHOLD:
        threshold = cycle.min_project_votes or 0
        result = greedy_threshold(instance, threshold)
        return _Run(funded=result.funded, order=by_votes,
                    details={"threshold": threshold, "below_threshold": _pks(result.below_threshold, projects)})
    if rule in (Rule.MES, Rule.MES_COMPARISON):
        # One MES count serves both rules (and the comparison table): the comparison step is
        # applied here, as budgeting.tally.equal_shares applies it.
        if cache.get(Rule.MES) is None:
            cache[Rule.MES] = equal_shares_add1(instance, min_vote_to_cost_share=mes_eligibility_share(cycle))
        result = cache[Rule.MES]
        details = {
            "budget_per_voter": fraction_text(result.budget_per_voter),
            "completion_step": completion_step(instance.budget, instance.voter_count),
        }
        if result.ineligible:
            details["ineligible"] = _pks(result.ineligible, projects)
        funded, kept = result.funded, True
        if rule == Rule.MES_COMPARISON:
            ineligible = {instance.index[project_id] for project_id in result.ineligible}
            greedy_funded, _skipped = greedy_indices(
                instance, [project for project in instance.projects if project not in ineligible]
            )
            step = comparison_step(
                instance, [instance.index[project_id] for project_id in funded], greedy_funded, "satisfaction"
            )
            kept = step.keeps_first
            if not kept:
                funded = instance.ids(greedy_funded)
            details["comparison_step"] = {
                "criterion": step.criterion,
                "prefers_mes": step.prefers_first,
                "prefers_greedy": step.prefers_second,
                "kept": "mes" if kept else "greedy",
            }
        return _Run(
            funded=funded,
            order=by_votes,
            added=result.added_by_completion if kept else (),
            effective_support={
                share.project_id: share.effective_vote_count
                for share in result.shares
                if kept and share.effective_vote_count is not None
            },
            budget_per_voter=result.budget_per_voter if kept else None,
            details=details,
        )
    if rule == Rule.SEOUL_WEIGHTED:
        result = seoul_weighted(
            [
                WeightedProject(
                    project_id=project_id,
                    cost=instance.costs[index],
                    votes=instance.votes[index],
                    committee=projects[project_id].committee_score,
                    school=projects[project_id].school_score,
                    proposers=projects[project_id].proposers_score,
                )
                for index, project_id in enumerate(instance.project_ids)
            ],
            instance.budget,
            _weights(cycle),
        )
        scores = {project_id: score.final for project_id, score in result.scores.items()}
        return _Run(funded=result.funded, order=result.order, scores=scores,
                    details={"scores": {projects[key].pk: fraction_text(value) for key, value in scores.items()}})
    raise BudgetingError(_("Unknown rule %(rule)s.") % {"rule": rule}, field="rule", code="unknown_rule")


def _pks(project_ids, projects: dict[str, Project]) -> list[int]:
    return [projects[project_id].pk for project_id in project_ids]


def _rule_figures(rule: str, run: _Run, instance: Instance, projects: dict[str, Project]) -> dict:
    stats = outcome_stats(instance, run.funded)
    return {
        "funded": _pks(run.funded, projects),
        "funded_count": stats.funded_count,
        "total_cost": stats.total_cost,
        "share_without_funded": fraction_text(stats.share_without_funded_approval),
        "share_without_funded_value": float(stats.share_without_funded_approval),
        "average_funded_approvals": fraction_text(stats.average_funded_approvals),
        "average_funded_approvals_value": float(stats.average_funded_approvals),
        **run.details,
    }


def _ranked(run: _Run, instance: Instance) -> list[str]:
    """Funded projects first, in the order the rule funded them; then the others in the rule's
    order. The cut-off line on the results page falls between the two."""
    funded = set(run.funded)
    position = {project_id: index for index, project_id in enumerate(run.order)}
    rest = sorted(
        (project_id for project_id in instance.project_ids if project_id not in funded),
        key=lambda project_id: (position.get(project_id, len(position)), natural_key(project_id)),
    )
    return [*run.funded, *rest]


def _pot_outcome(cycle: Cycle, pot: Pot, rule: str, projects: list[Project], picks: list[tuple],
                 compare: bool) -> PotOutcome:
    by_id = {pabulib_project_id(cycle, project): project for project in projects}
    instance = Instance.from_ballots(
        {project_id: project.cost for project_id, project in by_id.items()},
        pot.total,
        [[pabulib_project_id(cycle, project) for project in chosen] for chosen, *_rest in picks],
    )
    cache: dict = {}
    run = _run(rule, instance, cycle, by_id, cache)
    comparison = {}
    if compare:
        comparison[rule] = _rule_figures(rule, run, instance, by_id)
        for other in (Rule.GREEDY, Rule.MES):
            if other not in comparison:
                comparison[other] = _rule_figures(other, _run(other, instance, cycle, by_id, cache), instance, by_id)
    funded = set(run.funded)
    added = set(run.added)
    outcomes = []
    for rank, project_id in enumerate(_ranked(run, instance), start=1):
        index = instance.index[project_id]
        outcomes.append(
            ProjectOutcome(
                project=by_id[project_id],
                project_id=project_id,
                rank=rank,
                votes=instance.votes[index],
                cost=instance.costs[index],
                funded=project_id in funded,
                final_score=run.scores.get(project_id),
                added_by_completion=project_id in added,
                effective_support=run.effective_support.get(project_id),
            )
        )
    return PotOutcome(
        pot=pot,
        rule=rule,
        voters=instance.voter_count,
        funded=run.funded,
        total_cost=instance.cost_of(instance.index[project_id] for project_id in run.funded),
        projects=tuple(outcomes),
        budget_per_voter=run.budget_per_voter,
        comparison=comparison,
    )


def cycle_outcome(cycle: Cycle, *, rule: str | None = None, pot: Pot | int | None = None,
                  compare: bool = False, progress: Progress | None = None) -> CycleOutcome:
    """The outcome of counting the cycle's ballots under `rule` (default: the cycle's), per pot
    (only `pot` when given), without writing anything. `compare` adds the rule comparison.
    `progress(ballots read, ballots in all)` follows the reading of the ballots."""
    rule = rule or cycle.selection_rule
    if rule not in RULES:
        raise BudgetingError(
            _("Unknown rule %(rule)s: use one of %(rules)s.") % {"rule": rule, "rules": ", ".join(RULES)},
            field="rule", code="unknown_rule",
        )
    pots = list(cycle.pots.select_related("district").order_by("pk"))
    if pot is not None:
        pot_pk = getattr(pot, "pk", pot)
        pots = [candidate for candidate in pots if candidate.pk == pot_pk]
        if not pots:
            raise BudgetingError(_("That pot does not belong to this cycle."), field="pot", code="unknown_pot")
    projects = ballot_projects(cycle)
    picks = pot_ballots(cycle, pots, projects, progress=progress)
    return CycleOutcome(
        cycle=cycle,
        rule=rule,
        pots=tuple(
            _pot_outcome(cycle, candidate, rule, [project for project in projects if project.pot_id == candidate.pk],
                         picks[candidate.pk], compare)
            for candidate in pots
        ),
    )


def _vote_is_over(cycle: Cycle, now=None) -> bool:
    vote = cycle.vote_phase()
    return vote is not None and vote.ends_at <= (now or timezone.now())


def _final_score(outcome: ProjectOutcome) -> Decimal | None:
    if outcome.final_score is not None:
        score = Fraction(outcome.final_score)
        return (Decimal(score.numerator) / Decimal(score.denominator)).quantize(SCORE_PLACES, ROUND_HALF_EVEN)
    # The other rules rank by votes; a count beyond what the column holds is left out (the
    # votes are in their own column anyway).
    votes = Decimal(outcome.votes)
    return votes if votes <= FINAL_SCORE_LIMIT else None


def _lock(cycle: Cycle) -> Cycle:
    return Cycle.objects.select_for_update().prefetch_related("phases", "pots").get(pk=cycle.pk)


def cycle_count(*, actor, cycle: Cycle, progress: Progress | None = None) -> CycleOutcome:
    """Count the cycle's ballots under its rule and store the result of every pot.

    actor: an official who may count (`budgeting.count_votes`: the cycle's officials, once the
    vote is over), or None for an operator's command; an imported (simulation) cycle is counted
    by a command only. A recount replaces the stored result until it is published.
    `progress(ballots read, ballots in all)` follows the reading of the ballots (a command's bar).
    """
    with transaction.atomic():
        cycle = _lock(cycle)
        if cycle.is_simulation and actor is not None:
            raise BudgetingError(_("An imported cycle is read-only: it is counted from the command line."),
                                 code="forbidden")
        if not cycle.is_simulation:
            if not _vote_is_over(cycle):
                raise BudgetingError(_("The vote is not over yet: the count starts when it closes."),
                                     code="vote_not_over")
            if actor is not None and not rules.has_perm("budgeting.count_votes", actor, cycle):
                raise BudgetingError(_("You may not count this cycle's vote."), code="forbidden")
        if cycle.results_published_at is not None:
            raise BudgetingError(_("The results are published: they can no longer be recounted."),
                                 code="published")
        outcome = cycle_outcome(cycle, compare=True, progress=progress)
        PotResult.objects.filter(cycle=cycle).delete()
        now = timezone.now()
        for pot_outcome in outcome.pots:
            pot_result = PotResult.objects.create(
                cycle=cycle, pot=pot_outcome.pot, rule=pot_outcome.rule, voters=pot_outcome.voters,
                total_cost=pot_outcome.total_cost, budget_per_voter=fraction_text(pot_outcome.budget_per_voter),
                comparison=pot_outcome.comparison, computed_at=now,
            )
            ProjectResult.objects.bulk_create(
                [
                    ProjectResult(
                        pot_result=pot_result, project=project.project, rank=project.rank, votes=project.votes,
                        cost=project.cost, final_score=_final_score(project), funded=project.funded,
                        added_by_completion=project.added_by_completion,
                        effective_support=fraction_text(project.effective_support),
                    )
                    for project in pot_outcome.projects
                ],
                batch_size=500,
            )
        # The results pages' cache is keyed by the cycle's updated_at (selectors/results_cache.py):
        # the rows above were written without touching the cycle, so the cycle is saved with them.
        cycle.save(update_fields=["updated_at"])
        audit_record(
            actor=actor, action="budgeting.cycle.count", target=cycle,
            summary={
                "rule": outcome.rule,
                "pots": [
                    {"pot": pot.pot.pk, "voters": pot.voters, "funded": len(pot.funded), "total_cost": pot.total_cost}
                    for pot in outcome.pots
                ],
            },
        )
    return outcome


def results_publish(*, actor, cycle: Cycle) -> Cycle:
    """Make the counted results public; from then on they cannot be recounted."""
    with transaction.atomic():
        cycle = _lock(cycle)
        if cycle.is_simulation:
            raise BudgetingError(_("An imported cycle's results are public as soon as it is counted."),
                                 code="forbidden")
        if actor is not None and not rules.has_perm("budgeting.count_votes", actor, cycle):
            raise BudgetingError(_("You may not publish this cycle's results."), code="forbidden")
        if cycle.results_published_at is not None:
            raise BudgetingError(_("The results are already published."), code="published")
        if not PotResult.objects.filter(cycle=cycle).exists():
            raise BudgetingError(_("Count the vote before publishing the results."), code="not_counted")
        cycle.results_published_at = timezone.now()
        cycle.save(update_fields=["results_published_at", "updated_at"])
        audit_record(actor=actor, action="budgeting.cycle.publish_results", target=cycle,
                     summary={"pots": PotResult.objects.filter(cycle=cycle).count()})
        # Every proposer of a project on the ballot hears whether it was funded, with the results.
        notify_results(cycle)
        # Every voter hears that the results are out: many, so after the commit, from a task.
        cycle_id = cycle.pk
        transaction.on_commit(lambda: tell_voters_the_results.delay(cycle_id), robust=True)
    return cycle
