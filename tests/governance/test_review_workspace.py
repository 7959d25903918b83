"""The members' workspace over HTTP: reviewing, what others' reviews show when, bad input."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from governance.models import AgendaItem, ConflictDeclaration, Membership, Review
from governance.selectors.reviews import review_tally

from .test_review_support import add_conflict, add_review, make_committee, make_item, make_membership

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def committee():
    return make_committee()


@pytest.fixture
def member(committee):
    return make_membership(committee, name="김위원")


@pytest.fixture
def colleague(committee):
    return make_membership(committee, name="이위원")


@pytest.fixture
def as_member(client, member):
    client.force_login(member.person)
    return client


def item_url(item, name="review:item"):
    return reverse(name, args=[item.pk])


# --- The list -----------------------------------------------------------------------------------


def test_the_list_shows_the_open_items_of_my_committees_only(as_member, committee, member):
    mine = make_item(committee, title="우리 위원회 안건")
    reviewed = make_item(committee, title="이미 검토한 안건")
    add_review(reviewed, member)
    make_item(committee, state="closed", title="지난 안건")
    make_item(make_committee("participatory-budget-committee"), title="다른 위원회 안건")

    response = as_member.get(reverse("review:index"))

    assert response.status_code == 200
    assert [item.pk for item in response.context["open_items"]] == [mine.pk, reviewed.pk]
    text = response.content.decode()
    assert "우리 위원회 안건" in text and "지난 안건" in text
    assert "다른 위원회 안건" not in text


# --- Reviewing and the visibility of others' reviews -------------------------------------------


def test_others_reviews_are_hidden_until_i_submit_mine(as_member, committee, member, colleague):
    item = make_item(committee)
    add_review(item, colleague, opinion="재원 조달 계획이 불분명합니다.")

    before = as_member.get(item_url(item))
    assert before.status_code == 200
    assert "재원 조달 계획이 불분명합니다." not in before.content.decode()
    assert before.context["reviews"] is None

    response = as_member.post(item_url(item), {"recommendation": "approve", "opinion": "추진에 찬성합니다."})
    assert response.status_code == 302
    after = as_member.get(item_url(item))
    assert "재원 조달 계획이 불분명합니다." in after.content.decode()
    assert "추진에 찬성합니다." in after.content.decode()


def test_others_reviews_are_shown_after_the_deadline_without_mine(as_member, committee, colleague):
    item = make_item(committee, state="open_after")
    add_review(item, colleague, opinion="재원 조달 계획이 불분명합니다.")
    response = as_member.get(item_url(item))
    assert "재원 조달 계획이 불분명합니다." in response.content.decode()
    assert response.context["form"] is None


def test_a_conflicted_member_never_sees_others_reviews(as_member, committee, member, colleague):
    item = make_item(committee, state="open_after")
    add_conflict(item, member)
    add_review(item, colleague, opinion="재원 조달 계획이 불분명합니다.")
    assert "재원 조달 계획이 불분명합니다." not in as_member.get(item_url(item)).content.decode()


def test_htmx_submit_returns_the_review_section_with_the_others_reviews(as_member, committee, member, colleague):
    item = make_item(committee)
    add_review(item, colleague, opinion="재원 조달 계획이 불분명합니다.")

    response = as_member.post(item_url(item), {"recommendation": "revise", "opinion": "일정을 보완해야 합니다."}, **HTMX)

    assert response.status_code == 200
    text = response.content.decode()
    assert text.lstrip().startswith('<section id="review-work"')
    assert "<html" not in text
    assert "재원 조달 계획이 불분명합니다." in text
    assert Review.objects.get(item=item, membership=member).recommendation == "revise"


def test_htmx_submit_with_errors_returns_the_section_with_the_errors(as_member, committee):
    item = make_item(committee, asks_score=True)
    response = as_member.post(item_url(item), {"recommendation": "approve", "score": "500", "opinion": "의견"}, **HTMX)
    assert response.status_code == 200
    assert response.content.decode().lstrip().startswith('<section id="review-work"')
    assert "score" in response.context["form"].errors
    assert not Review.objects.exists()


def test_a_member_edits_their_review_while_open(as_member, committee, member):
    item = make_item(committee)
    as_member.post(item_url(item), {"recommendation": "approve", "opinion": "찬성"})
    as_member.post(item_url(item), {"recommendation": "reject", "opinion": "다시 보니 반대"})
    review = Review.objects.get(item=item, membership=member)
    assert (review.recommendation, review.opinion) == ("reject", "다시 보니 반대")
    assert list(AuditEvent.objects.filter(target_type="governance.review").values_list("action", flat=True)
                .order_by("pk")) == ["governance.review_submit", "governance.review_update"]


# --- Scores ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("asks_score", "data", "message"),
    [
        (True, {"recommendation": "approve", "score": "101"}, "0 to 100"),
        (True, {"recommendation": "approve", "score": "-1"}, ""),
        (True, {"recommendation": "approve", "score": ""}, "asks for a score"),
        (True, {"recommendation": "approve", "score": "eighty"}, "whole number"),
        (True, {"recommendation": "abstain", "score": "50"}, "abstention"),
        (False, {"recommendation": "approve", "score": "50"}, "does not ask"),
    ],
    ids=["above-range", "negative", "missing-when-asked", "not-a-number", "abstain-with-score", "not-asked"],
)
def test_bad_scores_are_form_errors(client, committee, member, asks_score, data, message):
    client.force_login(member.person)
    item = make_item(committee, asks_score=asks_score, score_min=0, score_max=100)

    response = client.post(f"/en/review/items/{item.pk}/", {"opinion": "의견", **data})

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "score" in errors
    assert message in " ".join(errors["score"])
    assert not Review.objects.exists()


@pytest.mark.parametrize(("asks_score", "data"), [
    (True, {"recommendation": "approve", "score": "100"}),
    (True, {"recommendation": "abstain", "score": ""}),
    (False, {"recommendation": "reject", "score": ""}),
])
def test_good_scores_are_saved(as_member, committee, member, asks_score, data):
    item = make_item(committee, asks_score=asks_score, score_min=0, score_max=100)
    assert as_member.post(item_url(item), {"opinion": "의견", **data}).status_code == 302
    review = Review.objects.get(item=item, membership=member)
    assert review.score == (int(data["score"]) if data["score"] else None)


def test_missing_recommendation_and_opinion_are_form_errors(as_member, committee):
    item = make_item(committee)
    response = as_member.post(item_url(item), {"opinion": "  "})
    assert set(response.context["form"].errors) == {"recommendation", "opinion"}
    assert not Review.objects.exists()


# --- Conflicts of interest ------------------------------------------------------------------------


def test_a_declared_conflict_withdraws_the_review_and_excludes_the_member(as_member, committee, member, colleague):
    item = make_item(committee, asks_score=True)
    add_review(item, member, score=10)
    add_review(item, colleague, score=90)

    response = as_member.post(item_url(item, "review:conflict"), {"reason": "제안 단체의 자문위원입니다."})

    assert response.status_code == 302
    assert ConflictDeclaration.objects.filter(item=item, membership=member).exists()
    assert not Review.objects.filter(item=item, membership=member).exists()
    tally = review_tally(item)
    assert (tally.reviews, tally.conflicts, str(tally.average_score)) == (1, 1, "90.00")
    event = AuditEvent.objects.get(action="governance.conflict_declare")
    assert event.actor_id == member.person_id

    refused = as_member.post(item_url(item), {"recommendation": "approve", "score": "80", "opinion": "다시 제출"})
    assert refused.status_code == 409
    assert "conflict of interest" in str(refused.context["refusal"]) or "이해충돌" in refused.content.decode()
    assert not Review.objects.filter(item=item, membership=member).exists()

    again = as_member.post(item_url(item, "review:conflict"), {"reason": "다시"})
    assert again.status_code == 409
    assert ConflictDeclaration.objects.filter(item=item).count() == 1


def test_a_conflict_needs_a_reason(as_member, committee):
    item = make_item(committee)
    response = as_member.post(item_url(item, "review:conflict"), {"reason": ""})
    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    assert not ConflictDeclaration.objects.exists()


# --- Closed items and passed deadlines refuse changes -------------------------------------------


@pytest.mark.parametrize("state", ["closed", "open_after"])
def test_a_review_cannot_be_changed_when_closed_or_past_the_deadline(as_member, committee, member, state):
    item = make_item(committee, state=state)
    review = add_review(item, member, opinion="처음 의견")

    for extra in ({}, HTMX):
        response = as_member.post(item_url(item), {"recommendation": "reject", "opinion": "바꾼 의견"}, **extra)
        assert response.status_code == (200 if extra else 409)
        text = response.content.decode()
        assert ("마감" in text or "closed" in text or "deadline" in text) or "종료" in text
        assert response.context["refusal"]

    review.refresh_from_db()
    assert (review.recommendation, review.opinion) == ("approve", "처음 의견")
    assert not AuditEvent.objects.filter(action__startswith="governance.review").exists()


def test_the_refusal_message_is_clear(client, committee, member):
    item = make_item(committee, state="closed")
    client.force_login(member.person)
    response = client.post(f"/en/review/items/{item.pk}/", {"recommendation": "reject", "opinion": "x"})
    assert "This item is closed: reviews can no longer be submitted or changed." in response.content.decode()


def test_closing_races_a_review_the_service_refuses(committee, member):
    from governance.services.reviews import ReviewError, review_submit

    item = make_item(committee)
    stale = AgendaItem.objects.get(pk=item.pk)  # loaded before the close, as a slow request would
    AgendaItem.objects.filter(pk=item.pk).update(status="closed", outcome="approved", closed_at=timezone.now())
    with pytest.raises(ReviewError):
        review_submit(actor=member.person, item=stale, recommendation="approve", opinion="늦은 의견")
    assert not Review.objects.exists()


# --- Bad ids ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["review:item", "review:conflict", "review:close"])
@pytest.mark.parametrize("pk", [0, 999999, 2**63 + 5])
def test_unknown_items_are_404(as_member, name, pk):
    url = reverse(name, args=[1]).replace("/1/", f"/{pk}/")
    assert as_member.get(url).status_code == 404
    assert as_member.post(url, {"recommendation": "approve", "opinion": "x"}).status_code == 404


@pytest.mark.parametrize("path", ["/review/items/abc/", "/review/items/-1/", "/review/items/1.5/close/"])
def test_malformed_ids_are_404(as_member, path):
    assert as_member.get(path).status_code == 404


def test_a_member_of_another_committee_gets_404_as_for_an_unknown_id(client, committee):
    # 403 here would tell an outsider that the id exists: ids could be enumerated.
    item = make_item(committee, title="비공개 안건")
    outsider = make_membership(make_committee("participatory-budget-committee"))
    client.force_login(outsider.person)
    for name in ("review:item", "review:conflict", "review:close"):
        response = client.get(item_url(item, name))
        unknown = client.get(reverse(name, args=[1]).replace("/1/", "/999999/"))
        assert response.status_code == unknown.status_code == 404
        assert "비공개 안건" not in response.content.decode()
        assert client.post(item_url(item, name), {"outcome": "approved", "resolution_ko": "가결"}).status_code == 404


def test_only_the_review_deadline_matters_not_the_term_of_an_item_without_one(as_member, committee, member):
    item = make_item(committee, review_deadline=None)
    assert as_member.post(item_url(item), {"recommendation": "approve", "opinion": "찬성"}).status_code == 302


def test_a_term_that_is_over_gives_no_access(client, committee):
    today = timezone.localdate()
    membership = make_membership(committee)
    Membership.objects.filter(pk=membership.pk).update(term_start=today - timedelta(days=800),
                                                      term_end=today - timedelta(days=1))
    item = make_item(committee)
    client.force_login(membership.person)
    assert client.get(item_url(item)).status_code == 404
    assert client.get(reverse("review:index")).status_code == 403
