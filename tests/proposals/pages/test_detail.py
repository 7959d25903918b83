"""The detail page: what it shows at each stage, who sees a draft, and its query count."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from proposals.models import Proposal, Support
from proposals.selectors.proposals import proposer_pseudonym

from .conftest import add_timeline

pytestmark = pytest.mark.django_db
Status = Proposal.Status


def detail(client, proposal, **params):
    return client.get(reverse("proposals:detail", args=[proposal.pk]), params)


def test_the_page_shows_the_proposal(client, make_proposal, gangnam):
    proposal = make_proposal(body="첫 줄\n둘째 줄 https://news.seoul.go.kr 참고", district=gangnam)
    response = detail(client, proposal)
    assert response.status_code == 200
    page = response.content.decode()
    assert proposal.title in page
    assert "첫 줄<br>둘째 줄" in page
    assert '<a href="https://news.seoul.go.kr" rel="nofollow">https://news.seoul.go.kr</a>' in page
    assert "Gangnam-gu" in page and "Transport" in page and "Open for support" in page


def test_citizen_text_is_escaped(client, make_proposal):
    # The services refuse HTML; rows written some other way are still shown as text.
    proposal = make_proposal(title="<b>굵게</b>", body="<script>alert(1)</script>\n<img src=x onerror=alert(1)>")
    page = detail(client, proposal).content.decode()
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img src=x" not in page and "<b>굵게" not in page


def test_the_proposer_is_named_by_a_code_that_reveals_nothing(client, open_proposal, proposer):
    page = detail(client, open_proposal).content.decode()
    assert f"citizen {proposer_pseudonym(proposer.pk)}" in page
    assert proposer.name not in page  # 홍길동
    assert proposer.phone_last4 not in page.replace(open_proposal.title, "")
    assert proposer.phone not in page


def test_an_erased_proposer_is_said_to_be_deleted(client, open_proposal, proposer):
    from citizens.services import citizen_erase

    citizen_erase(citizen=proposer)
    assert "whose account was deleted" in detail(client, open_proposal).content.decode()


def test_supports_progress_and_days_left(client, make_proposal):
    now = timezone.now()
    proposal = make_proposal(support_count=30, published_at=now - timedelta(days=27, hours=12))
    page = detail(client, proposal).content.decode()
    assert "<strong>30</strong> citizens support this proposal" in page
    assert 'max="50" value="30"' in page
    assert "20 more supports by the end of the window" in page
    assert "3 days left" in page

    proposal.support_count = 70
    proposal.save()
    page = detail(client, proposal).content.decode()
    assert 'max="100" value="70"' in page and "30 more supports open a public debate" in page


def test_a_closed_window_shows_its_dates_and_no_button(client, make_proposal):
    proposal = make_proposal(status=Status.CLOSED_INSUFFICIENT, published_at=timezone.now() - timedelta(days=40))
    page = detail(client, proposal).content.decode()
    assert "Supports were collected from" in page
    assert "The support window has closed" in page
    assert reverse("proposals:support", args=[proposal.pk]) not in page


def test_the_department_answer_and_the_mayors(client, make_proposal):
    proposal = make_proposal(status=Status.MAYOR_ANSWERED, promotion_reason="시민 패널이 중요하다고 판단")
    page = detail(client, proposal).content.decode()
    answer = page[page.index('id="answer"') :]
    assert "The department's answer" in answer
    assert "Accepted" in answer and "좋은 제안입니다." in answer and "Smart City" in answer
    assert "시장으로서 적극 추진하겠습니다." in page
    assert "시민 패널이 중요하다고 판단" in page


def test_under_review_shows_the_due_date_and_the_overdue_notice(client, make_proposal):
    today = timezone.localdate()
    proposal = make_proposal(status=Status.UNDER_REVIEW)
    page = detail(client, proposal).content.decode()
    assert "must answer it by" in page and "overdue" not in page
    Proposal.objects.filter(pk=proposal.pk).update(
        answer_due_on=today - timedelta(days=5), answer_overdue_since=today - timedelta(days=4)
    )
    page = detail(client, proposal).content.decode()
    assert "The answer is overdue by 5 days." in page


def test_the_timeline_lists_stages_and_reassignments_with_reasons(client, open_proposal, unit, other_unit, official):
    add_timeline(open_proposal, unit, other_unit, official)
    page = detail(client, open_proposal).content.decode()
    timeline = page[page.index('id="timeline"') :]
    assert "Open for support" in timeline
    assert "Assigned to Smart City" in timeline
    assert "Reassigned to Transport" in timeline and "교통 업무 이관 0" in timeline


def test_a_draft_is_seen_only_by_its_author(client, sign_in, draft_proposal, proposer, supporter):
    assert detail(client, draft_proposal).status_code == 404
    sign_in(supporter)
    assert detail(client, draft_proposal).status_code == 404
    sign_in(proposer)
    response = detail(client, draft_proposal)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Only you can see this draft" in page
    assert reverse("proposals:edit", args=[draft_proposal.pk]) in page
    assert reverse("proposals:publish", args=[draft_proposal.pk]) in page


def test_the_draft_preview_suggests_similar_proposals_without_javascript(client, sign_in, make_proposal, proposer):
    make_proposal(title="심야 버스 노선 늘리기")
    draft = make_proposal(title="심야 버스 노선 확대", status=Status.DRAFT)
    sign_in(proposer)
    page = detail(client, draft).content.decode()
    assert "Similar proposals already exist." in page and "심야 버스 노선 늘리기" in page


def test_an_unknown_proposal_is_404(client):
    assert client.get(reverse("proposals:detail", args=[999999])).status_code == 404


@pytest.mark.parametrize("value", ["2", "abc", "-1", "0", "99999999999999999999"])
def test_a_bad_comments_page_is_not_an_error(client, open_proposal, value):
    assert detail(client, open_proposal, comments_page=value).status_code == 200


def test_the_sections_are_included_in_order(client, make_proposal, unit, other_unit, official):
    proposal = make_proposal(status=Status.IN_DEBATE)
    add_timeline(proposal, unit, other_unit, official)
    page = detail(client, proposal).content.decode()
    answer = page.index('id="answer"')
    assert answer < page.index('id="timeline"')
    if 'id="proposal-implementation"' in page and 'id="debate"' in page:
        assert page.index('id="proposal-implementation"') < page.index('id="debate"')
    if 'id="comments"' in page:
        assert page.index('id="comments"') > answer


@pytest.mark.parametrize("status", [Status.OPEN, Status.UNDER_REVIEW, Status.IN_DEBATE, Status.MAYOR_ANSWERED])
def test_the_page_costs_the_same_queries_however_much_it_shows(
    client, sign_in, make_proposal, supporter, participant, unit, other_unit, official, status
):
    proposal = make_proposal(status=status)
    sign_in(supporter)
    detail(client, proposal)  # warm the session
    add_timeline(proposal, unit, other_unit, official, count=1)
    with CaptureQueriesContext(connection) as few:
        assert detail(client, proposal).status_code == 200
    add_timeline(proposal, unit, other_unit, official, count=8)
    for _number in range(5):
        Support.objects.create(proposal=proposal, citizen=participant(), salt="s", receipt="r")
    with CaptureQueriesContext(connection) as many:
        assert detail(client, proposal).status_code == 200
    assert len(many) == len(few), [query["sql"][:120] for query in many.captured_queries]
