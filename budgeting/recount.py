"""What verify_ledger asks of participatory budgeting: every ballot's commitment, and whether
the counts the results are computed from (each project's votes, the number of voters) equal a
recount of the ballots.

Imported (simulation) cycles are left out: their ballots come from a pabulib file, not from
citizens of the portal, and were never appended to the ledger.
"""

from collections import Counter

from .models import BudgetBallot, BudgetParticipation, Project
from .services.ballots import SCOPE_PREFIX, ballot_commitment

_CHUNK = 5_000


def _cycle_id(scope: str) -> int:
    return int(scope.removeprefix(SCOPE_PREFIX))


def _ballots(cycle_id):
    return BudgetBallot.objects.filter(cycle_id=cycle_id, cycle__is_simulation=False)


def cycle_commitments(scope: str):
    cycle_id = _cycle_id(scope)
    for salt, projects in _ballots(cycle_id).values_list("salt", "projects").iterator(chunk_size=_CHUNK):
        yield ballot_commitment(salt=salt, cycle_id=cycle_id, projects=projects)


def cycle_scopes():
    cycle_ids = (
        BudgetBallot.objects.filter(cycle__is_simulation=False).values_list("cycle_id", flat=True).distinct().order_by()
    )
    return [f"{SCOPE_PREFIX}{pk}" for pk in cycle_ids]


def cycle_count_problems(scope: str) -> list[str]:
    """Recount the cycle from its ballots: each project's votes, and one participation per ballot."""
    cycle_id = _cycle_id(scope)
    expected = Counter()
    ballots = 0
    for projects in _ballots(cycle_id).values_list("projects", flat=True).iterator(chunk_size=_CHUNK):
        ballots += 1
        expected.update(projects)
    problems = []
    counted = dict(Project.objects.filter(cycle_id=cycle_id).values_list("pk", "votes"))
    for project_id in sorted(set(expected) | {pk for pk, votes in counted.items() if votes}):
        if project_id not in counted:
            problems.append(f"project {project_id}: ballots pick it, but the cycle has no such project.")
        elif counted[project_id] != expected[project_id]:
            problems.append(
                f"project {project_id}: the project shows {counted[project_id]} votes, "
                f"the ballots count {expected[project_id]}."
            )
    participations = BudgetParticipation.objects.filter(cycle_id=cycle_id).count()
    if participations != ballots:
        problems.append(f"{participations} citizens took part, but there are {ballots} ballots.")
    return problems


def register_ballot_recount():
    from audit.recounts import register_recount

    register_recount(SCOPE_PREFIX, cycle_commitments, scopes=cycle_scopes, check=cycle_count_problems)


__all__ = ["cycle_commitments", "cycle_count_problems", "cycle_scopes", "register_ballot_recount"]
