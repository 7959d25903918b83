"""A discussion's opinions are numbered into pages from the question's opinion_count, never by
counting the opinions (a COUNT(*) per page view)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from proposals.models import Question
from proposals.selectors import questions as selectors
from proposals.services.questions import question_opine, questions_erase

from .conftest import K, S

pytestmark = pytest.mark.django_db


@pytest.fixture
def discussion(ask, make_citizen, monkeypatch):
    """An open discussion with 11 opinions ("의견 0" oldest … "의견 10" newest), 5 to a page."""
    monkeypatch.setattr(selectors, "OPINIONS_PER_PAGE", 5)
    question = ask(status=S.OPEN, kind=K.DISCUSSION)
    question.authors = []
    for n in range(11):
        citizen = make_citizen()
        question_opine(citizen=citizen, question=question, body=f"의견 {n}")
        question.authors.append(citizen)
    return question


def read(question, page):
    with CaptureQueriesContext(connection) as queries:
        result = selectors.question_page(pk=question.pk, viewer=AnonymousUser(), opinions_page=page)
        bodies = [opinion.body for opinion in result.opinions.object_list]
    return result.opinions, bodies, [query["sql"] for query in queries]


def counts(sqls):
    return [sql for sql in sqls if "COUNT(" in sql.upper()]


@pytest.mark.parametrize(
    ("asked", "number", "bodies"),
    [
        (1, 1, ["의견 10", "의견 9", "의견 8", "의견 7", "의견 6"]),
        (2, 2, ["의견 5", "의견 4", "의견 3", "의견 2", "의견 1"]),
        (3, 3, ["의견 0"]),
        (99, 3, ["의견 0"]),  # past the end: the last page
        ("abc", 1, ["의견 10", "의견 9", "의견 8", "의견 7", "의견 6"]),
    ],
)
def test_the_pages_are_numbered_from_the_counter_without_a_count_query(discussion, asked, number, bodies):
    page, listed, sqls = read(discussion, asked)

    assert counts(sqls) == []
    assert (page.paginator.count, page.paginator.num_pages, page.number) == (11, 3, number)
    assert listed == bodies
    assert page.has_next() is (number < 3)
    # The question and the page of opinions (an anonymous viewer has no answer of their own).
    assert len(sqls) == 2


def test_an_erased_opinion_takes_its_page_with_it(discussion):
    questions_erase(discussion.authors[0])  # "의견 0", alone on the last page

    page, listed, sqls = read(discussion, 3)

    assert Question.objects.get(pk=discussion.pk).opinion_count == 10
    assert counts(sqls) == []
    assert (page.paginator.count, page.paginator.num_pages, page.number) == (10, 2, 2)
    assert listed == ["의견 5", "의견 4", "의견 3", "의견 2", "의견 1"]


def test_the_page_shows_the_counted_pages(client, discussion):
    url = reverse("proposals:question", args=[discussion.pk])

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, {"page": 2})

    html = response.content.decode()
    assert response.status_code == 200 and "Page 2 of 3" in html
    assert "의견 5" in html and "의견 6" not in html
    assert counts([query["sql"] for query in queries]) == []
