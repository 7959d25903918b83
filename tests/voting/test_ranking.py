"""Ranked-choice results on known examples: Borda count and instant runoff."""

import random

import pytest

from voting.ranking import borda_scores, format_ranking, instant_runoff, parse_ranking
from voting.services import ballot_cast
from voting.tallies import ranking_sums, tally_sums

MEMPHIS, NASHVILLE, CHATTANOOGA, KNOXVILLE = 1, 2, 3, 4
TENNESSEE_POSITIONS = [MEMPHIS, NASHVILLE, CHATTANOOGA, KNOXVILLE]
# The textbook example (Wikipedia, "Borda count" and "Instant-runoff voting"): Tennessee picks a
# capital; every voter prefers cities near their own.
TENNESSEE = {
    (MEMPHIS, NASHVILLE, CHATTANOOGA, KNOXVILLE): 42,
    (NASHVILLE, CHATTANOOGA, KNOXVILLE, MEMPHIS): 26,
    (CHATTANOOGA, KNOXVILLE, NASHVILLE, MEMPHIS): 15,
    (KNOXVILLE, CHATTANOOGA, NASHVILLE, MEMPHIS): 17,
}


def rounds_of(result):
    return [(round_.votes, round_.exhausted, round_.eliminated, round_.winner) for round_ in result.rounds]


# --- Tennessee ----------------------------------------------------------------------------------------


def test_tennessee_borda_elects_nashville():
    assert borda_scores(TENNESSEE, TENNESSEE_POSITIONS) == {
        MEMPHIS: 126, NASHVILLE: 194, CHATTANOOGA: 173, KNOXVILLE: 107,
    }


def test_tennessee_instant_runoff_elects_knoxville_in_three_rounds():
    result = instant_runoff(TENNESSEE, TENNESSEE_POSITIONS)
    assert result.winner == KNOXVILLE
    assert rounds_of(result) == [
        ({MEMPHIS: 42, NASHVILLE: 26, CHATTANOOGA: 15, KNOXVILLE: 17}, 0, CHATTANOOGA, None),
        ({MEMPHIS: 42, NASHVILLE: 26, KNOXVILLE: 32}, 0, NASHVILLE, None),
        ({MEMPHIS: 42, KNOXVILLE: 58}, 0, None, KNOXVILLE),
    ]
    assert [round_.number for round_ in result.rounds] == [1, 2, 3]


@pytest.mark.django_db
def test_tennessee_through_real_ballots_and_the_maintained_counters(ranked_poll, make_citizen):
    """The same 100 voters cast through ballot_cast: the counters give back the textbook answers."""
    for ranking, count in TENNESSEE.items():
        for _ in range(count):
            ballot_cast(citizen=make_citizen(), poll=ranked_poll, choices=[str(p) for p in ranking])

    rankings = {parse_ranking(text): count for text, count in ranking_sums(ranked_poll.pk).items()}
    assert rankings == TENNESSEE
    positions = sorted(ranked_poll.options.values_list("position", flat=True))
    assert max(borda_scores(rankings, positions).items(), key=lambda item: item[1])[0] == NASHVILLE
    assert instant_runoff(rankings, positions).winner == KNOXVILLE
    # The per-option counters count first preferences: plurality would pick Memphis.
    sums = tally_sums(ranked_poll.pk)
    assert {p: sums[(p, "", "")] for p in positions} == {MEMPHIS: 42, NASHVILLE: 26, CHATTANOOGA: 15, KNOXVILLE: 17}
    assert sums[(0, "", "")] == 100


# --- Partial rankings, exhausted ballots, ties --------------------------------------------------------


def test_borda_gives_unranked_options_nothing():
    # Three options: the first rank is worth 2, the second 1; a bullet vote gives only its option points.
    assert borda_scores({(1,): 5, (2, 3): 4}, [1, 2, 3]) == {1: 10, 2: 8, 3: 4}


def test_borda_counts_every_option_even_one_nobody_ranked():
    assert borda_scores({(2, 1): 3}, [1, 2, 3, 4]) == {1: 6, 2: 9, 3: 0, 4: 0}


def test_borda_ignores_a_position_that_is_not_an_option():
    assert borda_scores({(9, 1): 2}, [1, 2]) == {1: 0, 2: 0}


def test_a_borda_tie_gives_equal_scores():
    assert borda_scores({(1, 2): 3, (2, 1): 3}, [1, 2]) == {1: 3, 2: 3}


def test_exhausted_ballots_leave_the_count_and_the_majority_is_of_ballots_still_counting():
    result = instant_runoff({(1,): 4, (2,): 3, (3,): 2}, [1, 2, 3])
    assert rounds_of(result) == [
        ({1: 4, 2: 3, 3: 2}, 0, 3, None),
        # 4 of the 7 ballots still counting is a majority, though not of all 9.
        ({1: 4, 2: 3}, 2, None, 1),
    ]


def test_later_preferences_transfer_when_an_option_is_eliminated():
    result = instant_runoff({(1,): 4, (2,): 3, (3, 2): 2}, [1, 2, 3])
    assert rounds_of(result)[-1] == ({1: 4, 2: 5}, 0, None, 2)


def test_a_majority_in_the_first_round_wins_at_once():
    result = instant_runoff({(1, 2): 6, (2, 1): 4, (3,): 1}, [1, 2, 3])
    assert rounds_of(result) == [({1: 6, 2: 4, 3: 1}, 0, None, 1)]


def test_a_tie_for_last_in_the_first_round_eliminates_the_later_option():
    result = instant_runoff({(1,): 5, (2,): 3, (3,): 3}, [1, 2, 3])
    assert result.rounds[0].eliminated == 3
    assert result.winner == 1


def test_a_later_tie_for_last_eliminates_the_option_with_fewer_first_preferences():
    # Round 2: options 2 and 3 both hold 4 votes; 2 had 3 first preferences, 3 had 4, so 2 goes
    # (the position rule alone would have eliminated 3).
    result = instant_runoff({(1,): 6, (2,): 3, (3,): 4, (4, 2): 1}, [1, 2, 3, 4])
    assert rounds_of(result) == [
        ({1: 6, 2: 3, 3: 4, 4: 1}, 0, 4, None),
        ({1: 6, 2: 4, 3: 4}, 0, 2, None),
        ({1: 6, 3: 4}, 4, None, 1),
    ]


def test_a_dead_heat_goes_to_the_earlier_option():
    result = instant_runoff({(1,): 3, (2,): 3}, [1, 2])
    assert rounds_of(result) == [({1: 3, 2: 3}, 0, 2, None), ({1: 3}, 3, None, 1)]


def test_no_ballots_no_winner():
    result = instant_runoff({}, [1, 2, 3])
    assert result.winner is None
    assert rounds_of(result) == [({1: 0, 2: 0, 3: 0}, 0, None, None)]
    assert borda_scores({}, [1, 2, 3]) == {1: 0, 2: 0, 3: 0}


def test_options_nobody_ranked_do_not_stand_in_the_way():
    assert rounds_of(instant_runoff({(3,): 2}, [1, 2, 3])) == [({1: 0, 2: 0, 3: 2}, 0, None, 3)]


def test_ballots_that_rank_none_of_the_options_elect_nobody():
    result = instant_runoff({(9,): 2}, [1, 2])
    assert result.winner is None and result.rounds[-1].exhausted == 2


def test_instant_runoff_invariants_on_random_profiles():
    """Every round accounts for every ballot, an eliminated option never comes back, the winner
    holds a majority of the ballots still counting (or is the last one left)."""
    generator = random.Random(20240501)
    for _ in range(300):
        positions = list(range(1, generator.randint(2, 6) + 1))
        rankings = {}
        for _ in range(generator.randint(1, 12)):
            ranking = tuple(generator.sample(positions, generator.randint(1, len(positions))))
            rankings[ranking] = rankings.get(ranking, 0) + generator.randint(1, 20)
        total = sum(rankings.values())
        result = instant_runoff(rankings, positions)
        eliminated = set()
        for round_ in result.rounds:
            assert sum(round_.votes.values()) + round_.exhausted == total
            assert not eliminated & set(round_.votes)
            if round_.eliminated is not None:
                eliminated.add(round_.eliminated)
        assert len(result.rounds) <= len(positions)
        last = result.rounds[-1]
        assert result.winner is not None
        counting = total - last.exhausted
        assert last.votes[result.winner] * 2 > counting or len(last.votes) == 1
        scores = borda_scores(rankings, positions)
        n = len(positions)
        assert sum(scores.values()) == sum(count * sum(n - 1 - k for k in range(len(r))) for r, count in rankings.items())


@pytest.mark.parametrize("ranking", [(), (3,), (3, 1, 2), (10, 1, 9, 2)])
def test_a_ranking_survives_its_text_form(ranking):
    assert parse_ranking(format_ranking(ranking)) == ranking


def test_the_text_form_is_compact():
    assert format_ranking([3, 1, 2]) == "3>1>2" and parse_ranking("") == ()
