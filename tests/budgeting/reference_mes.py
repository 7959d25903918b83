"""A deliberately plain Method of Equal Shares to check the fast engine against.

Per-voter Fractions, every project re-evaluated every round, add1 as a linear scan: a direct
transcription of equalshares.net's description, with the engine's documented tie-breaking.
"""

from fractions import Fraction

from budgeting.tally.instance import Instance, natural_key


def reference_run(instance: Instance, endowment: Fraction) -> list[int]:
    budgets = [Fraction(endowment)] * instance.voter_count
    remaining = {project for project in instance.projects if instance.votes[project] > 0}
    winners = sorted(
        (project for project in remaining if instance.costs[project] == 0),
        key=lambda project: natural_key(instance.project_ids[project]),
    )
    remaining -= set(winners)
    while True:
        best = None
        for project in remaining:
            cost = instance.costs[project]
            supporters = instance.supporters[project]
            if sum(budgets[voter] for voter in supporters) < cost:
                continue
            paid, payers = Fraction(0), len(supporters)
            for held in sorted(budgets[voter] for voter in supporters):
                if held < (cost - paid) / payers:
                    paid += held
                    payers -= 1
                else:
                    break
            max_payment = (cost - paid) / payers
            key = (max_payment / cost, cost, -instance.votes[project], natural_key(instance.project_ids[project]))
            if best is None or key < best[0]:
                best = (key, project, max_payment)
        if best is None:
            return winners
        _, winner, max_payment = best
        for voter in instance.supporters[winner]:
            budgets[voter] -= min(budgets[voter], max_payment)
        winners.append(winner)
        remaining.discard(winner)


def reference_add1(instance: Instance, stop_when_exhaustive: bool = False) -> tuple[list[int], int]:
    fundable = instance.cost_of(project for project in instance.projects if instance.votes[project] > 0)
    endowment = instance.budget // instance.voter_count
    current = reference_run(instance, Fraction(endowment))
    while instance.cost_of(current) != fundable:
        left = instance.budget - instance.cost_of(current)
        if stop_when_exhaustive and all(p in current or instance.costs[p] > left for p in instance.projects):
            break
        following = reference_run(instance, Fraction(endowment + 1))
        if instance.cost_of(following) > instance.budget:
            break
        endowment, current = endowment + 1, following
    return current, endowment
