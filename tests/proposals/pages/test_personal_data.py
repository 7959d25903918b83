"""What proposals exports and erases of a citizen, now with comments, reports, debate stances, helpful
ratings and Seoul asks votes and opinions."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from citizens.registry import personal_data_handlers
from citizens.services import citizen_erase
from proposals.models import (
    ArgumentRating,
    Comment,
    CommentReport,
    DebateStance,
    Follow,
    Proposal,
    Question,
    QuestionOpinion,
    QuestionVote,
    Support,
)
from proposals.personal_data import ERASED_TEXT
from proposals.services import proposal_follow, proposal_support

from .conftest import image_bytes

pytestmark = pytest.mark.django_db
Status = Proposal.Status


@pytest.fixture
def handler():
    return next(h for h in personal_data_handlers() if h.key == "proposals")


@pytest.fixture
def activity(make_proposal, supporter, participant, unit, official):
    """The supporter's activity, with other citizens' around it."""
    other = participant()
    proposal = make_proposal(status=Status.OPEN)
    support = proposal_support(citizen=supporter, proposal=proposal)
    proposal_follow(citizen=supporter, proposal=proposal)
    comment = Comment.objects.create(proposal=proposal, author=supporter, body="제 의견입니다. 010-9999-8888")
    reply = Comment.objects.create(proposal=proposal, author=other, parent=comment, body="동의합니다")
    others_comment = Comment.objects.create(proposal=proposal, author=other, body="다른 의견", report_count=2)
    CommentReport.objects.create(comment=others_comment, reporter=supporter, reason="spam")
    CommentReport.objects.create(comment=others_comment, reporter=participant(), reason="abuse")
    debate = make_proposal(status=Status.IN_DEBATE, debate_participant_count=2)
    stance = DebateStance.objects.create(
        proposal=debate, citizen=supporter, stance="for", argument="제 논거", helpful_count=1
    )
    others_stance = DebateStance.objects.create(
        proposal=debate, citizen=other, stance="against", argument="반대", helpful_count=1
    )
    ArgumentRating.objects.create(stance=others_stance, citizen=supporter)
    ArgumentRating.objects.create(stance=stance, citizen=other)
    now = timezone.now()
    vote_question = Question.objects.create(
        title="찬반",
        body="배경",
        kind="yes_no",
        unit=unit,
        created_by=official,
        status="open",
        opens_at=now,
        closes_at=now + timedelta(days=7),
        yes_count=1,
    )
    talk_question = Question.objects.create(
        title="토론",
        body="배경",
        kind="discussion",
        unit=unit,
        created_by=official,
        status="open",
        opens_at=now,
        closes_at=now + timedelta(days=7),
        opinion_count=1,
    )
    QuestionVote.objects.create(question=vote_question, citizen=supporter, choice=True)
    QuestionOpinion.objects.create(question=talk_question, citizen=supporter, body="제 생각은 이렇습니다")
    draft = make_proposal(status=Status.DRAFT, author=supporter, title="내 초안", image_alt="사진")
    draft.image.save("x.png", ContentFile(image_bytes("PNG")), save=True)
    return {
        "proposal": proposal,
        "support": support,
        "comment": comment,
        "reply": reply,
        "others_comment": others_comment,
        "stance": stance,
        "others_stance": others_stance,
        "draft": draft,
        "other": other,
        "talk_question": talk_question,
    }


def test_export_holds_all_of_the_citizens_own_and_nothing_of_others(handler, activity, supporter):
    data = handler.export(supporter)
    assert data["supports"][0]["receipt"] == activity["support"].receipt
    assert data["follows"] == [activity["proposal"].pk]
    assert [c["text"] for c in data["comments"]] == ["제 의견입니다. 010-9999-8888"]
    assert [r["reason"] for r in data["comment_reports"]] == ["spam"]
    assert [(s["stance"], s["argument"]) for s in data["debate_stances"]] == [("for", "제 논거")]
    assert [r["argument"] for r in data["helpful_ratings"]] == [activity["others_stance"].pk]
    assert [v["yes"] for v in data["question_votes"]] == [True]
    assert [o["opinion"] for o in data["question_opinions"]] == ["제 생각은 이렇습니다"]
    assert [p["title"] for p in data["proposals"]] == ["내 초안"]
    text = str(data)
    assert "동의합니다" not in text and "반대" not in text and "다른 의견" not in text


def test_erase_keeps_the_counts_and_the_threads_without_the_citizens_words(
    handler, activity, supporter, django_capture_on_commit_callbacks
):
    image_name = activity["draft"].image.name
    storage = activity["draft"].image.storage
    assert storage.exists(image_name)
    with django_capture_on_commit_callbacks(execute=True):
        handler.erase(supporter)

    assert not Proposal.objects.filter(pk=activity["draft"].pk).exists()
    assert not storage.exists(image_name)
    assert not Follow.objects.filter(citizen=supporter).exists()
    assert Support.objects.filter(citizen=supporter).count() == 1

    comment = Comment.objects.get(pk=activity["comment"].pk)
    assert comment.body == ERASED_TEXT and "010-9999-8888" not in comment.body
    assert Comment.objects.get(pk=activity["reply"].pk).parent_id == comment.pk  # the thread holds

    assert not CommentReport.objects.filter(reporter=supporter).exists()
    assert Comment.objects.get(pk=activity["others_comment"].pk).report_count == 1

    stance = DebateStance.objects.get(pk=activity["stance"].pk)
    assert stance.argument == "" and stance.stance == "for"  # still counted
    assert not ArgumentRating.objects.filter(citizen=supporter).exists()
    assert DebateStance.objects.get(pk=activity["others_stance"].pk).helpful_count == 0
    assert DebateStance.objects.get(pk=activity["others_stance"].pk).argument == "반대"

    assert QuestionVote.objects.filter(citizen=supporter).count() == 1
    assert not QuestionOpinion.objects.filter(citizen=supporter).exists()
    assert Question.objects.get(pk=activity["talk_question"].pk).opinion_count == 0


def test_a_report_already_moderated_is_not_taken_off_the_count_again(handler, activity, supporter):
    others = activity["others_comment"]
    Comment.objects.filter(pk=others.pk).update(report_count=0, moderated_at=timezone.now() + timedelta(seconds=1))
    handler.erase(supporter)
    assert Comment.objects.get(pk=others.pk).report_count == 0


def test_the_whole_account_erasure_runs_the_handler(activity, supporter):
    citizen_erase(citizen=supporter)
    assert Comment.objects.get(pk=activity["comment"].pk).body == ERASED_TEXT
    assert DebateStance.objects.get(pk=activity["stance"].pk).argument == ""
