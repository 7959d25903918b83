"""The CSV export: the page's numbers, UTF-8 with a BOM for Excel, and the page's visibility rules."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import translation

from voting.models import Poll
from voting.selectors.results import CSV_HEADER

from .conftest import queries_of

pytestmark = pytest.mark.django_db


def csv_url(poll, lang="en"):
    with translation.override(lang):
        return reverse("voting:results_csv", args=[poll.pk])


def rows_of(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith(f'attachment; filename="seoul-poll-{response.poll_pk}-results-')
    body = response.content
    assert body.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8").removeprefix("\ufeff"))))


def download(client, poll, lang="en"):
    response = client.get(csv_url(poll, lang))
    response.poll_pk = poll.pk
    return response


def test_the_csv_has_the_pages_numbers(client, make_poll, cast, settings):
    settings.VOTING_BREAKDOWN_MIN_CELL = 2
    poll = make_poll(eligible_population=50)
    cast(poll, [1], 3, band="20s", district="11680", gender="female")
    cast(poll, [2], 2, band="30s", district="11440", gender="male")
    cast(poll, [3], 1, band="40s", district="11110", gender="")

    rows = rows_of(download(client, poll))

    assert tuple(rows[0]) == CSV_HEADER
    facts = [row for row in rows[1:] if row[0] in ("ballots", "eligible_population", "turnout", "option")]
    assert facts == [
        ["ballots", "", "", "", "", "", "6", "", ""],
        ["eligible_population", "", "", "", "", "", "50", "", ""],
        ["turnout", "", "", "", "", "", "6", "12.0", ""],
        ["option", "", "", "", "1", "찬성", "3", "50.0", "leader"],
        ["option", "", "", "", "2", "반대", "2", "33.3", ""],
        ["option", "", "", "", "3", "모르겠음", "1", "16.7", ""],
    ]
    age = [row for row in rows if row[0] == "age"]
    assert age[:4] == [
        ["age", "20s", "20s", "", "", "ballots", "3", "50.0", ""],
        ["age", "20s", "20s", "", "1", "찬성", "3", "100.0", ""],
        ["age", "20s", "20s", "", "2", "반대", "0", "0.0", ""],
        ["age", "20s", "20s", "", "3", "모르겠음", "0", "0.0", ""],
    ]
    # The 40s (1 ballot) and the smallest shown band (30s, 2) are combined.
    assert ["age", "combined", "Other groups (2 combined)", "", "", "ballots", "3", "50.0", "combined"] in age
    district = {row[1] for row in rows if row[0] == "district"}
    assert district == {"11680", "combined"}


def test_the_csv_of_a_ranked_poll_has_borda_and_every_round(client, ranked_poll, cast):
    cast(ranked_poll, [1, 2, 3, 4], 5)
    cast(ranked_poll, [2, 3, 4, 1], 4)
    cast(ranked_poll, [3, 4, 2, 1], 2)
    cast(ranked_poll, [4, 3, 2, 1], 3)

    rows = rows_of(download(client, ranked_poll))

    assert [row[4:7] + [row[8]] for row in rows if row[0] == "borda"] == [
        ["1", "Memphis", "15", ""], ["2", "Nashville", "27", "leader"], ["3", "Chattanooga", "25", ""],
        ["4", "Knoxville", "17", ""],
    ]
    runoff = [(row[3], row[5], row[6], row[7], row[8]) for row in rows if row[0] == "runoff"]
    assert runoff == [
        ("1", "Memphis", "5", "35.7", ""), ("1", "Nashville", "4", "28.6", ""),
        ("1", "Chattanooga", "2", "14.3", "eliminated"), ("1", "Knoxville", "3", "21.4", ""),
        ("2", "Memphis", "5", "35.7", ""), ("2", "Nashville", "4", "28.6", "eliminated"),
        ("2", "Knoxville", "5", "35.7", ""),
        ("3", "Memphis", "5", "35.7", ""), ("3", "Knoxville", "9", "64.3", "winner"),
    ]
    assert [(row[3], row[6]) for row in rows if row[0] == "runoff_exhausted"] == [("1", "0"), ("2", "0"), ("3", "0")]
    # Fewer than 5 ballots in some groups: suppressed or combined, never shown alone.
    assert [row for row in rows if row[0] == "age" and row[8] == "suppressed"] == []


def test_a_suppressed_breakdown_says_so(client, open_poll, cast):
    cast(open_poll, [1], 2)
    rows = rows_of(download(client, open_poll))
    assert ["gender", "", "", "", "", "", "", "", "suppressed"] in rows
    assert not [row for row in rows if row[0] == "gender" and row[8] != "suppressed"]


def test_formulas_in_option_labels_are_defused(client, make_poll, cast):
    poll = make_poll(options=[{"label": '=HYPERLINK("http://evil")'}, {"label": "+1"}, {"label": "보통"}])
    cast(poll, [1])
    options = [row for row in rows_of(download(client, poll)) if row[0] == "option"]
    assert [row[5] for row in options] == ['\'=HYPERLINK("http://evil")', "'+1", "보통"]


def test_labels_follow_the_language(client, make_poll, cast, settings):
    settings.VOTING_BREAKDOWN_MIN_CELL = 1
    poll = make_poll()
    cast(poll, [1], gender="")
    rows = rows_of(download(client, poll, lang="ko"))
    assert [row[1:3] for row in rows if row[0] == "district" and row[5] == "ballots"] == [["11680", "강남구"]]
    assert [row[1] for row in rows if row[0] == "gender" and row[5] == "ballots"] == ["not_given"]


def test_the_csv_follows_the_visibility_rules(client, make_poll, cast, grant):
    hidden_until_close = make_poll(results_visibility=Poll.ResultsVisibility.AFTER_CLOSE)
    response = client.get(csv_url(hidden_until_close))
    assert response.status_code == 403
    assert "hides its results until voting closes" in response.content.decode()

    room = make_poll(access=Poll.Access.ROOM, title="비밀 방 투표")
    response = client.get(csv_url(room))
    assert response.status_code == 403
    assert "비밀 방 투표" not in response.content.decode()
    assert grant(room).get(csv_url(room)).status_code == 200

    draft = make_poll(publish=False)
    assert client.get(csv_url(draft)).status_code == 404


def test_the_csv_reads_no_ballot_and_its_queries_do_not_grow(client, make_poll, cast):
    few, many = make_poll(title="적은"), make_poll(title="많은")
    cast(few, [1], 3)
    cast(many, [1], 5, band="20s")
    cast(many, [2], 15, district="11440", gender="male")

    few_response, few_queries = queries_of(client, csv_url(few))
    many_response, many_queries = queries_of(client, csv_url(many))

    assert few_response.status_code == many_response.status_code == 200
    assert len(few_queries) == len(many_queries)
    assert not [sql for sql in few_queries + many_queries if "voting_ballot" in sql]
