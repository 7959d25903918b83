"""Breakdowns by age band, district and gender, and the protection of small groups."""

import pytest
from django.urls import reverse
from django.utils import translation

from voting.selectors.results import COMBINED

pytestmark = pytest.mark.django_db


def results_of(client, poll):
    with translation.override("en"):
        url = reverse("voting:results", args=[poll.pk])
    response = client.get(url)
    assert response.status_code == 200
    return response


def breakdown(response, dimension):
    return next(item for item in response.context["results"].breakdowns if item.dimension == dimension)


def rows(item):
    return [
        (group.label, group.ballots, [(bar.count, bar.percent) for bar in group.options]) for group in item.groups
    ]


@pytest.fixture
def crowd(open_poll, cast):
    """18 ballots: 찬성(1), 반대(2), 모르겠음(3) by age band, district and gender."""
    cast(open_poll, [1], 4, band="20s", district="11680", gender="female")
    cast(open_poll, [2], 2, band="20s", district="11680", gender="male")
    cast(open_poll, [1], 3, band="30s", district="11440", gender="female")
    cast(open_poll, [2], 3, band="30s", district="11440", gender="")
    cast(open_poll, [3], 1, band="40s", district="11110", gender="male")
    cast(open_poll, [1], 5, band="70_plus", district="11680", gender="other")
    return open_poll


def test_groups_of_at_least_five_are_shown_with_their_numbers(client, crowd, settings):
    settings.VOTING_BREAKDOWN_MIN_CELL = 5
    response = results_of(client, crowd)

    # 20s: 6, 30s: 6, 40s: 1 (too small), 70+: 5. The 40s alone could be worked out from the
    # total, so the smallest shown band (70 and over) joins it: 6 ballots combined.
    assert rows(breakdown(response, "age")) == [
        ("20s", 6, [(4, "66.7"), (2, "33.3"), (0, "0.0")]),
        ("30s", 6, [(3, "50.0"), (3, "50.0"), (0, "0.0")]),
        ("Other groups (2 combined)", 6, [(5, "83.3"), (0, "0.0"), (1, "16.7")]),
    ]
    # Gangnam 11, Mapo 6, Jongno 1 → Jongno with Mapo.
    district = breakdown(response, "district")
    assert rows(district) == [
        ("Gangnam-gu", 11, [(9, "81.8"), (2, "18.2"), (0, "0.0")]),
        ("Other groups (2 combined)", 7, [(3, "42.9"), (3, "42.9"), (1, "14.3")]),
    ]
    assert district.groups[-1].value == COMBINED and district.groups[-1].combined == 2
    assert district.groups[0].share == "61.1"
    # Female 7, male 3, other 5, not given 3: the two small groups together reach 6.
    assert rows(breakdown(response, "gender")) == [
        ("Female", 7, [(7, "100.0"), (0, "0.0"), (0, "0.0")]),
        ("Other", 5, [(5, "100.0"), (0, "0.0"), (0, "0.0")]),
        ("Other groups (2 combined)", 6, [(0, "0.0"), (5, "83.3"), (1, "16.7")]),
    ]

    html = response.content.decode()
    assert "By age band" in html and "By district" in html and "By gender" in html
    assert "Jongno-gu" not in html and "Mapo-gu" not in html and "40s" not in html
    # The chart and the table carry the same numbers.
    assert html.count("9 (81.8%)") == 2


def test_no_group_can_be_worked_out_by_subtraction(client, crowd, settings):
    settings.VOTING_BREAKDOWN_MIN_CELL = 5
    response = results_of(client, crowd)
    total = response.context["results"].ballots
    for item in response.context["results"].breakdowns:
        assert sum(group.ballots for group in item.groups) == total
        assert all(group.ballots >= 5 for group in item.groups)


def test_the_threshold_is_a_setting(client, crowd, settings):
    settings.VOTING_BREAKDOWN_MIN_CELL = 1
    response = results_of(client, crowd)
    assert [group.label for group in breakdown(response, "age").groups] == ["20s", "30s", "40s", "70 and over"]
    assert [group.label for group in breakdown(response, "gender").groups] == ["Female", "Male", "Other", "Not given"]
    assert [group.label for group in breakdown(response, "district").groups] == ["Gangnam-gu", "Jongno-gu", "Mapo-gu"]


def test_the_threshold_defaults_to_five(client, crowd, settings):
    del settings.VOTING_BREAKDOWN_MIN_CELL
    response = results_of(client, crowd)
    assert response.context["results"].min_cell == 5
    assert "fewer than 5 ballots" in response.content.decode()


def test_too_few_ballots_hide_every_breakdown_but_not_the_results(client, open_poll, cast, settings):
    settings.VOTING_BREAKDOWN_MIN_CELL = 5
    cast(open_poll, [2], 2, band="20s", district="11110")
    cast(open_poll, [1], 1, band="40s", district="11440")

    response = results_of(client, open_poll)

    results = response.context["results"]
    assert [bar.count for bar in results.options] == [1, 2, 0]
    assert all(item.suppressed and not item.groups for item in results.breakdowns)
    html = response.content.decode()
    assert "this breakdown appears once at least 5 ballots are cast" in html
    assert "Jongno-gu" not in html and "20s" not in html


def test_korean_district_names_in_korean(client, crowd, settings):
    settings.VOTING_BREAKDOWN_MIN_CELL = 1
    with translation.override("ko"):
        url = reverse("voting:results", args=[crowd.pk])
    html = client.get(url).content.decode()
    assert "강남구" in html and "마포구" in html


def test_ranked_breakdowns_count_first_preferences(client, ranked_poll, cast, settings):
    settings.VOTING_BREAKDOWN_MIN_CELL = 1
    cast(ranked_poll, [2, 1], 2, band="20s")
    cast(ranked_poll, [4, 2, 1], 1, band="30s")

    response = results_of(client, ranked_poll)

    assert rows(breakdown(response, "age")) == [
        ("20s", 2, [(0, "0.0"), (2, "100.0"), (0, "0.0"), (0, "0.0")]),
        ("30s", 1, [(0, "0.0"), (0, "0.0"), (0, "0.0"), (1, "100.0")]),
    ]
    assert "the breakdowns count first preferences" in response.content.decode()


def test_multiple_choice_breakdown_shares_are_of_the_groups_ballots(client, make_poll, cast, settings):
    settings.VOTING_BREAKDOWN_MIN_CELL = 1
    poll = make_poll(question_type="multiple", max_choices=3)
    cast(poll, [1, 2, 3], 2, gender="male")
    cast(poll, [1], 2, gender="female")

    response = results_of(client, poll)

    assert rows(breakdown(response, "gender")) == [
        ("Female", 2, [(2, "100.0"), (0, "0.0"), (0, "0.0")]),
        ("Male", 2, [(2, "100.0"), (2, "100.0"), (2, "100.0")]),
    ]
