"""What verify_ledger asks of M-Voting: every ballot's commitment, and whether the counters the
results page shows equal a recount of the ballots."""

from collections import Counter

from .models import Ballot, Poll
from .ranking import format_ranking
from .services.ballots import ballot_commitment
from .tallies import ranking_sums, tally_keys, tally_sums

SCOPE_PREFIX = "voting.poll:"


def _poll_id(scope: str) -> int:
    return int(scope.removeprefix(SCOPE_PREFIX))


def poll_commitments(scope: str):
    poll_id = _poll_id(scope)
    for salt, choices in Ballot.objects.filter(poll_id=poll_id).values_list("salt", "choices").iterator(chunk_size=5000):
        yield ballot_commitment(salt=salt, poll_id=poll_id, choices=choices)


def poll_scopes():
    return [f"{SCOPE_PREFIX}{pk}" for pk in Ballot.objects.values_list("poll_id", flat=True).distinct().order_by()]


def poll_count_problems(scope: str) -> list[str]:
    """Recount the poll from its ballots and compare with the maintained counters."""
    poll = Poll.objects.only("question_type").get(pk=_poll_id(scope))
    expected, rankings = Counter(), Counter()
    rows = Ballot.objects.filter(poll_id=poll.pk).values_list("choices", "age_band", "district_code", "gender")
    for choices, band, district, gender in rows.iterator(chunk_size=5000):
        for key in tally_keys(
            question_type=poll.question_type, choices=choices, age_band=band, district_code=district, gender=gender
        ):
            expected[key] += 1
        if poll.is_ranked:
            rankings[format_ranking(choices)] += 1
    problems = []
    counted = Counter({key: count for key, count in tally_sums(poll.pk).items() if count})
    for key in sorted(set(expected) | set(counted)):
        if expected[key] != counted[key]:
            position, dimension, value = key
            what = "ballots" if position == 0 else f"option {position}"
            if dimension:
                what += f" ({dimension}={value or '-'})"
            problems.append(f"{what}: the results show {counted[key]}, the ballots count {expected[key]}.")
    if poll.is_ranked and Counter({k: v for k, v in ranking_sums(poll.pk).items() if v}) != rankings:
        problems.append("the ranking counts differ from the ballots.")
    return problems


__all__ = ["SCOPE_PREFIX", "poll_commitments", "poll_count_problems", "poll_scopes"]
