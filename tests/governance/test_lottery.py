"""The stratified lottery as pure functions: quotas, reproducibility, shortfalls, and agreement with
an exhaustive search on small pools."""

import itertools
import random
from collections import Counter
from datetime import date

import pytest

from governance import lottery
from governance.lottery import AGE_BANDS, SEXES, Candidate, LotteryShortfall, Quotas


def pool(size, *, districts=25, vulnerable_share=0.2, seed=1):
    rng = random.Random(seed)
    return [
        Candidate(id=number, district=f"11{rng.randrange(districts):03d}", age_band=rng.choice(AGE_BANDS),
                  sex=rng.choice(SEXES), vulnerable=rng.random() < vulnerable_share)
        for number in range(1, size + 1)
    ]


def test_all_quotas_hold_together():
    quotas = Quotas(seats=30, max_per_district=6, min_vulnerable=5)
    selected = lottery.draw(pool(300, districts=6), quotas, "a-seed")
    cells = Counter(candidate.cell for candidate in selected)
    assert len(selected) == 30
    assert Counter(candidate.sex for candidate in selected) == {"female": 15, "male": 15}
    assert Counter(candidate.age_band for candidate in selected) == dict.fromkeys(AGE_BANDS, 10)
    assert set(cells.values()) == {5}
    assert max(Counter(candidate.district for candidate in selected).values()) <= 6
    assert sum(candidate.vulnerable for candidate in selected) >= 5
    assert lottery.verify(selected, quotas)


@pytest.mark.parametrize("seats", range(1, 40))
def test_targets_split_sexes_and_age_bands_as_evenly_as_the_seats_allow(seats):
    targets = Quotas(seats=seats).cell_targets()
    by_sex = Counter()
    by_band = Counter()
    for (sex, band), count in targets.items():
        by_sex[sex] += count
        by_band[band] += count
    assert sum(targets.values()) == seats
    assert max(by_sex[sex] for sex in SEXES) - min(by_sex[sex] for sex in SEXES) <= 1
    assert max(by_band[band] for band in AGE_BANDS) - min(by_band[band] for band in AGE_BANDS) <= 1


def test_the_same_seed_gives_the_same_selection_whatever_the_pool_order():
    candidates = pool(200)
    quotas = Quotas(seats=24, min_vulnerable=3)
    first = lottery.draw(candidates, quotas, "0f" * 32)
    shuffled = list(reversed(candidates))
    random.Random(5).shuffle(shuffled)
    assert lottery.draw(shuffled, quotas, "0f" * 32) == first


def test_a_different_seed_typically_gives_a_different_selection():
    candidates, quotas = pool(200), Quotas(seats=24)
    selections = {tuple(c.id for c in lottery.draw(candidates, quotas, f"seed-{n}")) for n in range(5)}
    assert len(selections) == 5


def test_the_order_is_sha256_of_seed_colon_id():
    import hashlib

    candidates = pool(10)
    order = lottery.hash_order(candidates, "abc")
    keys = [hashlib.sha256(f"abc:{c.id}".encode()).hexdigest() for c in order]
    assert keys == sorted(keys)


def test_the_first_feasible_volunteer_in_hash_order_is_taken():
    candidates, quotas = pool(120), Quotas(seats=12)
    selected = lottery.draw(candidates, quotas, "s")
    assert selected[0] == lottery.hash_order(candidates, "s")[0]


@pytest.mark.parametrize(
    ("candidates", "quotas", "quota", "needed", "available"),
    [
        # No women in their fifties at all: the cell names itself and how short it is.
        ([c for c in pool(300) if c.cell != ("female", "50+")], Quotas(seats=12), "cell:female/50+", 2, 0),
        # Three districts, a cap of 2: six seats at most.
        (pool(300, districts=3), Quotas(seats=12, max_per_district=2), "max_per_district", 12, 6),
        (pool(300, vulnerable_share=0.0), Quotas(seats=12, min_vulnerable=2), "vulnerable", 2, 0),
        (pool(5), Quotas(seats=12), "seats", 12, 5),
    ],
    ids=["cell", "district cap", "vulnerable", "pool size"],
)
def test_a_shortfall_names_the_quota_and_the_count(candidates, quotas, quota, needed, available):
    with pytest.raises(LotteryShortfall) as short:
        lottery.draw(candidates, quotas, "seed")
    found = {item.quota: item for item in short.value.shortfalls}
    assert quota in found
    assert (found[quota].needed, found[quota].available, found[quota].short_by) == (
        needed, available, needed - available)
    assert f"short by {needed - available}" in str(short.value)


def test_quotas_that_fail_only_together_are_reported_as_such():
    # Each cell could be filled and each district too, but the only young men live in one district
    # whose cap the others need as well.
    candidates = [Candidate(n, "A", "10-29", "male") for n in range(1, 5)]
    candidates += [Candidate(n, "A", "30-49", "male") for n in range(5, 9)]
    candidates += [Candidate(n, f"D{n}", band, "female") for n, band in zip(range(9, 30), itertools.cycle(AGE_BANDS))]
    candidates += [Candidate(n, f"D{n}", "50+", "male") for n in range(30, 40)]
    quotas = Quotas(seats=12, max_per_district=2)
    with pytest.raises(LotteryShortfall) as short:
        lottery.draw(candidates, quotas, "x")
    (only,) = short.value.shortfalls
    assert only.quota == "joint"
    assert only.short_by == 2


def test_the_vulnerable_quota_is_met_when_only_careful_choice_meets_it():
    # Hash order alone would fill the cells with others first; the draw keeps the vulnerable seats open.
    candidates = pool(200, vulnerable_share=0.0)
    candidates += [Candidate(1000 + n, "11999", band, sex, True)
                   for n, (sex, band) in enumerate(lottery.CELL_REMAINDER_ORDER)]
    quotas = Quotas(seats=12, min_vulnerable=6)
    selected = lottery.draw(candidates, quotas, "v")
    assert sum(c.vulnerable for c in selected) == 6


def test_the_draw_agrees_with_an_exhaustive_search_on_small_pools():
    """Whenever a selection meeting all quotas exists, the draw finds the first one in hash order;
    when none exists, it reports a shortfall."""
    rng = random.Random(7)
    feasible = 0
    for trial in range(150):
        candidates = [Candidate(n, f"d{rng.randint(0, 4)}", rng.choice(AGE_BANDS), rng.choice(SEXES),
                                rng.random() < 0.3) for n in range(1, rng.randint(10, 14) + 1)]
        quotas = Quotas(seats=rng.choice([3, 6, 7]), max_per_district=rng.choice([2, 3, 4]),
                        min_vulnerable=rng.randint(0, 3))
        order = lottery.hash_order(candidates, str(trial))
        expected = next((list(combo) for combo in itertools.combinations(order, quotas.seats)
                         if lottery.verify(list(combo), quotas)), None)
        if expected is None:
            with pytest.raises(LotteryShortfall):
                lottery.draw(candidates, quotas, str(trial))
        else:
            feasible += 1
            assert lottery.draw(candidates, quotas, str(trial)) == expected
    assert feasible > 30


@pytest.mark.parametrize(("born", "band"), [
    (date(2016, 6, 2), None), (date(2016, 6, 1), "10-29"), (date(1996, 6, 2), "10-29"), (date(1996, 6, 1), "30-49"),
    (date(1976, 6, 2), "30-49"), (date(1976, 6, 1), "50+"),
])
def test_age_bands(born, band):
    assert lottery.age_band(born, date(2026, 6, 1)) == band


def test_bad_quotas_are_refused():
    with pytest.raises(ValueError):
        Quotas(seats=0)
    with pytest.raises(ValueError):
        Quotas(seats=5, min_vulnerable=6)
    with pytest.raises(ValueError):
        lottery.draw([Candidate(1, "A", "10-29", "female"), Candidate(1, "A", "10-29", "female")], Quotas(seats=1), "s")
