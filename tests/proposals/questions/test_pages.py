"""The pages of Seoul asks: the list, a question, the vote and the opinion (plain and htmx), bad
input, who sees what, and query counts that do not grow with the data."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from proposals.models import Question, QuestionOpinion, QuestionVote
from proposals.services.questions import question_opine, question_vote

from .conftest import HTMX, K, S

pytestmark = pytest.mark.django_db


def detail_url(question):
    return reverse("proposals:question", args=[question.pk])


def vote_url(question):
    return reverse("proposals:question_vote", args=[question.pk])


def opinion_url(question):
    return reverse("proposals:question_opinion", args=[question.pk])


def page(response):
    return response.content.decode()


@pytest.fixture
def voter(client, participant):
    citizen = participant()
    client.force_login(citizen)
    return citizen


# --- the list -------------------------------------------------------------------------------


def test_the_list_shows_open_questions_first_and_hides_drafts(client, ask):
    concluded = ask(status=S.CONCLUDED, title="결론 난 질문")
    closing_late = ask(status=S.OPEN, days=20, title="늦게 마감")
    closing_soon = ask(status=S.OPEN, days=2, title="곧 마감", kind=K.DISCUSSION)
    closed = ask(status=S.CLOSED, title="마감된 질문")
    ask(status=S.DRAFT, title="초안 질문")
    response = client.get(reverse("proposals:questions"))
    assert response.status_code == 200
    listed = [q.pk for q in response.context["questions"]]
    # Open ones closing soonest first, then the closed ones, latest closing first.
    assert listed == [closing_soon.pk, closing_late.pk, closed.pk, concluded.pk]
    html = page(response)
    assert "초안 질문" not in html
    assert "4 questions" in html
    assert "days left" in html and "Conclusion published" in html


def test_the_list_is_paginated(client, ask):
    for n in range(21):
        ask(status=S.OPEN, title=f"질문 {n}")
    first = client.get(reverse("proposals:questions"))
    assert len(first.context["questions"]) == 20 and "Page 1 of 2" in page(first)
    second = client.get(reverse("proposals:questions") + "?page=2")
    assert len(second.context["questions"]) == 1
    assert client.get(reverse("proposals:questions") + "?page=abc").status_code == 200
    assert client.get(reverse("proposals:questions") + "?page=999").status_code == 200


def test_the_empty_list(client, db):
    response = client.get(reverse("proposals:questions"))
    assert response.status_code == 200 and "not asked any question yet" in page(response)


def test_the_korean_list_is_at_the_root(client, ask):
    ask(status=S.OPEN)
    assert client.get("/proposals/asks/").status_code == 200


def count_queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_the_list_costs_the_same_queries_at_any_size(client, ask):
    for n in range(2):
        ask(status=S.OPEN, title=f"질문 {n}")
    small = count_queries(client, reverse("proposals:questions"))
    for n in range(18):
        ask(status=[S.OPEN, S.CLOSED, S.CONCLUDED][n % 3], title=f"질문 더 {n}", kind=K.values[n % 2])
    assert count_queries(client, reverse("proposals:questions")) == small


# --- a question's page ----------------------------------------------------------------------


def test_anonymous_visitors_read_and_are_asked_to_sign_in(client, ask):
    question = ask(status=S.OPEN)
    response = client.get(detail_url(question))
    html = page(response)
    assert response.status_code == 200
    assert question.title in html and "Sign in with your phone to take part" in html
    assert reverse("citizens:signin") in html
    assert 'name="choice"' not in html


def test_an_open_yes_no_question_hides_results_until_it_closes(client, voter, ask, make_citizen):
    question = ask(status=S.OPEN)
    question_vote(citizen=make_citizen(), question=question, choice=True)
    html = page(client.get(detail_url(question)))
    assert "1 citizen has voted so far" in html
    assert 'name="choice" value="yes"' in html and 'name="choice" value="no"' in html
    assert 'hx-post="' + vote_url(question) + '"' in html and 'action="' + vote_url(question) + '"' in html
    assert "proposals-ask-results" not in html


def test_the_results_are_shown_with_numbers_once_closed(client, ask, make_citizen):
    question = ask(status=S.OPEN, days=1)
    for choice in (True, True, True, False):
        question_vote(citizen=make_citizen(), question=question, choice=choice)
    now = timezone.now()
    Question.objects.filter(pk=question.pk).update(
        status=S.CLOSED, opens_at=now - timedelta(days=3), closes_at=now - timedelta(days=1)
    )
    response = client.get(detail_url(question))
    html = page(response)
    results = response.context["ask"].results
    assert (results.yes, results.no, results.yes_percent, results.no_percent) == (3, 1, 75, 25)
    assert "4 votes in total" in html and 'value="75"' in html and "75%" in html
    assert 'name="choice"' not in html


def test_the_conclusion_is_published(client, ask):
    question = ask(status=S.CONCLUDED)
    html = page(client.get(detail_url(question)))
    assert "The city&#x27;s conclusion" in html or "The city's conclusion" in html
    assert "대여소 200곳을 늘리기로 했습니다." in html


def test_the_viewers_own_vote_is_shown(client, voter, ask):
    question = ask(status=S.OPEN)
    question_vote(citizen=voter, question=question, choice=False)
    html = page(client.get(detail_url(question)))
    assert "You voted no." in html and 'name="choice"' not in html


def test_a_discussion_shows_the_form_and_the_opinions(client, voter, ask, make_citizen):
    question = ask(status=S.OPEN, kind=K.DISCUSSION)
    question_opine(
        citizen=make_citizen(name="홍길동"), question=question, body="강서구에 <더> 필요합니다 https://seoul.go.kr"
    )
    html = page(client.get(detail_url(question)))
    assert 'name="body"' in html and 'hx-post="' + opinion_url(question) + '"' in html
    assert "강서구에 &lt;더&gt; 필요합니다" in html and '<a href="https://seoul.go.kr"' in html
    assert "홍길동" not in html  # opinions are shown without names


def test_the_opinions_are_paginated(client, ask, make_citizen):
    question = ask(status=S.OPEN, kind=K.DISCUSSION)
    for n in range(21):
        question_opine(citizen=make_citizen(), question=question, body=f"의견 번호 {n}")
    first = page(client.get(detail_url(question)))
    assert "의견 번호 20" in first and "의견 번호 0<" not in first and "Page 1 of 2" in first
    second = page(client.get(detail_url(question) + "?page=2"))
    assert "의견 번호 0<" in second


def test_a_draft_is_not_found_except_for_its_officials(client, ask, official, official_elsewhere):
    question = ask(status=S.DRAFT)
    assert client.get(detail_url(question)).status_code == 404
    client.force_login(official_elsewhere)
    assert client.get(detail_url(question)).status_code == 404
    client.force_login(official)
    response = client.get(detail_url(question))
    assert response.status_code == 200 and "Preview" in page(response)


def test_an_unknown_question_is_not_found(client, db):
    assert client.get(reverse("proposals:question", args=[999999])).status_code == 404


@pytest.mark.parametrize("kind", K.values)
def test_a_question_page_costs_the_same_queries_at_any_size(kind, client, participant, ask, make_citizen):
    question = ask(status=S.OPEN, kind=kind)
    viewer = participant()
    client.force_login(viewer)

    def answer(count):
        for _ in range(count):
            citizen = make_citizen()
            if kind == K.YES_NO:
                question_vote(citizen=citizen, question=question, choice=True)
            else:
                question_opine(citizen=citizen, question=question, body="의견입니다")

    answer(2)
    small = count_queries(client, detail_url(question))
    answer(18)
    assert count_queries(client, detail_url(question)) == small


# --- voting --------------------------------------------------------------------------------


def test_a_plain_vote_redirects_back_with_a_message(client, voter, ask):
    question = ask(status=S.OPEN)
    response = client.post(vote_url(question), {"choice": "yes"})
    assert response.status_code == 302 and response["Location"] == detail_url(question)
    assert QuestionVote.objects.get(citizen=voter).choice is True
    html = page(client.get(response["Location"]))
    assert "Your vote is counted" in html and "You voted yes." in html


def test_an_htmx_vote_gets_the_section(client, voter, ask):
    question = ask(status=S.OPEN)
    response = client.post(vote_url(question), {"choice": "no"}, **HTMX)
    html = page(response)
    assert response.status_code == 200
    assert 'id="question-vote"' in html
    assert "<html" not in html and "You voted no." in html and 'aria-live="polite"' in html
    assert Question.objects.get(pk=question.pk).no_count == 1


@pytest.mark.parametrize("choice", ["", "maybe", "<script>"])
def test_a_bad_choice_is_refused(choice, client, voter, ask):
    question = ask(status=S.OPEN)
    response = client.post(vote_url(question), {"choice": choice})
    assert response.status_code == 400 and "Choose yes or no." in page(response)
    htmx = client.post(vote_url(question), {"choice": choice}, **HTMX)
    assert htmx.status_code == 200 and "Choose yes or no." in page(htmx)
    assert not QuestionVote.objects.exists()


def test_a_second_vote_is_refused_with_the_reason(client, voter, ask):
    question = ask(status=S.OPEN)
    client.post(vote_url(question), {"choice": "yes"})
    response = client.post(vote_url(question), {"choice": "no"})
    assert response.status_code == 409 and "already voted" in page(response)
    htmx = client.post(vote_url(question), {"choice": "no"}, **HTMX)
    assert htmx.status_code == 200 and "already voted" in page(htmx)
    question.refresh_from_db()
    assert (question.yes_count, question.no_count) == (1, 0)


@pytest.mark.parametrize(
    ("setup", "reason"),
    [
        ({"status": S.CLOSED}, "has closed"),
        ({"status": S.CONCLUDED}, "has closed"),
        ({"status": S.OPEN, "kind": K.DISCUSSION}, "open discussion"),
    ],
)
def test_votes_refused_by_the_state(setup, reason, client, voter, ask):
    question = ask(**setup)
    response = client.post(vote_url(question), {"choice": "yes"})
    assert response.status_code == 409 and reason in page(response)
    assert not QuestionVote.objects.exists()


def test_a_vote_on_a_draft_is_not_found(client, voter, ask):
    assert client.post(vote_url(ask(status=S.DRAFT)), {"choice": "yes"}).status_code == 404


def test_a_vote_after_the_closing_time_is_refused(client, voter, ask):
    question = ask(status=S.OPEN)
    now = timezone.now()
    Question.objects.filter(pk=question.pk).update(
        opens_at=now - timedelta(days=2), closes_at=now - timedelta(seconds=1)
    )
    response = client.post(vote_url(question), {"choice": "yes"})
    assert response.status_code == 409 and "has closed" in page(response)


def test_an_unverified_citizen_is_told_why(client, participant, ask):
    citizen = participant(verified=False)
    client.force_login(citizen)
    question = ask(status=S.OPEN)
    assert "verified mobile phone can take part" in page(client.get(detail_url(question)))
    response = client.post(vote_url(question), {"choice": "yes"})
    assert response.status_code == 409 and "Verify your mobile phone" in page(response)


def test_a_visitor_is_sent_to_sign_in_and_back(client, ask):
    question = ask(status=S.OPEN)
    response = client.post(vote_url(question), {"choice": "yes"})
    assert response.status_code == 302 and reverse("citizens:signin") in response["Location"]
    assert not QuestionVote.objects.exists()


def test_coming_back_from_sign_in_lands_on_the_question(client, voter, ask):
    question = ask(status=S.OPEN)
    response = client.get(vote_url(question))
    assert response.status_code == 302 and response["Location"] == detail_url(question)


# --- opinions -------------------------------------------------------------------------------


def test_a_plain_opinion_redirects_back_with_a_message(client, voter, ask):
    question = ask(status=S.OPEN, kind=K.DISCUSSION)
    response = client.post(opinion_url(question), {"body": "대여소가 더 필요합니다."})
    assert response.status_code == 302 and response["Location"] == detail_url(question)
    html = page(client.get(response["Location"]))
    assert "your opinion is published" in html and "대여소가 더 필요합니다." in html and "Your opinion" in html


def test_an_htmx_opinion_gets_the_section(client, voter, ask):
    question = ask(status=S.OPEN, kind=K.DISCUSSION)
    response = client.post(opinion_url(question), {"body": "좋은 정책입니다."}, **HTMX)
    html = page(response)
    assert response.status_code == 200 and 'id="question-opinions"' in html and "<html" not in html
    assert "좋은 정책입니다." in html and "1 opinion" in html


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("", "Write the opinion"),
        ("   \r\n ", "Write the opinion"),
        ("가" * 2_001, "at most 2000 characters"),
        ("<script>alert(1)</script>", "remove the HTML tags"),
    ],
)
def test_bad_opinions_are_form_errors(body, reason, client, voter, ask):
    question = ask(status=S.OPEN, kind=K.DISCUSSION)
    response = client.post(opinion_url(question), {"body": body})
    assert response.status_code == 400 and reason in page(response)
    htmx = client.post(opinion_url(question), {"body": body}, **HTMX)
    assert htmx.status_code == 200 and reason in page(htmx) and 'aria-invalid="true"' in page(htmx)
    assert not QuestionOpinion.objects.exists()


def test_the_typed_opinion_is_kept_when_refused(client, voter, ask):
    question = ask(status=S.OPEN, kind=K.DISCUSSION)
    response = client.post(opinion_url(question), {"body": "좋아요 <b>"})
    assert "좋아요 &lt;b&gt;" in page(response)


@pytest.mark.parametrize(
    ("setup", "reason"),
    [
        ({"status": S.CLOSED, "kind": K.DISCUSSION}, "has closed"),
        ({"status": S.OPEN, "kind": K.YES_NO}, "yes or no vote"),
    ],
)
def test_opinions_refused_by_the_state(setup, reason, client, voter, ask):
    question = ask(**setup)
    response = client.post(opinion_url(question), {"body": "의견"})
    assert response.status_code == 409 and reason in page(response)
    assert not QuestionOpinion.objects.exists()


def test_a_second_opinion_is_refused(client, voter, ask):
    question = ask(status=S.OPEN, kind=K.DISCUSSION)
    client.post(opinion_url(question), {"body": "첫 의견"})
    response = client.post(opinion_url(question), {"body": "둘째 의견"})
    assert response.status_code == 409 and "already given your opinion" in page(response)
    assert QuestionOpinion.objects.count() == 1


def test_a_stale_form_without_csrf_is_refused(ask, participant):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(participant())
    question = ask(status=S.OPEN)
    assert strict.post(vote_url(question), {"choice": "yes"}).status_code == 403
    assert not QuestionVote.objects.exists()


def test_an_expired_session_on_an_htmx_vote_reloads_the_sign_in_page(client, ask):
    question = ask(status=S.OPEN)
    response = client.post(vote_url(question), {"choice": "yes"}, **HTMX)
    assert response.status_code == 200
    assert reverse("citizens:signin") in response["HX-Redirect"]
    assert not QuestionVote.objects.exists()
