"""The public list's word search (`q`) reads only public complaints of a bounded period: the
longest period it searches, and on PostgreSQL the plan of its queries (an index range scan on the
received days of public complaints, never a scan of the whole complaints table)."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from complaints.forms.public import TEXT_MAX_DAYS, ComplaintFilterForm
from complaints.models import Complaint
from complaints.selectors import public_complaints

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("language_isolated")]


def filters_of(query: str) -> dict:
    return ComplaintFilterForm(QueryDict(query)).filters()


def test_words_are_searched_in_at_most_35_days():
    assert TEXT_MAX_DAYS == 35
    filters = filters_of("q=싱크홀&since=2020-01-01&until=2026-03-20")
    assert (filters["since"], filters["until"]) == (date(2026, 2, 14), date(2026, 3, 20))


def test_a_longer_period_is_cut_with_a_message(client, file_complaint):
    now = timezone.now()
    inside = file_complaint(description="싱크홀 신고", is_public=True, now=now - timedelta(days=34)).tracking_number
    file_complaint(description="싱크홀 신고", is_public=True, now=now - timedelta(days=36))
    since = (timezone.localdate() - timedelta(days=90)).isoformat()
    response = client.get(reverse("complaints:list"), {"q": "싱크홀", "since": since})
    assert response.status_code == 400
    assert [complaint.tracking_number for complaint in response.context["complaints"]] == [inside]
    assert response.context["problems"] == [
        gettext("Words are searched in at most %(days)d days: showing the last %(days)d days of the period.")
        % {"days": 35}
    ]


def plan_of(queryset, *, count=False) -> str:
    sql, params = (queryset.order_by() if count else queryset).query.sql_with_params()
    if count:
        sql = f"SELECT COUNT(*) FROM ({sql}) AS counted"  # noqa: S608 -- our own query
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def a_city_of_complaints(template, rows=30_000):
    """`rows` copies of `template`, one an hour back from it (about three and a half years), one in
    ten public: enough for the planner to weigh an index against a scan as it would in Seoul."""
    columns = [
        field.column for field in Complaint._meta.concrete_fields
        if field.column not in ("id", "tracking_number", "token", "received_at", "is_public")
    ]  # fmt: skip
    copied = ", ".join(connection.ops.quote_name(column) for column in columns)
    table = connection.ops.quote_name(Complaint._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({copied}, tracking_number, token, received_at, is_public) "  # noqa: S608 -- our table
            f"SELECT {copied}, 'PLAN-' || n, gen_random_uuid(), received_at - n * interval '1 hour', n %% 10 = 0 "
            f"FROM {table} CROSS JOIN generate_series(1, %s) AS n WHERE id = %s",
            [rows, template.pk],
        )
        cursor.execute(f"ANALYZE {table}")


def table_reads(plan: str) -> list[tuple[str, str]]:
    """(how, the conditions of the index) of each read of the complaints table in `plan`."""
    lines = plan.splitlines()
    reads = []
    for number, line in enumerate(lines):
        if "complaints_complaint" in line and (" on complaints_complaint" in line or "Index Scan on" in line):
            following = []
            for later in lines[number + 1 :]:
                if "->" in later:
                    break
                following.append(later.strip())
            reads.append((line.strip(), " ".join(following)))
    return reads


@pytest.mark.parametrize(
    "query", ["q=싱크홀", "q=싱크홀&since={week}&until={today}", "q=싱크홀&status=open", "q=싱크홀&page=2"]
)
def test_the_search_reads_public_complaints_by_received_day_through_an_index(query, file_complaint):
    today = timezone.localdate()
    template = file_complaint(description="가로등 고장", is_public=False)
    file_complaint(description="싱크홀 신고", is_public=True)
    a_city_of_complaints(template)
    query = query.format(week=(today - timedelta(days=6)).isoformat(), today=today.isoformat())
    complaints = public_complaints(**filters_of(query))
    for plan in (plan_of(complaints[:20]), plan_of(complaints, count=True)):
        assert "Seq Scan on complaints_complaint" not in plan, plan
        reads = table_reads(plan)
        assert reads, plan
        for how, conditions in reads:
            # An index read narrowed to the received days: the public complaints' partial index,
            # or the received_at index with the public flag checked on the rows it hands over.
            assert "complaint_public_recent" in how or "complaint_received" in how, plan
            assert "received_at >=" in conditions, plan
