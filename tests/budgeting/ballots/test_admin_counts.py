"""The participations' list in the back office never counts every row, and its order (newest cycle,
latest day first) is read from an index, not sorted."""

from datetime import date, timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from budgeting.models import BudgetParticipation
from citizens.backends import PASSWORD_BACKEND
from seoul_portal.pagination import CappedCountPaginator

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:budgeting_budgetparticipation_changelist"
CAP = 3
DAY = date(2026, 9, 1)


@pytest.fixture(autouse=True)
def small_cap(monkeypatch):
    monkeypatch.setattr(CappedCountPaginator, "cap", CAP)


@pytest.fixture
def participations(make_cycle, make_citizen):
    """Three participations in last year's cycle and two in this year's, on different days."""
    older = make_cycle("vote", year=DAY.year - 1)
    newer = make_cycle("vote", year=DAY.year)

    def took_part(cycle, days):
        return BudgetParticipation.objects.create(
            cycle=cycle, citizen=make_citizen(), voted_on=DAY + timedelta(days=days)
        )

    rows = [took_part(older, 0), took_part(older, 2), took_part(older, 1), took_part(newer, 0), took_part(newer, 3)]
    return {"older": older, "newer": newer, "rows": rows}


def get_changelist(client, user, params=None):
    client.force_login(user, backend=PASSWORD_BACKEND)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(CHANGELIST), params or {})
    return response, [query["sql"] for query in queries]


@pytest.mark.parametrize("who", ["official", "superuser"])
def test_the_list_counts_up_to_the_cap_in_the_index_order(who, request, client, participations):
    response, sqls = get_changelist(client, request.getfixturevalue(who))

    assert response.status_code == 200
    counts = [sql for sql in sqls if "COUNT(*)" in sql.upper()]
    assert counts and all(f"LIMIT {CAP + 1}" in sql.upper() for sql in counts), counts
    changelist = response.context["cl"]
    assert changelist.full_result_count is None
    assert changelist.result_count == CAP + 1  # not the 5 rows there are
    rows = participations["rows"]
    # Newest cycle first, latest day first within a cycle.
    assert [row.pk for row in changelist.result_list] == [rows[4].pk, rows[3].pk, rows[1].pk, rows[2].pk, rows[0].pk]


def test_a_cycle_filtered_list_is_counted_up_to_the_cap(client, superuser, participations):
    response, sqls = get_changelist(client, superuser, {"cycle__id__exact": participations["older"].pk})

    assert response.status_code == 200
    counts = [sql for sql in sqls if "COUNT(*)" in sql.upper()]
    assert counts and all(f"LIMIT {CAP + 1}" in sql.upper() for sql in counts), counts
    assert response.context["cl"].result_count == 3 and response.context["cl"].full_result_count is None


@pytest.mark.postgres
def test_the_page_is_read_in_the_order_of_the_index(client, superuser, participations):
    """With sorting priced out, PostgreSQL still finds a plan without a Sort: the index gives the
    list's order (the page and its capped count stop after their rows, at any size). An incremental
    sort is priced out too: on five rows the planner may otherwise read the cycles first and sort
    each cycle's rows, which at Seoul's size is a sort of hundreds of thousands of rows."""
    _response, sqls = get_changelist(client, superuser)
    ordered = [sql for sql in sqls if 'FROM "budgeting_budgetparticipation"' in sql and "ORDER BY" in sql]
    assert ordered

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_incremental_sort = off")
        cursor.execute("SET LOCAL enable_seqscan = off")
        for sql in ordered:
            cursor.execute(f"EXPLAIN {sql}")
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert "budget_participation_cycle_day" in plan and "Sort" not in plan, plan
