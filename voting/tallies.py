"""The counters a ballot adds to, in one statement each, and their sums for the results page.

A ballot adds 1 to: the poll's ballot count (option 0) and each picked option (for ranked choice,
the first preference), each both in total and by age band, district and gender; for ranked
choice also to the count of its ranking. All in one shard picked at random, with
INSERT ... ON CONFLICT DO UPDATE (PostgreSQL and SQLite alike), rows in a fixed order so that
two ballots never wait on each other in a cycle.
"""

import random
import secrets

from django.conf import settings
from django.db import connection
from django.db.models import Sum

from seoul_portal.statements import statement_cursor

from .models import RankingCount, TallyCount

DEFAULT_SHARDS = 8


def shard_count() -> int:
    return max(1, int(getattr(settings, "VOTING_TALLY_SHARDS", DEFAULT_SHARDS)))


def counted_positions(question_type: str, choices: list[int]) -> list[int]:
    """The options a ballot counts for in the per-option counters."""
    if question_type == "ranked":
        return choices[:1]
    return sorted(choices)


def tally_keys(*, question_type, choices, age_band, district_code, gender):
    """(option_position, dimension, value) of every counter one ballot adds 1 to, sorted."""
    keys = []
    for position in [0, *counted_positions(question_type, choices)]:
        keys += [
            (position, "", ""),
            (position, "age", age_band),
            (position, "district", district_code),
            (position, "gender", gender),
        ]
    return sorted(keys)


def tally_add(*, poll_id, question_type, choices, age_band, district_code, gender, ranking=None):
    """Add one ballot to the counters, in the caller's transaction (two statements at most)."""
    shard = random.randrange(shard_count())  # noqa: S311 -- spreads load, not a secret
    keys = tally_keys(
        question_type=question_type, choices=choices, age_band=age_band, district_code=district_code, gender=gender
    )
    table = connection.ops.quote_name(TallyCount._meta.db_table)
    rows = ", ".join(["(%s, %s, %s, %s, %s, 1)"] * len(keys))
    params = [value for position, dimension, key in keys for value in (poll_id, position, dimension, key, shard)]
    with statement_cursor() as cursor:
        # nosemgrep: raw-sql-built-by-string-formatting -- only names from the models or this module are formatted in; values are parameters
        cursor.execute(
            f"INSERT INTO {table} (poll_id, option_position, dimension, value, shard, count) VALUES {rows} "  # noqa: S608  # nosec B608
            f"ON CONFLICT (poll_id, option_position, dimension, value, shard) "
            f"DO UPDATE SET count = {table}.count + 1",
            params,
        )
        if ranking is not None:
            ranking_table = connection.ops.quote_name(RankingCount._meta.db_table)
            # nosemgrep: raw-sql-built-by-string-formatting -- only names from the models or this module are formatted in; values are parameters
            cursor.execute(
                f"INSERT INTO {ranking_table} (poll_id, ranking, shard, count) VALUES (%s, %s, %s, 1) "  # noqa: S608  # nosec B608
                f"ON CONFLICT (poll_id, ranking, shard) DO UPDATE SET count = {ranking_table}.count + 1",
                [poll_id, ranking, shard],
            )


def tally_prepare(poll) -> int:
    """Create every counter a ballot of `poll` can add to, at zero, before the first ballot.

    Counters created on demand would be created by the first ballot that needs them: their ids
    and their places on disk would follow the order of casting, and say which option, district
    and age band each early ballot had. Created at once, in random order, they say nothing. The
    upsert in tally_add stays as the fallback for a value this list does not foresee.
    """
    from citizens.models import Citizen, District

    from .models import AgeBand

    positions = [0, *poll.options.values_list("position", flat=True)]
    values = [("", "")]
    values += [("age", band) for band in ["", *AgeBand.values]]
    values += [("district", code) for code in ["", *District.objects.values_list("code", flat=True)]]
    values += [("gender", gender) for gender in ["", *Citizen.Gender.values]]
    rows = [
        TallyCount(poll_id=poll.pk, option_position=position, dimension=dimension, value=value, shard=shard, count=0)
        for position in positions
        for dimension, value in values
        for shard in range(shard_count())
    ]
    secrets.SystemRandom().shuffle(rows)
    TallyCount.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)
    return len(rows)


def tally_sums(poll_id) -> dict[tuple[int, str, str], int]:
    """{(option_position, dimension, value): count} over all shards, counters above zero only (one
    query; the row count depends on options, districts and bands, never on the number of ballots)."""
    rows = (
        TallyCount.objects.filter(poll_id=poll_id, count__gt=0)
        .values_list("option_position", "dimension", "value")
        .annotate(total=Sum("count"))
        .order_by()
    )
    return {(position, dimension, value): total for position, dimension, value, total in rows}


def ranking_sums(poll_id) -> dict[str, int]:
    rows = (
        RankingCount.objects.filter(poll_id=poll_id, count__gt=0).values_list("ranking").annotate(total=Sum("count")).order_by()
    )
    return dict(rows)
