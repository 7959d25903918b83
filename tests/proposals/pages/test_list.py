"""The list: search (Korean, on both databases), filters, sorts, pagination, htmx and query counts."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from proposals.models import Category, Proposal

from .conftest import HTMX

pytestmark = pytest.mark.django_db
Status = Proposal.Status


def titles(response):
    return [proposal.title for proposal in response.context["proposals"]]


def get(client, **params):
    return client.get(reverse("proposals:index"), params)


def test_the_list_shows_published_proposals_never_drafts(client, make_proposal):
    make_proposal(title="심야 버스 노선 확대")
    make_proposal(title="비공개 초안", status=Status.DRAFT)
    response = get(client)
    assert response.status_code == 200
    assert titles(response) == ["심야 버스 노선 확대"]
    assert "비공개 초안" not in response.content.decode()


def test_the_channel_intro_stays_above_the_list(client, open_proposal):
    page = get(client).content.decode()
    assert page.index("About this channel") < page.index(open_proposal.title)


@pytest.mark.parametrize("query", ["버스", "심야", "노선 확대", "심야 버스 노선 확대", "늘려"])
def test_search_finds_korean_text_in_title_and_body(client, make_proposal, query):
    make_proposal(title="심야 버스 노선 확대", body="심야 버스를 늘려 주세요.")
    make_proposal(title="공원 산책로 조명 설치", body="밤에 어둡습니다.")
    assert titles(get(client, q=query)) == ["심야 버스 노선 확대"]


def test_search_finds_a_word_inside_a_korean_compound(client, make_proposal):
    make_proposal(title="심야버스노선 확대", body="본문")
    assert titles(get(client, q="버스")) == ["심야버스노선 확대"]


def test_every_word_must_match(client, make_proposal):
    make_proposal(title="심야 버스 노선 확대", body="강남")
    make_proposal(title="버스 정류장 그늘막", body="여름")
    assert titles(get(client, q="버스 강남")) == ["심야 버스 노선 확대"]


def test_a_title_match_ranks_above_a_body_match(client, make_proposal):
    make_proposal(title="공원 조명", body="버스 정류장 근처 공원", published_at=timezone.now() - timedelta(days=1))
    make_proposal(title="버스 정류장 그늘막", body="여름에 덥습니다.", published_at=timezone.now() - timedelta(days=5))
    assert titles(get(client, q="버스")) == ["버스 정류장 그늘막", "공원 조명"]


@pytest.mark.parametrize("query", ["%", "_", "\\", "100%"])
def test_like_wildcards_are_searched_as_text(client, make_proposal, query):
    make_proposal(title="심야 버스 노선 확대")
    make_proposal(title="요금 100% 환급", body="본문")
    expected = ["요금 100% 환급"] if "%" in query else []
    assert titles(get(client, q=query)) == expected


def test_filters_by_status_category_and_district(client, make_proposal, gangnam, unit):
    parks = Category.objects.create(slug="parks", name_ko="공원", name_en="Parks", default_unit=unit)
    make_proposal(title="강남 버스", district=gangnam)
    make_proposal(title="시 전체 버스")
    make_proposal(title="공원 조명", category_=parks, status=Status.UNDER_REVIEW)
    assert titles(get(client, district="11680")) == ["강남 버스"]
    assert sorted(titles(get(client, district="city"))) == ["공원 조명", "시 전체 버스"]
    assert titles(get(client, category="parks")) == ["공원 조명"]
    assert titles(get(client, status="under_review")) == ["공원 조명"]
    assert titles(get(client, status="open", category="transport", district="city")) == ["시 전체 버스"]


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"status": "draft"}, "status", "This is not a stage of a proposal"),
        ({"status": "nonsense"}, "status", "This is not a stage of a proposal"),
        ({"category": "no-such"}, "category", "There is no such category"),
        ({"district": "99999"}, "district", "There is no such district"),
        ({"district": "<script>"}, "district", "There is no such district"),
        ({"sort": "random"}, "sort", "This is not a known order"),
        ({"q": "버스" * 60}, "q", "Search with at most 100 characters"),
    ],
)
def test_a_bad_filter_is_dropped_with_a_message(client, open_proposal, params, field, message):
    response = get(client, **params)
    assert response.status_code == 400
    assert message in response.context["form"].errors[field][0]
    assert message in response.content.decode()
    assert titles(response) == [open_proposal.title]  # the rest of the list still shows
    assert "<script>" not in response.content.decode()


def test_sorts(client, make_proposal):
    now = timezone.now()
    make_proposal(title="old popular", support_count=40, published_at=now - timedelta(days=20))
    make_proposal(title="new", support_count=1, published_at=now - timedelta(days=1))
    make_proposal(
        title="closed", status=Status.CLOSED_INSUFFICIENT, support_count=3, published_at=now - timedelta(days=40)
    )
    make_proposal(title="middle", support_count=10, published_at=now - timedelta(days=10))
    assert titles(get(client)) == ["new", "middle", "old popular", "closed"]
    assert titles(get(client, sort="newest")) == ["new", "middle", "old popular", "closed"]
    assert titles(get(client, sort="supported")) == ["old popular", "middle", "closed", "new"]
    # Open windows closing first (the oldest open one closes soonest), then the rest.
    assert titles(get(client, sort="closing")) == ["old popular", "middle", "new", "closed"]


def test_pagination_keeps_the_filters(client, make_proposal):
    for number in range(23):
        make_proposal(title=f"버스 {number:02d}", published_at=timezone.now() - timedelta(hours=number))
    first = get(client, q="버스")
    assert len(titles(first)) == 20
    assert "q=%EB%B2%84%EC%8A%A4&amp;page=2" in first.content.decode()
    second = get(client, q="버스", page=2)
    assert titles(second) == ["버스 20", "버스 21", "버스 22"]
    assert get(client, page="999").status_code == 200  # the last page
    assert get(client, page="abc").status_code == 200  # the first page


def test_htmx_filtering_gets_only_the_results(client, make_proposal):
    make_proposal(title="심야 버스 노선 확대")
    response = client.get(reverse("proposals:index"), {"q": "버스"}, HTTP_HX_TARGET="proposal-results", **HTMX)
    assert response.status_code == 200
    page = response.content.decode()
    assert page.lstrip().startswith('<section id="proposal-results"')
    assert "<html" not in page and "심야 버스 노선 확대" in page
    assert 'id="proposal-results-status" hx-swap-oob="innerHTML"' in page
    assert "HX-Request" in response["Vary"]


def test_htmx_with_a_bad_filter_still_gets_a_fragment_it_can_swap(client, open_proposal):
    response = client.get(reverse("proposals:index"), {"district": "x"}, HTTP_HX_TARGET="proposal-results", **HTMX)
    assert response.status_code == 200
    assert "There is no such district" in response.content.decode()


def test_without_javascript_the_filter_is_a_plain_get_form(client, open_proposal):
    page = get(client).content.decode()
    assert 'method="get" action="/en/proposals/"' in page
    assert 'hx-get="/en/proposals/"' in page and 'hx-push-url="true"' in page
    # A history restore (or any other htmx request) gets the whole page.
    response = client.get(
        reverse("proposals:index"), **HTMX, HTTP_HX_HISTORY_RESTORE_REQUEST="true", HTTP_HX_TARGET="proposal-results"
    )
    assert "<html" in response.content.decode()


def test_the_list_in_korean(client, open_proposal):
    with translation.override("ko"):
        url = reverse("proposals:index")
    page = client.get(url).content.decode()
    assert url == "/proposals/"
    assert open_proposal.title in page


@pytest.mark.parametrize("params", [{}, {"q": "버스"}, {"q": "버스", "sort": "supported", "district": "city"}])
def test_the_list_costs_the_same_queries_for_2_or_25_proposals(client, make_proposal, params):
    for number in range(2):
        make_proposal(title=f"버스 {number}")
    with CaptureQueriesContext(connection) as few:
        assert get(client, **params).status_code == 200
    for number in range(23):
        make_proposal(title=f"버스 추가 {number}")
    with CaptureQueriesContext(connection) as many:
        assert get(client, **params).status_code == 200
    assert len(many) == len(few)
    assert len(few) <= 4  # categories, districts, the count and the page


@pytest.mark.parametrize(
    ("title", "query"),
    [("시립도서관 야간 개관 연장", "도서관 야간개관"), ("심야버스 노선", "심야 버스"), ("심야 버스 노선", "심야버스")],
)
def test_search_ignores_how_korean_words_are_spaced(client, make_proposal, title, query):
    make_proposal(title=title, body="본문")
    make_proposal(title="공원 산책로 조명 설치", body="밤에 어둡습니다.")
    assert titles(get(client, q=query)) == [title]


@pytest.mark.parametrize("params", [{}, {"q": "버스"}])
def test_a_long_list_is_counted_up_to_the_cap(client, make_proposal, monkeypatch, params):
    from seoul_portal.pagination import CappedCountPaginator

    monkeypatch.setattr(CappedCountPaginator, "cap", 3)
    for number in range(5):
        make_proposal(title=f"버스 {number}")

    with CaptureQueriesContext(connection) as queries:
        response = get(client, **params)

    counts = [query["sql"] for query in queries if "COUNT(" in query["sql"].upper()]
    assert counts and all("LIMIT 4" in sql.upper() for sql in counts), counts
    assert "More than 3 proposals" in response.content.decode()
    assert len(titles(response)) == 4  # the page holds the rows the cap lets it count


def test_a_short_list_shows_its_count(client, make_proposal, monkeypatch):
    from seoul_portal.pagination import CappedCountPaginator

    monkeypatch.setattr(CappedCountPaginator, "cap", 3)
    for number in range(2):
        make_proposal(title=f"버스 {number}")

    page = get(client).content.decode()

    assert "2 proposals" in page and "More than" not in page


@pytest.mark.parametrize(("title", "query"), [("CCTV 설치 요청", "cc"), ("CCTV 설치 요청", "Tv"), ("バス停の屋根", "バス")])
def test_two_letter_words_of_any_script_and_case_are_found(client, make_proposal, title, query):
    make_proposal(title=title, body="본문")
    make_proposal(title="공원 산책로 조명 설치", body="밤에 어둡습니다.")
    assert titles(get(client, q=query)) == [title]


def test_a_two_letter_word_across_title_and_body_is_no_match(client, make_proposal):
    # The pair index runs title and body together ("...확대" + "심야..." holds "대심"); the ILIKE drops it.
    make_proposal(title="노선 확대", body="심야 운행")
    assert titles(get(client, q="대심")) == []
    assert titles(get(client, q="선확")) == ["노선 확대"]


@pytest.mark.postgres
def test_a_two_letter_search_is_served_by_the_pair_index(make_proposal):
    from proposals.selectors.search import proposal_search

    make_proposal(title="심야 버스 노선 확대")
    queryset = proposal_search(Proposal.objects.all(), "버스").values("pk")
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a table of one row is otherwise read whole
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index Scan on proposal_search_pairs" in plan


def test_past_the_cap_a_search_lists_the_newest_matches_and_says_so(client, make_proposal, monkeypatch):
    from seoul_portal.pagination import CappedCountPaginator

    monkeypatch.setattr(CappedCountPaginator, "cap", 2)
    now = timezone.now()
    # The title match ranks first by relevance; it is the oldest.
    make_proposal(title="버스 정류장 그늘막", body="본문", published_at=now - timedelta(days=9))
    for number in range(3):
        make_proposal(title=f"공원 조명 {number}", body="버스 정류장 근처", published_at=now - timedelta(days=number))

    with CaptureQueriesContext(connection) as queries:
        response = get(client, q="버스")

    assert titles(response) == ["공원 조명 0", "공원 조명 1", "공원 조명 2"]
    assert "the newest are listed first" in response.content.decode()
    assert len(queries) <= 4  # categories, districts, the capped count and the page
    ranked = get(client, q="버스", sort="relevance")
    assert titles(ranked)[0] == "버스 정류장 그늘막"
    assert "the newest are listed first" not in ranked.content.decode()


def test_under_the_cap_a_search_is_ranked_by_relevance(client, make_proposal, monkeypatch):
    from seoul_portal.pagination import CappedCountPaginator

    monkeypatch.setattr(CappedCountPaginator, "cap", 5)
    now = timezone.now()
    make_proposal(title="버스 정류장 그늘막", body="본문", published_at=now - timedelta(days=9))
    make_proposal(title="공원 조명", body="버스 정류장 근처", published_at=now)
    response = get(client, q="버스")
    assert titles(response) == ["버스 정류장 그늘막", "공원 조명"]
    assert "the newest are listed first" not in response.content.decode()


def test_the_newest_first_notice_is_in_korean(client, make_proposal, monkeypatch):
    from seoul_portal.pagination import CappedCountPaginator

    monkeypatch.setattr(CappedCountPaginator, "cap", 1)
    make_proposal(title="버스 하나", body="본문")
    make_proposal(title="버스 둘", body="본문")
    with translation.override("ko"):
        page = client.get(reverse("proposals:index"), {"q": "버스"}, HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "최신순으로 보여 드립니다" in page
