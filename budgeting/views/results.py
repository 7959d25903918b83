"""The results pages: a cycle's pots at a glance, and one pot's funded and unfunded projects,
the cut-off line, how the rule works and how other rules would have done on the same ballots.

Everything shown was stored by the count (services.tally.cycle_count); these views only read.
Before publication only the cycle's officials see the results (with a note); everyone else gets
a page saying they are not published yet (404). An imported simulation's results are public.
"""

from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_safe

from seoul_portal.replica import reads_from_replica

from ..selectors.cycles import cycle_for_page
from ..selectors.results import HIDDEN, PREVIEW, PUBLIC, pot_of_cycle, results_access
from ..selectors.results_cache import cycle_results_for_page, pot_results_for_page


def _not_published(request, cycle, pot=None):
    return render(request, "budgeting/results_unpublished.html", {"cycle": cycle, "pot": pot}, status=404)


@require_safe
@reads_from_replica
def results(request, cycle):
    cycle = cycle_for_page(cycle)
    access = results_access(request.user, cycle)
    if access == HIDDEN:
        return _not_published(request, cycle)
    pots = cycle_results_for_page(cycle, public=access == PUBLIC)
    context = {"cycle": cycle, "preview": access == PREVIEW, "pots": pots}
    return render(request, "budgeting/results.html", context)


@require_safe
@reads_from_replica
def pot_results_page(request, cycle, pot):
    cycle = cycle_for_page(cycle)
    pot = pot_of_cycle(cycle, pot)
    access = results_access(request.user, cycle)
    if access == HIDDEN:
        return _not_published(request, cycle, pot)
    page = pot_results_for_page(cycle, pot, public=access == PUBLIC)
    context = {"cycle": cycle, "preview": access == PREVIEW, "page": page}
    return render(request, "budgeting/pot_results.html", context)


urls = [
    path("<int:cycle>/results/", results, name="results"),
    path("<int:cycle>/results/<int:pot>/", pot_results_page, name="pot_results"),
]
