"""The back-office lists of tables that grow without bound (proposals, comments, Seoul asks
opinions) never count every row: CappedCountPaginator counts at most cap + 1 rows (a COUNT(*)
over a LIMIT) and no "full result count" runs."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from citizens.backends import PASSWORD_BACKEND
from proposals.services import proposal_create_draft, proposal_publish
from proposals.services.comments import comment_post
from proposals.services.questions import question_create, question_opine, question_publish
from seoul_portal.pagination import CappedCountPaginator

from .conftest import PUBLISHED_AT

pytestmark = pytest.mark.django_db

CAP = 3
ROWS = 5  # more than the cap: an uncapped count would say 5


@pytest.fixture(autouse=True)
def small_cap(monkeypatch):
    monkeypatch.setattr(CappedCountPaginator, "cap", CAP)


def get_changelist(client, user, name, params=None):
    client.force_login(user, backend=PASSWORD_BACKEND)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(name), params or {})
    return response, [query["sql"] for query in queries]


def assert_counts_are_capped(response, sqls):
    assert response.status_code == 200
    counts = [sql for sql in sqls if "COUNT(*)" in sql.upper()]
    assert counts, "the list was not counted at all: is it paginated?"
    unbounded = [sql for sql in counts if f"LIMIT {CAP + 1}" not in sql.upper()]
    assert unbounded == []
    changelist = response.context["cl"]
    assert changelist.full_result_count is None  # show_full_result_count = False
    assert changelist.result_count == CAP + 1  # counted up to the cap, not the ROWS there are
    assert len(changelist.result_list) == ROWS  # the page itself is whole


def test_the_proposal_list(client, superuser, make_citizen, category):
    for n in range(ROWS):
        author = make_citizen()
        draft = proposal_create_draft(author=author, title=f"제안 {n}", body="본문입니다.", category=category)
        proposal_publish(author=author, proposal=draft, now=PUBLISHED_AT + timedelta(days=n))

    response, sqls = get_changelist(client, superuser, "admin:proposals_proposal_changelist")

    assert_counts_are_capped(response, sqls)


def test_the_comment_queue(client, superuser, published, make_citizen):
    for n in range(ROWS):
        comment_post(author=make_citizen(), proposal=published, body=f"의견 {n}")

    response, sqls = get_changelist(client, superuser, "admin:proposals_comment_changelist", {"queue": "all"})

    assert_counts_are_capped(response, sqls)


def test_the_opinions_of_seoul_asks(client, superuser, official, unit, make_citizen):
    question = question_create(
        actor=official, unit=unit, title="따릉이 대여소를 늘릴까요?", body="의견을 들려주세요.", kind="discussion",
        closes_at=timezone.now() + timedelta(days=7),
    )
    question = question_publish(actor=official, question=question)
    for n in range(ROWS):
        question_opine(citizen=make_citizen(), question=question, body=f"의견 {n}")

    response, sqls = get_changelist(client, superuser, "admin:proposals_questionopinion_changelist")

    assert_counts_are_capped(response, sqls)
