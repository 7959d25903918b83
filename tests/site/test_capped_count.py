"""seoul_portal.pagination.CappedCountPaginator: a count of at most cap + 1 rows, whatever the
list's size, that never sorts the list to count it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEvent
from audit.services import audit_record
from seoul_portal.pagination import CappedCountPaginator

pytestmark = pytest.mark.django_db


class CapThree(CappedCountPaginator):
    cap = 3


def test_the_count_stops_past_the_cap_without_the_lists_order():
    for number in range(5):
        audit_record(actor=None, action="test.capped", summary={"n": number})
    events = AuditEvent.objects.filter(action="test.capped").order_by("-occurred_at", "-id")
    paginator = CapThree(events, 2)
    with CaptureQueriesContext(connection) as queries:
        assert paginator.count == 4 and paginator.capped
    (counted,) = [query["sql"] for query in queries.captured_queries]
    assert "COUNT(" in counted.upper() and "LIMIT 4" in counted.upper()
    assert "ORDER BY" not in counted.upper()  # any four rows count the same: nothing is sorted
    assert [event.summary["n"] for event in paginator.page(1)] == [4, 3]  # the page keeps the order


def test_a_short_list_is_counted_exactly():
    audit_record(actor=None, action="test.capped", summary={"n": 0})
    paginator = CapThree(AuditEvent.objects.filter(action="test.capped").order_by("-occurred_at"), 2)
    assert paginator.count == 1 and not paginator.capped
    assert CapThree([1, 2, 3, 4, 5, 6], 2).count == 4  # a plain list too
