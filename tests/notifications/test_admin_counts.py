"""The outbox's list in the back office reads no more than a page's worth of a table of millions:
a capped count, no full count, no SELECT DISTINCT over every row (date hierarchy, filters on
fields without choices), and a search by whole values through indexes."""

import pytest
from django.contrib.admin import DateFieldListFilter
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from citizens.models import Citizen
from notifications.models import Notification
from notifications.services import notify
from seoul_portal.pagination import CappedCountPaginator

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:notifications_notification_changelist"
CAP = 3
ROWS = 5


@pytest.fixture(autouse=True)
def small_cap(monkeypatch):
    monkeypatch.setattr(CappedCountPaginator, "cap", CAP)


@pytest.fixture
def official_client(client):
    client.force_login(Citizen.objects.create_superuser(email="official@seoul.go.kr", password="long-enough-pass-123"))
    return client


@pytest.fixture
def outbox(make_citizen, greeting, greeting_context):
    citizen = make_citizen()
    rows = [
        notify(recipient=citizen, kind="test_greeting", context=greeting_context, key=f"greeting:{n}")[0]
        for n in range(ROWS)
    ]
    Notification.objects.filter(pk=rows[0].pk).update(provider_message_id="SM0123456789", provider_status="delivered")
    return rows


def get_changelist(client, params=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(CHANGELIST), params or {})
    assert response.status_code == 200
    return response, [query["sql"] for query in queries]


def listed(response):
    return sorted(row.pk for row in response.context["cl"].result_list)


def test_the_list_counts_up_to_the_cap_and_reads_no_distinct_values(official_client, outbox):
    response, sqls = get_changelist(official_client)

    counts = [sql for sql in sqls if "COUNT(*)" in sql.upper()]
    assert counts and all(f"LIMIT {CAP + 1}" in sql.upper() for sql in counts), counts
    assert [sql for sql in sqls if "DISTINCT" in sql.upper()] == []
    changelist = response.context["cl"]
    assert changelist.full_result_count is None
    assert changelist.result_count == CAP + 1  # not the 5 rows there are
    assert listed(response) == sorted(row.pk for row in outbox)


def test_the_filters_offer_the_known_values_and_filter(official_client, outbox):
    response, _ = get_changelist(official_client)
    html = response.content.decode()
    assert "?kind__exact=test_greeting" in html and "?provider_status__exact=delivered" in html
    assert "?created_at__gte=" in html  # the date ranges that replace the date hierarchy

    by_status, _ = get_changelist(official_client, {"provider_status__exact": "delivered"})
    by_kind, _ = get_changelist(official_client, {"kind__exact": "test_greeting"})
    none_of_kind, _ = get_changelist(official_client, {"kind__exact": "verification_code"})
    # The filter's own "Today" link (it writes the bounds in the site's time zone).
    changelist = response.context["cl"]
    [dates] = [spec for spec in changelist.filter_specs if isinstance(spec, DateFieldListFilter)]
    today_link = [choice["query_string"] for choice in dates.choices(changelist)][1]
    today = official_client.get(reverse(CHANGELIST) + today_link)

    assert listed(by_status) == [outbox[0].pk]
    assert len(listed(by_kind)) == ROWS and listed(none_of_kind) == []
    assert today.status_code == 200 and len(listed(today)) == ROWS
    far_past = official_client.get(reverse(CHANGELIST), {"created_at__lt": "2000-01-01 00:00:00+09:00"})
    assert far_past.status_code == 200 and listed(far_past) == []


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("greeting:2", [2]),  # a whole idempotency key
        ("SM0123456789", [0]),  # a whole provider message ID
        ("greeting", []),  # part of a key: not searched (no LIKE over millions of rows)
        ("SM0123", []),
        ("99999999999999999999", []),  # past a bigint: no error
        ("١٢", []),  # digits, but not ASCII ones
    ],
)
def test_the_search_takes_whole_values(official_client, outbox, term, expected):
    response, sqls = get_changelist(official_client, {"q": term})

    assert listed(response) == [outbox[n].pk for n in expected]
    assert not any("LIKE" in sql.upper() for sql in sqls)


def test_the_search_finds_a_notification_by_its_id(official_client, outbox):
    response, _ = get_changelist(official_client, {"q": f" {outbox[3].pk} "})
    assert listed(response) == [outbox[3].pk]
