"""Ranked-choice results from ranking counts: Borda count and instant runoff.

Both take {ranking: count}, a ranking being a tuple of option positions best first (a voter may
rank fewer than all options), and the poll's option positions. Pure functions: the results page
passes the maintained RankingCount rows, the tests pass textbook examples.

- Borda (modified for partial rankings): with n options, the option ranked k-th (1-based) gets
  n - k points; unranked options get nothing.
- Instant runoff: each round counts every ballot for its highest-ranked option still in the
  race; an option with more than half of the ballots still counting wins; otherwise the option
  with the fewest votes is eliminated (a tie for last eliminates the one with fewer first
  preferences, then the later position: a published, deterministic rule). Ballots whose ranked
  options are all eliminated are exhausted.
"""

from collections import Counter
from dataclasses import dataclass, field


def parse_ranking(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split(">")) if text else ()


def format_ranking(positions) -> str:
    return ">".join(str(position) for position in positions)


def borda_scores(rankings: dict[tuple[int, ...], int], positions: list[int]) -> dict[int, int]:
    n = len(positions)
    scores = dict.fromkeys(positions, 0)
    for ranking, count in rankings.items():
        for rank, position in enumerate(ranking):
            if position in scores:
                scores[position] += (n - 1 - rank) * count
    return scores


@dataclass
class RunoffRound:
    number: int
    votes: dict[int, int]
    exhausted: int
    eliminated: int | None = None
    winner: int | None = None


@dataclass
class RunoffResult:
    rounds: list[RunoffRound] = field(default_factory=list)
    winner: int | None = None


def instant_runoff(rankings: dict[tuple[int, ...], int], positions: list[int]) -> RunoffResult:
    result = RunoffResult()
    remaining = list(positions)
    first_preferences = Counter()
    for ranking, count in rankings.items():
        if ranking:
            first_preferences[ranking[0]] += count
    total = sum(rankings.values())
    while remaining:
        votes = dict.fromkeys(remaining, 0)
        exhausted = 0
        alive = set(remaining)
        for ranking, count in rankings.items():
            top = next((position for position in ranking if position in alive), None)
            if top is None:
                exhausted += count
            else:
                votes[top] += count
        round_ = RunoffRound(number=len(result.rounds) + 1, votes=votes, exhausted=exhausted)
        result.rounds.append(round_)
        counting = total - exhausted
        leader = max(remaining, key=lambda position: (votes[position], first_preferences[position], -position))
        if counting and (votes[leader] * 2 > counting or len(remaining) == 1):
            round_.winner = result.winner = leader
            return result
        if not counting:
            return result
        loser = min(remaining, key=lambda position: (votes[position], first_preferences[position], -position))
        round_.eliminated = loser
        remaining.remove(loser)
    return result
