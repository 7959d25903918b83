"""Builders for the results tests: ballots cast through the real service by citizens of chosen
age, district and gender, polls closed early, and clients with a room poll's access."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from voting.services import ballot_cast, poll_close_early
from voting.views.access import SESSION_KEY

HTMX = {"HTTP_HX_REQUEST": "true"}
# Birth dates that fall in a band whatever the day the tests run.
BIRTH_DATES = {"20s": date(2000, 1, 1), "30s": date(1990, 1, 1), "40s": date(1980, 1, 1), "70_plus": date(1940, 1, 1)}


@pytest.fixture
def cast(make_citizen):
    """cast(poll, choices, count=1, band="30s", district="11680", gender="female") → the receipts."""

    def cast_ballots(poll, choices, count=1, *, band="30s", district="11680", gender="female", access_granted=False):
        receipts = []
        for _ in range(count):
            citizen = make_citizen(birth_date=BIRTH_DATES[band], district=district, gender=gender)
            receipts.append(
                ballot_cast(citizen=citizen, poll=poll, choices=choices, access_granted=access_granted).receipt
            )
        return receipts

    return cast_ballots


@pytest.fixture
def close(official):
    def close_poll(poll):
        return poll_close_early(actor=official, poll=poll, reason="결과 확인을 위해 마감합니다.")

    return close_poll


@pytest.fixture
def grant(client):
    """Give the test client's session access to a room or on-site poll (what the room form does)."""

    def grant_access(poll):
        session = client.session
        session[SESSION_KEY] = [*session.get(SESSION_KEY, []), poll.pk]
        session.save()
        return client

    return grant_access


def queries_of(client, url, **extra):
    """The SQL a GET of `url` runs, and the response."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, **extra)
    return response, [query["sql"] for query in captured.captured_queries]
