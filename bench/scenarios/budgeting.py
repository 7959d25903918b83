"""Participatory budgeting's results pages (issue 6): "the results page for a cycle of 40,000 voters
and 400,000 project votes renders within 1.5x of a 400-voter cycle".

In-process (bench/measure.py), at 400 and at 40,000 voters, on the cycle seed_scale --channel
budgeting counted and published: the city-wide pot's results (its 100 projects, every voter),
one district pot's results (the district with the most voters), the summary of every pot, the
cycle's page, the list of its projects and the page of the city-wide pot's first-ranked project.
Everything shown was computed once by the count (budgeting.services.tally.cycle_count) and
stored: the pages must cost the same queries, and nearly the same time, at both sizes.

Visitors are anonymous: the results are published. No load scenario (the ballots are cast in
the vote phase, which the results pages never share).
"""

from django.urls import reverse

from . import Scenario


def _page(name, *keys):
    def url(context):
        return reverse(f"budgeting:{name}", args=[context[key] for key in keys])

    return url


def prepare(context, *, requests):
    """Nothing to add: the pages are public once the results are published."""
    return context


SCENARIOS = [
    Scenario(
        "pot_results_city",
        "the city-wide pot's results: 100 projects, every voter (budgeting:pot_results)",
        _page("pot_results", "cycle_id", "city_pot_id"),
    ),
    Scenario(
        "pot_results_district",
        "a district pot's results: 10 projects, its voters",
        _page("pot_results", "cycle_id", "district_pot_id"),
    ),
    Scenario("results", "the cycle's results, one line per pot (budgeting:results)", _page("results", "cycle_id")),
    Scenario("cycle", "the cycle's page: phases, pots, sectors (budgeting:cycle)", _page("cycle", "cycle_id")),
    Scenario("projects", "the cycle's projects, first page (budgeting:projects)", _page("projects", "cycle_id")),
    Scenario(
        "project", "the city-wide pot's first-ranked project, with its result", _page("project", "top_city_project_id")
    ),
]
