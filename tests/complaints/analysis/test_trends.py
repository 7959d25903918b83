"""Term counts and trending terms: counting once per complaint, on the Seoul day, caught up when a
task is lost; the trend score on hand-computed counts; the public and admin pages, their links
to the complaints behind a term, and the public list's text and date filters."""

import csv
import io
import math
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from urllib.parse import parse_qs, urlparse

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from complaints.deadlines import SEOUL
from complaints.models import Category, Complaint, ComplaintType, TermCount, Trend
from complaints.services.intake import Filer, complaint_file_for_triage
from complaints.services.text_analysis import (
    MIN_PUBLIC_FILERS,
    _upsert_portable,
    add_term_counts,
    complaint_count_terms,
    rise_score,
    terms_recount,
    trends_compute,
)
from complaints.terms import stop_words_changed

pytestmark = pytest.mark.django_db

# Friday 2026-03-20, noon in Seoul: this week is 03-14..03-20, the baseline 02-14..03-13.
NOW = datetime(2026, 3, 20, 12, 0, tzinfo=SEOUL)


@pytest.fixture(autouse=True)
def _fresh_stop_words():
    stop_words_changed()
    yield
    stop_words_changed()


def counts():
    return {(row.day, row.term, row.category_id): row.count for row in TermCount.objects.all()}


# --- Counting ---------------------------------------------------------------------------------


def test_a_complaint_counts_its_terms_once_on_its_seoul_day(file_complaint, pothole):
    # 23:30 UTC on March 1 is 08:30 on March 2 in Seoul.
    received = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)
    complaint = file_complaint(description="강남역 사거리에 싱크홀이 생겼어요. 싱크홀이 커요", now=received)
    assert complaint.terms_counted_at is None

    assert complaint_count_terms(complaint.pk) is True
    day = date(2026, 3, 2)
    # The title (the description's start) repeats the words: each term counts once per complaint.
    assert counts() == {(day, "강남역", pothole.pk): 1, (day, "사거리", pothole.pk): 1, (day, "싱크홀", pothole.pk): 1}
    complaint.refresh_from_db()
    assert complaint.terms_counted_at is not None

    assert complaint_count_terms(complaint.pk) is False  # a repeated task adds nothing
    assert set(counts().values()) == {1}


def test_two_complaints_add_up(file_complaint, pothole):
    received = datetime(2026, 3, 2, 9, 0, tzinfo=SEOUL)
    first = file_complaint(description="싱크홀 발생", now=received)
    second = file_complaint(description="큰 싱크홀", now=received)
    complaint_count_terms(first.pk)
    complaint_count_terms(second.pk)
    assert counts()[(date(2026, 3, 2), "싱크홀", pothole.pk)] == 2


def test_an_unknown_complaint_counts_nothing():
    assert complaint_count_terms(987654) is False
    assert TermCount.objects.count() == 0


def test_filing_enqueues_the_count_when_it_commits(file_complaint, pothole, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        complaint = file_complaint(description="가스냄새가 심하게 나요")
    complaint.refresh_from_db()
    assert complaint.terms_counted_at is not None
    day = timezone.localdate(complaint.received_at)
    assert counts() == {(day, "가스냄새", pothole.pk): 1}


def test_a_triaged_complaint_counts_under_no_category(guest, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        complaint = complaint_file_for_triage(channel="sms", description="붕괴 위험 건물 신고", filer=Filer(contact=guest))
    day = timezone.localdate(complaint.received_at)
    assert counts() == {(day, "붕괴", None): 1, (day, "위험", None): 1, (day, "건물", None): 1}


def test_the_upsert_adds_to_existing_rows_without_a_category_too(pothole):
    day = date(2026, 3, 2)
    add_term_counts(Counter({(day, "싱크홀", None): 2, (day, "싱크홀", pothole.pk): 1}))
    add_term_counts(Counter({(day, "싱크홀", None): 3}))
    assert counts() == {(day, "싱크홀", None): 5, (day, "싱크홀", pothole.pk): 1}


def test_the_portable_upsert_adds_to_existing_rows(pothole):
    day = date(2026, 3, 2)
    TermCount.objects.create(day=day, term="싱크홀", category=pothole, count=2)
    _upsert_portable([((day, "싱크홀", pothole.pk), 3), ((day, "싱크홀", None), 1)])
    assert counts() == {(day, "싱크홀", pothole.pk): 5, (day, "싱크홀", None): 1}


def test_recount_rebuilds_from_the_day_of_since(file_complaint, pothole):
    old = file_complaint(description="가로등 고장", now=datetime(2026, 3, 1, 10, 0, tzinfo=SEOUL))
    recent = file_complaint(description="싱크홀 발생", now=datetime(2026, 3, 5, 10, 0, tzinfo=SEOUL))
    complaint_count_terms(old.pk)
    complaint_count_terms(recent.pk)
    # A count gone wrong since March 5 (say, a term later made a stop word).
    TermCount.objects.filter(day=date(2026, 3, 5)).update(count=40)
    TermCount.objects.create(day=date(2026, 3, 6), term="엉터리", category=pothole, count=7)

    assert terms_recount(since=datetime(2026, 3, 5, 18, 0, tzinfo=SEOUL)) == 1

    assert counts() == {
        (date(2026, 3, 1), "가로등", pothole.pk): 1,
        (date(2026, 3, 1), "고장", pothole.pk): 1,
        (date(2026, 3, 5), "싱크홀", pothole.pk): 1,
        (date(2026, 3, 5), "발생", pothole.pk): 1,
    }


# --- Trends ---------------------------------------------------------------------------------


def test_rise_score():
    assert rise_score(6, 1.0) == pytest.approx(5 / math.sqrt(2))
    assert rise_score(3, 0.0) == 3.0
    assert rise_score(10, 10.0) == 0.0


@pytest.fixture
def park(pothole, parks):
    return Category.objects.create(service_code="park-noise", name_ko="공원 소음", name_en="Park noise",
                                   complaint_type=ComplaintType.GRIEVANCE, default_unit=parks)  # fmt: skip


@pytest.fixture
def voiced(file_complaint, participant):
    """Public complaints saying `text` this week (03-18), one by each of `filers` citizens (or all
    by `citizen`), already counted (the tests' counts are made by hand): what a term needs to be
    shown (at least three people used it in public complaints)."""

    def voice(text, *, category, filers=MIN_PUBLIC_FILERS, is_public=True, citizen=None,
              when=datetime(2026, 3, 18, 9, 0, tzinfo=SEOUL)):  # fmt: skip
        made = [
            file_complaint(description=text, category=category, is_public=is_public, now=when,
                           filer=Filer(citizen=citizen or participant()))  # fmt: skip
            for _ in range(filers)
        ]
        Complaint.objects.filter(pk__in=[complaint.pk for complaint in made]).update(terms_counted_at=when)
        return made

    return voice


@pytest.fixture
def term_counts(pothole, park, voiced):
    rows = [
        (date(2026, 3, 15), "싱크홀", pothole, 4), (date(2026, 3, 20), "싱크홀", None, 2),
        (date(2026, 2, 20), "싱크홀", pothole, 4),
        (date(2026, 3, 16), "가로등", pothole, 10), (date(2026, 2, 25), "가로등", pothole, 40),
        (date(2026, 3, 17), "소음", park, 3), (date(2026, 2, 13), "소음", park, 100),  # before the baseline
        (date(2026, 3, 18), "도로", pothole, 2),  # fewer than 3 this week
        (date(2026, 3, 14), "공사", pothole, 20), (date(2026, 2, 14), "공사", pothole, 60),  # first days
        (date(2026, 3, 19), "민원", pothole, 50),  # a stop word
        (date(2026, 3, 21), "폭우", pothole, 9),  # after today
    ]  # fmt: skip
    TermCount.objects.bulk_create(
        TermCount(day=day, term=term, category=category, count=count) for day, term, category, count in rows
    )
    # Every rising term was said in public complaints by three people (in its category).
    voiced("싱크홀", category=pothole)
    voiced("공사", category=pothole)
    voiced("소음", category=park)


def public_trends():
    return Trend.objects.filter(audience=Trend.Audience.PUBLIC)


def officials_trends():
    return Trend.objects.filter(audience=Trend.Audience.OFFICIALS)


def trend_rows(trends=None):
    trends = public_trends() if trends is None else trends
    return [(row.category_id, row.rank, row.term, row.this_week, row.baseline, row.score) for row in
            trends.order_by("category_id", "rank")]  # fmt: skip


def test_trends_on_hand_computed_counts(term_counts, pothole, park):
    Trend.objects.create(week_start=date(2026, 1, 1), term="지난주", this_week=9, baseline=0, score=9, rank=1)

    report = trends_compute(now=NOW)

    assert (report.caught_up, report.trends, report.officials_trends, report.week_start) == (0, 6, 6, date(2026, 3, 14))
    # 싱크홀: 4 + 2 this week, 4 before → baseline 1 → 5/√2; 소음: 3 vs 0 → 3; 공사: 20 vs 60/4 → 5/4;
    # 가로등 10 vs 10 does not rise; 도로 has 2; 민원 is a stop word; 폭우 is tomorrow.
    assert sorted(trend_rows(), key=lambda row: (row[0] or 0, row[1])) == [
        (None, 1, "싱크홀", 6, 1.0, round(5 / math.sqrt(2), 3)),
        (None, 2, "소음", 3, 0.0, 3.0),
        (None, 3, "공사", 20, 15.0, 1.25),
        (pothole.pk, 1, "싱크홀", 4, 1.0, round(3 / math.sqrt(2), 3)),
        (pothole.pk, 2, "공사", 20, 15.0, 1.25),
        (park.pk, 1, "소음", 3, 0.0, 3.0),
    ]
    # Every rising term was said in public by three people: the officials' ranking is the same.
    assert trend_rows(officials_trends()) == trend_rows()
    assert set(Trend.objects.values_list("week_start", flat=True)) == {date(2026, 3, 14)}


def test_at_most_twenty_terms_per_list(pothole, voiced):
    words = [f"word{chr(ord('a') + number)}" for number in range(25)]
    TermCount.objects.bulk_create(
        TermCount(day=date(2026, 3, 18), term=word, category=pothole, count=3 + number)
        for number, word in enumerate(words)
    )
    voiced(" ".join(words), category=pothole)
    trends_compute(now=NOW)
    for trends in (public_trends(), officials_trends()):
        overall = list(trends.filter(category=None).order_by("rank").values_list("term", flat=True))
        assert overall == [words[number] for number in range(24, 4, -1)]
        assert trends.filter(category=pothole).count() == 20


def test_a_lost_task_is_caught_up(file_complaint, pothole, participant):
    # Filed without its count (the task was lost): trends_compute counts it first.
    for _ in range(3):
        file_complaint(description="맨홀 뚜껑이 열려 있어요", now=datetime(2026, 3, 19, 9, 0, tzinfo=SEOUL),
                       is_public=True, filer=Filer(citizen=participant()))  # fmt: skip
    file_complaint(description="맨홀 뚜껑", now=datetime(2026, 1, 1, 9, 0, tzinfo=SEOUL))  # older than 35 days

    report = trends_compute(now=NOW)

    assert report.caught_up == 3
    assert Complaint.objects.filter(terms_counted_at__isnull=True).count() == 1
    assert counts()[(date(2026, 3, 19), "맨홀", pothole.pk)] == 3
    # A tie (3 against 0 each) is ranked by the term.
    assert [row[:4] for row in trend_rows() if row[0] is None] == [(None, 1, "뚜껑", 3), (None, 2, "맨홀", 3)]
    assert trends_compute(now=NOW).caught_up == 0


# --- The public page --------------------------------------------------------------------------


def test_the_public_page_ranks_and_links_to_the_complaints(client, term_counts):
    trends_compute(now=NOW)
    response = client.get(reverse("complaints:trends"))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [(row["term"].rank, row["term"].term, row["term"].this_week) for row in rows] == [
        (1, "싱크홀", 6), (2, "소음", 3), (3, "공사", 20)
    ]
    link = urlparse(rows[0]["url"])
    assert link.path == reverse("complaints:list")
    assert parse_qs(link.query) == {"q": ["싱크홀"], "since": ["2026-03-14"], "until": ["2026-03-20"]}
    assert rows[0]["url"].replace("&", "&amp;") in response.content.decode()


def test_the_public_page_of_a_category(client, term_counts, park):
    trends_compute(now=NOW)
    response = client.get(reverse("complaints:trends"), {"category": "park-noise"})
    assert response.status_code == 200
    assert [row["term"].term for row in response.context["rows"]] == ["소음"]
    assert parse_qs(urlparse(response.context["rows"][0]["url"]).query)["category"] == ["park-noise"]


@pytest.mark.parametrize("code", ["nope", "x" * 500, "' OR 1=1 --", "<script>"])
def test_an_unknown_category_is_a_400_with_a_message(client, code):
    response = client.get(reverse("complaints:trends"), {"category": code})
    assert response.status_code == 400
    assert response.context["problem"]
    assert "<script>" not in response.content.decode()


def test_the_csv(client, term_counts):
    trends_compute(now=NOW)
    response = client.get(reverse("complaints:trends"), {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[1:] == [
        ["1", "싱크홀", "6", "1.00", "5.00", "3.536", "2026-03-14", ""],
        ["2", "소음", "3", "0.00", "3.00", "3.000", "2026-03-14", ""],
        ["3", "공사", "20", "15.00", "5.00", "1.250", "2026-03-14", ""],
    ]


def test_the_page_before_any_computation(client):
    response = client.get(reverse("complaints:trends"))
    assert response.status_code == 200
    assert response.context["rows"] == []


def test_the_htmx_fragment(client, term_counts):
    trends_compute(now=NOW)
    response = client.get(reverse("complaints:trends"), headers={"HX-Request": "true", "HX-Target": "trend-results"})
    assert response.status_code == 200
    assert [template.name for template in response.templates][0] == "complaints/stats/partials/trends_table.html"


def test_the_page_issues_as_many_queries_for_twenty_terms_as_for_two(client, pothole):
    def queries(terms):
        Trend.objects.all().delete()
        Trend.objects.bulk_create(
            Trend(week_start=date(2026, 3, 14), category=pothole, term=f"용어{rank}", this_week=10, baseline=1,
                  score=5, rank=rank)  # fmt: skip
            for rank in range(1, terms + 1)
        )
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("complaints:trends"), {"category": "pothole"}).status_code == 200
        return len(captured)

    assert queries(2) == queries(20)


# --- The public list's text and date filters -------------------------------------------------


def listed(client, **query):
    response = client.get(reverse("complaints:list"), query)
    return response, [complaint.tracking_number for complaint in response.context["complaints"]]


def test_the_list_filters_by_words_and_days(client, file_complaint):
    def filed(text, when):
        return file_complaint(description=text, is_public=True, now=when).tracking_number

    inside = filed("강남역 싱크홀 신고", datetime(2026, 3, 15, 10, 0, tzinfo=SEOUL))
    last_minute = filed("싱크홀이 또 생김", datetime(2026, 3, 20, 23, 59, tzinfo=SEOUL))
    filed("가로등 고장", datetime(2026, 3, 16, 10, 0, tzinfo=SEOUL))  # other words
    filed("싱크홀 신고", datetime(2026, 3, 13, 23, 59, tzinfo=SEOUL))  # the day before
    filed("싱크홀 신고", datetime(2026, 3, 21, 0, 0, tzinfo=SEOUL))  # the day after
    file_complaint(description="싱크홀 비공개", is_public=False, now=datetime(2026, 3, 16, 10, 0, tzinfo=SEOUL))

    response, numbers = listed(client, q="싱크홀", since="2026-03-14", until="2026-03-20")
    assert response.status_code == 200
    assert numbers == [last_minute, inside]


def test_words_without_days_look_at_the_last_35_days(client, file_complaint):
    now = timezone.now()
    recent = file_complaint(description="맨홀 뚜껑", is_public=True, now=now - timedelta(days=30)).tracking_number
    file_complaint(description="맨홀 뚜껑", is_public=True, now=now - timedelta(days=40))
    response, numbers = listed(client, q="맨홀")
    assert (response.status_code, numbers) == (200, [recent])
    assert parse_qs(response.context["filter_query"])["since"] == [(timezone.localdate() - timedelta(days=34)).isoformat()]


@pytest.mark.parametrize(
    "query",
    [
        {"q": "싱크홀", "since": "2026-03-20", "until": "2026-03-01"},  # reversed
        {"q": "싱크홀", "since": "2020-01-01", "until": "2026-03-01"},  # longer than 35 days: cut
        {"since": "2026-13-45"},
        {"until": "not a date"},
        {"since": "0001-01-01", "q": "a"},
        {"q": "가" * 61},
        {"q": "bad\x00byte"},
    ],
)
def test_bad_list_filters_are_reported_not_a_500(client, query, file_complaint):
    file_complaint(description="싱크홀", is_public=True)
    response, _numbers = listed(client, **query)
    assert response.status_code == 400
    assert response.context["problems"]


def test_an_injection_in_the_words_finds_nothing(client, file_complaint):
    file_complaint(description="싱크홀", is_public=True)
    response, numbers = listed(client, q="%' OR '1'='1")
    assert (response.status_code, numbers) == (200, [])
    response, numbers = listed(client, q="%")  # a LIKE wildcard is a character, not "anything"
    assert (response.status_code, numbers) == (200, [])


def test_the_list_with_words_issues_a_constant_number_of_queries(client, file_complaint):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("complaints:list"), {"q": "싱크홀"}).status_code == 200
        return len(captured)

    file_complaint(description="싱크홀", is_public=True)
    few = queries()
    for _ in range(5):
        file_complaint(description="싱크홀", is_public=True)
    assert queries() == few


# --- The admin page -----------------------------------------------------------------------------


def test_officials_see_the_trends_and_their_complaints_behind_a_term(admin_client, roads_official, file_complaint,
                                                                     pothole, participant):  # fmt: skip
    when = timezone.now() - timedelta(hours=1)
    matching = [
        file_complaint(description="맨홀 뚜껑이 열려 있어요", now=when, is_public=True, filer=Filer(citizen=participant()))
        for _ in range(3)
    ]
    file_complaint(description="가로등 고장", now=when)
    trends_compute()

    client = admin_client(roads_official)
    response = client.get(reverse("admin:complaints_complaint_trends"))
    assert response.status_code == 200
    row = next(row for row in response.context["rows"] if row["term"].term == "맨홀")
    assert row["term"].this_week == 3

    listing = client.get(row["url"])
    assert listing.status_code == 200
    shown = {complaint.pk for complaint in listing.context["cl"].result_list}
    assert shown == {complaint.pk for complaint in matching}

    csv_response = client.get(reverse("admin:complaints_complaint_trends"), {"format": "csv"})
    assert csv_response.status_code == 200
    assert "맨홀" in csv_response.content.decode()


def test_the_admin_page_refuses_a_bad_category_and_citizens(admin_client, roads_official, client, citizen):
    response = admin_client(roads_official).get(reverse("admin:complaints_complaint_trends"), {"category": "nope"})
    assert response.status_code == 400

    client.force_login(citizen)
    assert client.get(reverse("admin:complaints_complaint_trends")).status_code in (302, 403)


def test_term_counts_counter_is_exact_for_a_batch(file_complaint, pothole):
    # Many complaints counted in one batch by the catch-up: the same sums as one by one.
    texts = ["싱크홀 발생", "싱크홀 위험", "가로등 고장", "싱크홀"]
    when = datetime(2026, 3, 18, 9, 0, tzinfo=SEOUL)
    for text in texts:
        file_complaint(description=text, now=when)
    trends_compute(now=NOW)
    day = date(2026, 3, 18)
    expected = Counter({"싱크홀": 3, "발생": 1, "위험": 1, "가로등": 1, "고장": 1})
    assert {term: count for (row_day, term, _category), count in counts().items() if row_day == day} == expected


def test_the_admin_term_search_never_looks_further_back_than_35_days(admin_client, roads_official, file_complaint):
    now = timezone.now()
    recent = file_complaint(description="맨홀 뚜껑이 열려 있어요", now=now - timedelta(days=34))
    file_complaint(description="맨홀 뚜껑이 열려 있어요", now=now - timedelta(days=36))
    file_complaint(description="맨홀 뚜껑", now=datetime(2001, 5, 1, 9, 0, tzinfo=SEOUL))
    client = admin_client(roads_official)
    url = reverse("admin:complaints_complaint_changelist")

    for earliest in ("2000-01-01T00:00:00+09:00", (now - timedelta(days=36)).isoformat()):
        with CaptureQueriesContext(connection) as captured:
            listing = client.get(url, {"term": "맨홀", "received_at__gte": earliest})
        assert listing.status_code == 200
        assert {complaint.pk for complaint in listing.context["cl"].result_list} == {recent.pk}
        # The text search itself carries the 35-day bound.
        searches = [query["sql"] for query in captured.captured_queries if "LIKE" in query["sql"].upper()]
        assert searches
        assert all('"received_at" >=' in sql for sql in searches)

    # A later lower bound in the URL narrows further.
    listing = client.get(url, {"term": "맨홀", "received_at__gte": (now - timedelta(days=10)).isoformat()})
    assert list(listing.context["cl"].result_list) == []


@pytest.mark.django_db(transaction=True)
def test_a_recount_waits_for_a_count_in_flight_and_counts_it_once(file_complaint, pothole, monkeypatch):
    # A count_terms task has added its counts but not committed when an operator starts a recount:
    # the recount's reset waits for it, so its counts are deleted and the complaint counted once.
    import threading

    from complaints.services import text_analysis

    day = datetime(2026, 3, 18, 9, 0, tzinfo=SEOUL)
    complaint = file_complaint(description="싱크홀 발생", now=day)
    # Filing commits here and the eager task counted it: start from a complaint not counted yet.
    TermCount.objects.all().delete()
    Complaint.objects.filter(pk=complaint.pk).update(terms_counted_at=None)
    inside, go = threading.Event(), threading.Event()
    real_add = text_analysis.add_term_counts

    def add_then_wait(found):
        real_add(found)
        if threading.current_thread().name == "task":
            inside.set()
            assert go.wait(10)

    monkeypatch.setattr(text_analysis, "add_term_counts", add_then_wait)
    results = {}

    def run(name, work):
        try:
            results[name] = work()
        finally:
            connection.close()

    task = threading.Thread(target=run, name="task", args=("task", lambda: complaint_count_terms(complaint.pk)))
    recount = threading.Thread(target=run, name="recount", args=("recount", lambda: terms_recount(since=day)))
    task.start()
    assert inside.wait(10)
    recount.start()
    recount.join(1.0)
    assert recount.is_alive()  # waiting for the task's transaction
    go.set()
    task.join(10)
    recount.join(10)

    assert results == {"task": True, "recount": 1}
    assert counts() == {(date(2026, 3, 18), "싱크홀", pothole.pk): 1, (date(2026, 3, 18), "발생", pothole.pk): 1}


# --- Who may read a trending term -----------------------------------------------------------------


def test_words_of_private_complaints_or_of_fewer_than_three_people_never_trend(
    client, file_complaint, pothole, park, participant, citizen
):
    when = datetime(2026, 3, 18, 9, 0, tzinfo=SEOUL)

    def filed(text, *, category, is_public, filer):
        file_complaint(description=text, category=category, is_public=is_public, now=when,
                       filer=Filer(citizen=filer))  # fmt: skip

    # One citizen names a neighbour in three private complaints.
    for _ in range(3):
        filed("홍길동 씨가 밤마다 떠들어요", category=park, is_public=False, filer=citizen)
    # One citizen names another in three public complaints: still one person's word.
    neighbour = participant()
    for _ in range(3):
        filed("김철수 씨가 밤마다 떠들어요", category=park, is_public=True, filer=neighbour)
    # Three people, but in private complaints.
    for _ in range(3):
        filed("이영희 씨가 밤마다 떠들어요", category=park, is_public=False, filer=participant())
    # Three people in public pothole complaints; three more in private park complaints.
    for _ in range(3):
        filed("싱크홀 발생", category=pothole, is_public=True, filer=participant())
        filed("싱크홀 발생", category=park, is_public=False, filer=participant())

    trends_compute(now=NOW)

    this_week = Counter()
    for (_day, term, _category), count in counts().items():
        this_week[term] += count
    # Each would rise by its count alone (3 this week against none before)...
    assert {term: this_week[term] for term in ("홍길동", "김철수", "이영희")} == {"홍길동": 3, "김철수": 3, "이영희": 3}
    assert this_week["싱크홀"] == 6
    # ...but only what three people wrote in public complaints is listed, in the category they wrote it in.
    listed_terms = {(row.category_id, row.term) for row in public_trends()}
    assert listed_terms == {(None, "싱크홀"), (pothole.pk, "싱크홀"), (None, "발생"), (pothole.pk, "발생")}
    assert public_trends().get(category=None, term="싱크홀").this_week == 6
    # The officials' ranking has every complaint's rising terms, in the category they were written in.
    officials_terms = {(row.category_id, row.term) for row in officials_trends()}
    for name in ("홍길동", "김철수", "이영희"):
        assert {(None, name), (park.pk, name)} <= officials_terms
    assert officials_trends().get(category=None, term="싱크홀").this_week == 6
    assert officials_trends().get(category=park, term="싱크홀").this_week == 3

    page = client.get(reverse("complaints:trends")).content.decode()
    assert "싱크홀" in page
    for name in ("홍길동", "김철수", "이영희"):
        assert name not in page
    assert client.get(reverse("complaints:trends"), {"category": "park-noise"}).context["rows"] == []


def test_a_guest_counts_as_one_filer_by_their_contact(file_complaint, pothole, guest):
    when = datetime(2026, 3, 18, 9, 0, tzinfo=SEOUL)
    for _ in range(3):
        file_complaint(description="싱크홀 발생", is_public=True, now=when, filer=Filer(contact=guest))
    trends_compute(now=NOW)
    assert not public_trends().exists()
    assert set(officials_trends().values_list("category_id", "term")) == {
        (None, "싱크홀"), (None, "발생"), (pothole.pk, "싱크홀"), (pothole.pk, "발생")
    }  # fmt: skip


# --- Two rankings: the public one and the officials' -------------------------------------------


def test_a_term_of_private_complaints_reaches_the_officials_page_only(client, admin_client, roads_official,
                                                                      file_complaint, pothole, participant):  # fmt: skip
    when = timezone.now() - timedelta(hours=1)
    # Three people write of the same drain in private complaints; three others write in public.
    private = [
        file_complaint(description="하수구 악취", now=when, is_public=False, filer=Filer(citizen=participant()))
        for _ in range(3)
    ]
    for _ in range(3):
        file_complaint(description="맨홀 뚜껑", now=when, is_public=True, filer=Filer(citizen=participant()))
    trends_compute()

    def terms(response):
        assert response.status_code == 200
        return {row["term"].term for row in response.context["rows"]}

    officials = admin_client(roads_official)
    admin_url = reverse("admin:complaints_complaint_trends")
    assert terms(officials.get(admin_url)) == {"하수구", "악취", "맨홀", "뚜껑"}
    assert terms(officials.get(admin_url, {"category": "pothole"})) == {"하수구", "악취", "맨홀", "뚜껑"}
    row = next(row for row in officials.get(admin_url).context["rows"] if row["term"].term == "하수구")
    assert row["term"].this_week == 3
    # Its link lists the three private complaints in the official's queue, within the 35-day bound.
    listing = officials.get(row["url"])
    assert listing.status_code == 200
    assert {complaint.pk for complaint in listing.context["cl"].result_list} == {complaint.pk for complaint in private}
    assert "하수구" in officials.get(admin_url, {"format": "csv"}).content.decode()

    public_url = reverse("complaints:trends")
    assert terms(client.get(public_url)) == {"맨홀", "뚜껑"}
    assert terms(client.get(public_url, {"category": "pothole"})) == {"맨홀", "뚜껑"}
    for query in ({}, {"category": "pothole"}):
        page = client.get(public_url, query).content.decode()
        assert "하수구" not in page and "악취" not in page
        table = client.get(public_url, {**query, "format": "csv"}).content.decode()
        assert "맨홀" in table and "하수구" not in table and "악취" not in table


def test_the_public_page_never_reads_the_officials_rows(client, pothole):
    Trend.objects.bulk_create(
        Trend(audience=Trend.Audience.OFFICIALS, week_start=date(2026, 3, 14), category=category, term="홍길동",
              this_week=9, baseline=0, score=9, rank=1)  # fmt: skip
        for category in (None, pothole)
    )
    url = reverse("complaints:trends")
    for query in ({}, {"category": "pothole"}):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, query)
        assert response.status_code == 200
        assert response.context["rows"] == []
        # Not even when the officials' ranking was computed: the public one never was.
        assert response.context["trending"].week_start is None
        assert "홍길동" not in response.content.decode()
        table = Trend._meta.db_table
        reads = [query["sql"] for query in captured.captured_queries if f'"{table}"' in query["sql"]]
        assert len(reads) == 2
        assert all(f"\"{table}\".\"audience\" = 'public'" in sql for sql in reads)

        csv_rows = list(csv.reader(io.StringIO(client.get(url, {**query, "format": "csv"}).content.decode())))
        assert len(csv_rows) == 1  # the header only


def test_both_rankings_are_replaced_together(term_counts, pothole, park, monkeypatch):
    first = trends_compute(now=NOW)
    assert (first.trends, first.officials_trends) == (6, 6)

    def snapshot():
        return set(Trend.objects.values_list("audience", "category_id", "term", "rank", "computed_at"))

    before = snapshot()
    assert {audience for audience, *_rest in before} == {"public", "officials"}
    # This week 공사 stops rising and 폭염 rises, but only in complaints nobody made public.
    TermCount.objects.filter(term="공사").delete()
    TermCount.objects.create(day=date(2026, 3, 19), term="폭염", category=park, count=5)
    later = NOW + timedelta(hours=1)

    # A failure while writing (here, after the rows are written) leaves the previous computation whole.
    real_bulk_create = Trend.objects.bulk_create

    def write_then_fail(rows, *args, **kwargs):
        real_bulk_create(rows, *args, **kwargs)
        raise RuntimeError("the database went away")

    monkeypatch.setattr(Trend.objects, "bulk_create", write_then_fail)
    with pytest.raises(RuntimeError):
        trends_compute(now=later)
    assert snapshot() == before
    monkeypatch.undo()

    report = trends_compute(now=later)

    assert (report.trends, report.officials_trends) == (4, 6)
    assert set(Trend.objects.values_list("computed_at", flat=True)) == {later}
    assert set(public_trends().values_list("category_id", "rank", "term")) == {
        (None, 1, "싱크홀"), (None, 2, "소음"), (pothole.pk, 1, "싱크홀"), (park.pk, 1, "소음"),
    }  # fmt: skip
    # 폭염: 5 against none → 5, above 싱크홀's 5/√2 overall.
    assert set(officials_trends().values_list("category_id", "rank", "term")) == {
        (None, 1, "폭염"), (None, 2, "싱크홀"), (None, 3, "소음"),
        (pothole.pk, 1, "싱크홀"), (park.pk, 1, "폭염"), (park.pk, 2, "소음"),
    }  # fmt: skip


def test_the_admin_page_issues_as_many_queries_for_twenty_terms_as_for_two(admin_client, roads_official, pothole):
    client = admin_client(roads_official)

    def queries(terms):
        Trend.objects.all().delete()
        Trend.objects.bulk_create(
            Trend(audience=audience, week_start=date(2026, 3, 14), category=pothole, term=f"용어{rank}",
                  this_week=10, baseline=1, score=5, rank=rank)  # fmt: skip
            for rank in range(1, terms + 1)
            for audience in Trend.Audience.values
        )
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("admin:complaints_complaint_trends"), {"category": "pothole"})
        assert response.status_code == 200
        assert len(response.context["rows"]) == terms
        return len(captured)

    assert queries(2) == queries(20)
