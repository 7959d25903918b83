"""The results page: numbers from the counters for each question type, turnout, who may see
what and when, English under /en/, and a query count that does not grow with the ballots."""

from datetime import timedelta
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from voting.models import Poll
from voting.selectors.results import percent, poll_results
from voting.services import poll_hide, reflection_record

from .conftest import queries_of

pytestmark = pytest.mark.django_db


def en_results(poll):
    with translation.override("en"):
        return reverse("voting:results", args=[poll.pk])


def table_rows(bars):
    return [(bar.label, bar.count, bar.percent) for bar in bars]


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [(0, 0, "0.0"), (0, 7, "0.0"), (1, 3, "33.3"), (2, 3, "66.7"), (1, 8, "12.5"), (1, 16, "6.3"), (7, 7, "100.0")],
)
def test_percent_has_one_decimal_rounded_half_up(part, whole, expected):
    assert percent(part, whole) == expected


def test_single_choice_counts_and_shares(client, open_poll, cast):
    cast(open_poll, [1], 4)
    cast(open_poll, [2], 2)
    cast(open_poll, [3], 1)

    response = client.get(en_results(open_poll))

    assert response.status_code == 200
    results = response.context["results"]
    assert results.ballots == 7
    assert table_rows(results.options) == [("찬성", 4, "57.1"), ("반대", 2, "28.6"), ("모르겠음", 1, "14.3")]
    assert results.leaders == ["찬성"]
    html = response.content.decode()
    assert "Votes for each option" in html and "57.1%" in html and "28.6%" in html
    assert 'id="results-ballots">7<' in html
    # The bars carry no inline style (the CSP forbids it): a <progress> out of the ballots.
    assert '<progress class="voting-bar" max="7" value="4">' in html
    assert "style=" not in html.split('id="main-content"')[1]


def test_multiple_choice_shares_are_of_ballots(client, make_poll, cast):
    poll = make_poll(question_type="multiple", max_choices=2)
    cast(poll, [1, 2], 3)
    cast(poll, [1], 2)
    cast(poll, [3], 1)

    response = client.get(en_results(poll))

    results = response.context["results"]
    assert results.ballots == 6
    assert table_rows(results.options) == [("찬성", 5, "83.3"), ("반대", 3, "50.0"), ("모르겠음", 1, "16.7")]
    assert "the shares add up to more than 100%" in response.content.decode()


# A textbook-like ranked election where plurality, Borda and instant runoff pick three winners.
# 1 Memphis, 2 Nashville, 3 Chattanooga, 4 Knoxville (the options of the ranked_poll fixture).
RANKED_BALLOTS = [([1, 2, 3, 4], 5), ([2, 3, 4, 1], 4), ([3, 4, 2, 1], 2), ([4, 3, 2, 1], 3)]


def test_ranked_choice_first_preferences_borda_and_every_runoff_round(client, ranked_poll, cast):
    for ranking, count in RANKED_BALLOTS:
        cast(ranked_poll, ranking, count)

    response = client.get(en_results(ranked_poll))

    results = response.context["results"]
    assert results.ballots == 14
    assert table_rows(results.options) == [
        ("Memphis", 5, "35.7"), ("Nashville", 4, "28.6"), ("Chattanooga", 2, "14.3"), ("Knoxville", 3, "21.4"),
    ]
    ranked = results.ranked
    # 3 points for a first choice, 2, 1, 0.
    assert ranked.points_for_first == 3
    assert [(bar.label, bar.count) for bar in ranked.borda] == [
        ("Memphis", 15), ("Nashville", 27), ("Chattanooga", 25), ("Knoxville", 17),
    ]
    assert ranked.borda_leaders == ["Nashville"]
    rounds = ranked.rounds
    assert len(rounds) == 3
    assert table_rows(rounds[0].bars) == [
        ("Memphis", 5, "35.7"), ("Nashville", 4, "28.6"), ("Chattanooga", 2, "14.3"), ("Knoxville", 3, "21.4"),
    ]
    assert (rounds[0].eliminated, rounds[0].winner, rounds[0].exhausted) == ("Chattanooga", "", 0)
    # Chattanooga's ballots go to Knoxville.
    assert table_rows(rounds[1].bars) == [("Memphis", 5, "35.7"), ("Nashville", 4, "28.6"), ("Knoxville", 5, "35.7")]
    assert rounds[1].eliminated == "Nashville"
    # Nashville's ballots skip the eliminated Chattanooga and go to Knoxville, which wins.
    assert table_rows(rounds[2].bars) == [("Memphis", 5, "35.7"), ("Knoxville", 9, "64.3")]
    assert (rounds[2].winner, rounds[2].eliminated) == ("Knoxville", "")
    assert ranked.runoff_winner == "Knoxville"

    html = response.content.decode()
    for text in ("Borda count", "Instant runoff", "Round 1", "Round 2", "Round 3", "Winner of the runoff: Knoxville",
                 "Most points: Nashville", "Chattanooga has the fewest votes and is eliminated.",
                 "Knoxville has more than half and wins."):
        assert text in html, text


def test_partial_rankings_exhaust_and_ties_for_last_follow_the_published_rule(client, make_poll, cast):
    poll = make_poll(question_type="ranked", max_choices=3)
    cast(poll, [1], 3)
    cast(poll, [2, 1], 2)
    cast(poll, [3], 2)

    ranked = client.get(en_results(poll)).context["results"].ranked

    # 2 points for a first choice, 1 for a second.
    assert [(bar.label, bar.count) for bar in ranked.borda] == [("찬성", 8), ("반대", 4), ("모르겠음", 4)]
    first, second = ranked.rounds
    # 반대 and 모르겠음 tie for last with as many first preferences: the later option goes.
    assert first.eliminated == "모르겠음"
    assert (second.exhausted, second.continuing) == (2, 5)
    assert table_rows(second.bars) == [("찬성", 3, "60.0"), ("반대", 2, "40.0")]
    assert second.winner == "찬성"


def test_turnout_against_the_eligible_population(client, make_poll, cast):
    poll = make_poll(eligible_population=40)
    cast(poll, [1], 6)

    response = client.get(en_results(poll))

    turnout = response.context["results"].turnout
    assert (turnout.eligible, turnout.percent) == (40, "15.0")
    html = response.content.decode()
    assert "Turnout" in html and "15.0%" in html


def test_no_turnout_when_the_eligible_population_is_unknown(client, open_poll, cast):
    cast(open_poll, [1])
    response = client.get(en_results(open_poll))
    assert response.context["results"].turnout is None
    assert "Turnout" not in response.content.decode()


def test_an_empty_poll_shows_zeros(client, ranked_poll):
    response = client.get(en_results(ranked_poll))
    assert response.status_code == 200
    results = response.context["results"]
    assert results.ballots == 0 and results.leaders == []
    assert all(bar.count == 0 and bar.percent == "0.0" for bar in results.options)
    assert results.ranked.runoff_winner == ""
    assert '<progress class="voting-bar" max="1" value="0">' in response.content.decode()


def test_results_hidden_until_close_show_a_notice_while_open(client, make_poll, cast, close):
    poll = make_poll(results_visibility=Poll.ResultsVisibility.AFTER_CLOSE)
    cast(poll, [2], 3)

    response = client.get(en_results(poll))

    assert response.status_code == 200
    assert response.context["results"] is None
    html = response.content.decode()
    assert "hides its results until voting closes" in html
    assert "results-ballots" not in html and "voting-bar" not in html
    assert reverse("voting:results_csv", args=[poll.pk]) not in html

    close(poll)
    response = client.get(en_results(poll))
    assert response.context["results"].ballots == 3
    assert "The city closed this poll early" in response.content.decode()


def test_results_hidden_until_close_show_once_the_closing_time_passed(make_poll, cast, now):
    from voting.selectors.results import results_withheld

    poll = make_poll(results_visibility=Poll.ResultsVisibility.AFTER_CLOSE)
    assert results_withheld(poll, now)
    # voting_advance has not run yet, but voting has ended.
    assert results_withheld(poll, poll.closes_at + timedelta(seconds=1)) == ""


def test_a_staff_member_sees_no_interim_results_either(client, make_poll, cast, official):
    poll = make_poll(results_visibility=Poll.ResultsVisibility.AFTER_CLOSE)
    cast(poll, [1])
    client.force_login(official)
    assert client.get(en_results(poll)).context["results"] is None


def test_an_upcoming_poll_says_results_come_later(client, make_poll, now):
    poll = make_poll(opens_at=now + timedelta(days=1), closes_at=now + timedelta(days=8))
    assert poll.status == Poll.Status.SCHEDULED

    response = client.get(en_results(poll))

    assert response.status_code == 200
    assert "The results appear here once voting opens." in response.content.decode()


def test_unpublished_hidden_and_unknown_polls_are_not_found(client, make_poll, official, cast):
    draft = make_poll(publish=False)
    hidden = make_poll(title="숨김 투표")
    cast(hidden, [1])
    poll_hide(actor=official, poll=hidden, reason="광고성 내용")

    assert client.get(en_results(draft)).status_code == 404
    assert client.get(en_results(hidden)).status_code == 404
    assert client.get("/en/votes/999999/results/").status_code == 404
    client.force_login(official)
    response = client.get(en_results(hidden))
    assert response.status_code == 200
    assert "The city hid this poll from the public: 광고성 내용." in response.content.decode()


@pytest.fixture
def room_poll(make_poll, cast):
    poll = make_poll(access=Poll.Access.ROOM, title="우리 동아리 회식 장소")
    cast(poll, [1], 2, access_granted=True)
    return poll


def test_a_room_poll_needs_the_room_code(client, room_poll, grant):
    response = client.get(en_results(room_poll))

    assert response.status_code == 403
    html = response.content.decode()
    assert "enter the room's code to see it" in unescape(html)
    assert room_poll.title not in html
    assert reverse("voting:room") in html

    grant(room_poll)
    response = client.get(en_results(room_poll))
    assert response.status_code == 200
    assert response.context["results"].ballots == 2


def test_an_onsite_poll_needs_the_event_access(client, make_poll, now, grant):
    poll = make_poll(
        access=Poll.Access.ONSITE, event_starts_at=now - timedelta(hours=1), event_ends_at=now + timedelta(hours=2)
    )
    response = client.get(en_results(poll))
    assert response.status_code == 403
    assert "QR code" in response.content.decode()
    assert grant(poll).get(en_results(poll)).status_code == 200


def test_the_proposer_of_a_room_poll_sees_its_results(client, make_poll, make_citizen):
    proposer = make_citizen()
    poll = make_poll(kind="citizen", proposer=proposer, access=Poll.Access.ROOM)
    client.force_login(proposer)
    assert client.get(en_results(poll)).status_code == 200


def test_the_policy_follow_up_shows_on_a_closed_polls_results(client, open_poll, cast, close, official):
    cast(open_poll, [1])
    close(open_poll)
    reflection_record(
        actor=official, poll=open_poll, outcome="partly", note="심야버스 2개 노선을 신설했습니다.",
        link="https://news.seoul.go.kr/traffic/1",
    )

    html = client.get(en_results(open_poll)).content.decode()

    assert "What became of the result" in html and "Partly reflected" in html
    assert "심야버스 2개 노선을 신설했습니다." in html and "https://news.seoul.go.kr/traffic/1" in html


def test_the_page_links_the_poll_its_ledger_receipt_check_and_csv(client, open_poll):
    html = client.get(en_results(open_poll)).content.decode()
    for name in ("voting:detail", "voting:ledger", "voting:verify", "voting:results_csv"):
        assert reverse(name, args=[open_poll.pk]).removeprefix("/") in html, name


def test_korean_is_the_default_language(client, open_poll):
    with translation.override("ko"):
        url = reverse("voting:results", args=[open_poll.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert '<html lang="ko"' in response.content.decode()


def test_results_come_from_the_counters_never_from_the_ballots(client, ranked_poll, cast):
    cast(ranked_poll, [2, 1], 3)

    response, queries = queries_of(client, en_results(ranked_poll))

    assert response.status_code == 200
    assert not [sql for sql in queries if "voting_ballot" in sql]
    assert not [sql for sql in queries if "voting_participation" in sql]
    assert [sql for sql in queries if "voting_tallycount" in sql]
    assert [sql for sql in queries if "voting_rankingcount" in sql]


@pytest.mark.parametrize("question_type", ["single", "ranked"])
def test_the_query_count_does_not_grow_with_the_ballots(client, make_poll, cast, question_type):
    max_choices = 3 if question_type == "ranked" else 1
    few_poll = make_poll(question_type=question_type, max_choices=max_choices, title="적은 투표")
    many_poll = make_poll(question_type=question_type, max_choices=max_choices, title="많은 투표")
    mix = [("20s", "11680", "female"), ("30s", "11440", "male"), ("40s", "11110", ""), ("70_plus", "11680", "other")]
    for index in range(10):
        band, district, gender = mix[index % 4]
        cast(few_poll, [1 + index % 3], band=band, district=district, gender=gender)
    for index in range(60):
        band, district, gender = mix[index % 4]
        choices = [1 + index % 3, 1 + (index + 1) % 3] if question_type == "ranked" else [1 + index % 3]
        cast(many_poll, choices, band=band, district=district, gender=gender)

    few, few_queries = queries_of(client, en_results(few_poll))
    many, many_queries = queries_of(client, en_results(many_poll))

    assert few.context["results"].ballots == 10 and many.context["results"].ballots == 60
    assert len(many_queries) == len(few_queries), many_queries
    assert len(few_queries) <= 6, few_queries


def test_poll_results_costs_one_query_per_counter_table(django_assert_num_queries, open_poll, ranked_poll, cast):
    cast(open_poll, [1], district="")
    cast(ranked_poll, [1, 2], district="")
    open_poll = Poll.objects.prefetch_related("options").get(pk=open_poll.pk)
    ranked_poll = Poll.objects.prefetch_related("options").get(pk=ranked_poll.pk)
    with django_assert_num_queries(1):
        poll_results(open_poll)
    with django_assert_num_queries(2):
        poll_results(ranked_poll)


def test_a_closed_poll_says_when_voting_ran(client, open_poll, close):
    closed = close(open_poll)
    closed.refresh_from_db()
    html = client.get(en_results(closed)).content.decode()
    assert closed.closed_at is not None
    assert "Voting period" in html and timezone.localtime(closed.closed_at).isoformat()[:16] in html
